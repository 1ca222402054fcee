"""Shared helpers for delimited text exports: decoding, dialect, numbers, missing tokens.

Vendor CSV files differ in small, annoying ways: a UTF-8 byte-order mark,
Windows-1252 symbols (Garmin's ``Training Stress Score®``), ``;`` instead of
``,`` (Oura, European spreadsheets), decimal commas (``"5,81"``), thousands
separators (``"1,000"``), ``--`` or ``NaN`` for missing values, and repeated
column names (Strava, Garmin). The helpers here read such a file into a
:class:`CsvTable` whose columns are addressed by *position*, so that repeated
names never overwrite each other, and parse number columns with the file's own
conventions.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.errors import CsvImportError

#: Cell texts that mean "no value" in the exports we know (compared after strip, case-insensitively).
NULL_TOKENS = frozenset({"", "--", "-", "nan", "null", "none", "n/a", "na", "#n/a"})

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 20


def decode_text(name: str, data: bytes) -> str:
    """Decode an export's bytes to text, removing a byte-order mark.

    Tries UTF-8 (with or without BOM), UTF-16 with BOM, then Windows-1252, the
    encoding of older spreadsheet exports.

    Raises
    ------
    CsvImportError
        If the bytes hold NUL characters without a UTF-16 BOM (a binary file).
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise CsvImportError(
            name, "the file is binary, not text (it holds NUL bytes)", offset=data.index(b"\x00")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def normalize_header(name: str) -> str:
    """Return a header name folded for matching: case, surrounding space, inner runs of space."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().casefold()


def sniff_delimiter(text: str) -> str:
    """Guess the field delimiter from the first lines of ``text``.

    The delimiter is the candidate that splits the header into the most fields
    while giving every following sampled line the same number of fields
    (quoted fields are honoured). Falls back to ``","``.
    """
    lines = text.splitlines()[:_SNIFF_LINES]
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delimiter))
        rows = [row for row in rows if row]
        if not rows:
            continue
        width = len(rows[0])
        consistent = all(len(row) == width for row in rows[1:])
        if width > best_fields and consistent:
            best, best_fields = delimiter, width
    return best


@dataclass
class CsvTable:
    """A delimited file read as text cells, columns addressed by position.

    Attributes
    ----------
    source : str
        File name, for messages.
    header : list of str
        Column names as written in the file (repeated names kept).
    cells : DataFrame
        One ``str`` column per header position (integer column labels),
        cells stripped of surrounding space; one row per data line.
    delimiter : str
        The delimiter the file uses.
    line_numbers : ndarray
        1-based line in the file of each data row (for messages).
    """

    source: str
    header: list[str]
    cells: pd.DataFrame
    delimiter: str
    line_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))

    @property
    def normalized(self) -> list[str]:
        """The header names folded by :func:`normalize_header`."""
        return [normalize_header(name) for name in self.header]

    def positions(self, name: str) -> list[int]:
        """Return every position whose header matches ``name`` (folded), in file order."""
        key = normalize_header(name)
        return [i for i, col in enumerate(self.normalized) if col == key]

    def find(self, *names: str, occurrence: int = 0) -> int | None:
        """Return the position of the first of ``names`` present (its ``occurrence``-th copy)."""
        for candidate in names:
            found = self.positions(candidate)
            if len(found) > occurrence:
                return found[occurrence]
        return None

    def column(self, *names: str, occurrence: int = 0) -> pd.Series | None:
        """Return the cells of the first of ``names`` present, or ``None``."""
        position = self.find(*names, occurrence=occurrence)
        return None if position is None else self.cells[position]

    def __len__(self) -> int:
        return len(self.cells)


def read_table(name: str, data: bytes | str, *, delimiter: str | None = None) -> CsvTable:
    """Read a delimited export into a :class:`CsvTable`.

    Parameters
    ----------
    name : str
        File name, for messages.
    data : bytes or str
        The file content.
    delimiter : str, optional
        Field delimiter; sniffed with :func:`sniff_delimiter` when omitted.

    Raises
    ------
    CsvImportError
        If the file is empty, binary, or a data row has more fields than the header.
    """
    text = decode_text(name, data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if not text.strip():
        raise CsvImportError(name, "the file is empty; expected a header row and data rows")
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [cell.strip() for cell in next(reader)]
    width = len(header)
    rows, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise CsvImportError(
                name,
                f"the row has {len(row)} fields but the header has {width}; "
                f"expected the same delimiter {delimiter!r} on every line",
                row=len(rows) + 1,
            )
        rows.append([cell.strip() for cell in row[:width]] + [""] * (width - len(row)))
        lines.append(reader.line_num)
    cells = (
        pd.DataFrame(rows, columns=range(width), dtype=object)
        if rows
        else pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
    )
    return CsvTable(name, header, cells, delimiter, np.asarray(lines, dtype=int))


def is_null(series: pd.Series) -> pd.Series:
    """Return a boolean mask of cells that hold a missing-value token (see :data:`NULL_TOKENS`)."""
    text = series.astype("object").where(series.notna(), "")
    return text.map(lambda v: str(v).strip().casefold() in NULL_TOKENS).astype(bool)


_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_DECIMAL_DOT = re.compile(r"^-?\d*\.\d+$")
_DECIMAL_COMMA = re.compile(r"^-?\d*,\d+$")
_AMBIGUOUS = re.compile(r"^-?\d{1,3}[.,]\d{3}$")


def sniff_number_format(
    values: pd.Series | list[str], *, delimiter: str = ","
) -> tuple[str, str | None]:
    """Guess ``(decimal, thousands)`` separators from number-looking cells.

    ``"6.30"`` is evidence of a decimal point, ``"5,81"`` (not three digits after
    the comma) of a decimal comma, ``"1,000.5"`` of comma thousands. A lone
    ``"1,000"`` is ambiguous and decided by the other cells; with no evidence at
    all the decimal comma is assumed for ``;``-delimited files (the European
    spreadsheet convention) and the decimal point otherwise.
    """
    dot = comma = 0
    for value in values:
        text = str(value).strip()
        if _AMBIGUOUS.match(text):
            continue  # "1,000" or "1.500": a thousands group or three decimals
        if _DECIMAL_DOT.match(text) or _THOUSANDS_COMMA.match(text):
            dot += 1
        elif _DECIMAL_COMMA.match(text) or _THOUSANDS_DOT.match(text):
            comma += 1
    if dot and not comma:
        return ".", ","
    if comma and not dot:
        return ",", "."
    if delimiter == ";" and not dot:
        return ",", "."
    return ".", ","


def parse_numbers(
    series: pd.Series, *, decimal: str = ".", thousands: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse text cells to floats.

    Returns
    -------
    values : Series of float
        Parsed numbers, ``NaN`` where missing or unparsable.
    bad : Series of bool
        ``True`` where a cell is neither a missing token nor a number.
    """
    text = series.astype("object").where(series.notna(), "").map(lambda v: str(v).strip())
    missing = is_null(text)
    cleaned = text.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    misgrouped = pd.Series(False, index=text.index)
    if thousands:
        grouped = cleaned.str.contains(thousands, regex=False)
        pattern = rf"^[-+]?\d{{1,3}}({re.escape(thousands)}\d{{3}})+({re.escape(decimal)}\d*)?$"
        misgrouped = grouped & ~cleaned.str.match(pattern)
        cleaned = cleaned.str.replace(thousands, "", regex=False)
    if decimal != ".":
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(cleaned.where(~missing & ~misgrouped, None), errors="coerce").astype(
        "float64"
    )
    bad = values.isna() & ~missing
    return values, bad


def parse_clock_seconds(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse durations written as ``[h:]mm:ss[.f]`` (``"01:32:43"``, ``"0:35"``) to seconds.

    Returns ``(seconds, bad)`` like :func:`parse_numbers`.
    """
    text = series.astype("object").where(series.notna(), "").map(lambda v: str(v).strip())
    missing = is_null(text)

    def to_seconds(value: str) -> float:
        if value.startswith(("-", "+")):
            return np.nan
        parts = value.split(":")
        if not 2 <= len(parts) <= 3:
            return np.nan
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            return np.nan
        if any(n < 0 or not np.isfinite(n) for n in numbers):
            return np.nan
        total = 0.0
        for number in numbers:
            total = total * 60 + number
        return total

    values = text.map(lambda v: np.nan if not v or v.casefold() in NULL_TOKENS else to_seconds(v))
    values = values.astype("float64")
    return values, values.isna() & ~missing
