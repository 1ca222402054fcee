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
from analyzer.io.caps import MAX_CELL_CHARS, MAX_COLUMNS, MAX_RECORD_CHARS

#: Cell texts that mean "no value" in the exports we know (after strip, case-insensitively).
NULL_TOKENS = frozenset({"", "--", "-", "nan", "null", "none", "n/a", "na", "#n/a"})

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 20
_SNIFF_CHARS = 1024**2


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
    head = text[:_SNIFF_CHARS]  # not the whole text: a list of every line of a large file
    lines = head.splitlines()
    if len(head) < len(text) and len(lines) > 1:
        lines.pop()  # may be cut short
    lines = lines[:_SNIFF_LINES]
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        try:
            rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:  # a cell over the cap, a NUL: read_table names the row
            continue
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
        1-based line of the file each data row starts on (for messages).
    cut_row : int or None
        The last data row (1-based) when the file ends in the middle of it:
        it has fewer fields than the header and no line break follows it (a
        download or a copy cut short). Its missing cells read as empty.
    cut_fields : int
        How many fields that row has.
    """

    source: str
    header: list[str]
    cells: pd.DataFrame
    delimiter: str
    line_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    cut_row: int | None = None
    cut_fields: int = 0

    def cut_problem(self) -> tuple[int, str, str, str] | None:
        """``(row, column, value, expected)`` of a row cut short by the file's end, or None.

        The column is the row's last field, which the cut may have shortened too.
        """
        if self.cut_row is None:
            return None
        position = max(self.cut_fields, 1) - 1
        return (
            self.cut_row,
            self.header[position],
            self.cells.iat[self.cut_row - 1, position],
            f"all {len(self.header)} fields: the file ends in the middle of this row, after "
            f"{self.cut_fields} (a download or copy cut short?)",
        )

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
        If the file is empty or binary, a data row has more fields than the
        header, or the file breaks a cap of :mod:`analyzer.io.caps` (header
        width, cell length, record length); the message names the row.
    """
    text = decode_text(name, data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if not text.strip():
        raise CsvImportError(name, "the file is empty; expected a header row and data rows")
    delimiter = delimiter or sniff_delimiter(text)
    lines = _Records(name, text)
    reader = csv.reader(lines, delimiter=delimiter)
    header = [cell.strip() for cell in _next_record(name, reader, lines, 0)]
    width = len(header)
    if width > MAX_COLUMNS:
        raise CsvImportError(
            name,
            f"the header names {width} columns; the analyzer reads at most {MAX_COLUMNS}",
            row=0,
        )
    columns: list[list[str]] = [[] for _ in range(width)]
    line_numbers = []
    while (row := _next_record(name, reader, lines, len(line_numbers) + 1)) is not None:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise CsvImportError(
                name,
                f"the row has {len(row)} fields but the header has {width}; "
                f"expected the same delimiter {delimiter!r} on every line",
                row=len(line_numbers) + 1,
            )
        for position, column in enumerate(columns):
            column.append(row[position].strip() if position < len(row) else "")
        line_numbers.append(lines.record_start)
        lines.last_fields = len(row)
    cells = pd.DataFrame(
        {i: pd.Series(column, dtype=object) for i, column in enumerate(columns)},
        columns=range(width),
    )
    cut = line_numbers and lines.last_fields < width and not text.endswith(("\n", "\r"))
    return CsvTable(
        name,
        header,
        cells,
        delimiter,
        np.asarray(line_numbers, dtype=int),
        cut_row=len(line_numbers) if cut else None,
        cut_fields=lines.last_fields if cut else 0,
    )


class _Records:
    """The physical lines of a text, for :func:`csv.reader`, refusing a record over its cap.

    :func:`csv.reader` pulls lines until a record is complete (a quoted cell
    may hold line breaks); :func:`_next_record` resets :attr:`record_chars`
    after each record, so a record's length is known while it is read.
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self._lines = iter(io.StringIO(text, newline=""))
        self.record_chars = 0
        self.record = 0
        self.last_fields = 0  # fields of the last data row read
        self.lines_read = 0
        self.record_start = 0  # the 1-based line the record being read starts on

    def __iter__(self) -> _Records:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.lines_read += 1
        if self.record_chars == 0:
            self.record_start = self.lines_read
        self.record_chars += len(line)
        if self.record_chars > MAX_RECORD_CHARS:
            raise CsvImportError(
                self.name,
                f"the record is longer than {MAX_RECORD_CHARS} characters (an unclosed quote, "
                "or not a table at all); the analyzer reads records up to that length",
                row=self.record or None,
                recovered="nothing was imported",
            )
        return line


def _next_record(name: str, reader, lines: _Records, row: int) -> list[str] | None:  # noqa: ANN001
    """The next record of ``reader``, or None at the end; ``row`` is its 1-based data row."""
    lines.record_chars = 0
    lines.record = row
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        problem = (
            f"a cell is longer than {MAX_CELL_CHARS} characters, the longest a cell may be "
            "(shorten the note or text in it)"
            if "field larger than field limit" in str(exc)
            else f"the row cannot be read as delimited text ({exc})"
        )
        raise CsvImportError(
            name, problem, row=row or None, recovered="nothing was imported"
        ) from exc


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
