"""The cramp log and the medication log: CSV files an athlete fills in a spreadsheet.

Cramp log columns (``sample_data/templates/cramp_log_template.csv``):

``start_local``
    ISO 8601 local date and time, e.g. ``2024-03-31T02:30`` or, with an
    explicit UTC offset, ``2024-03-31T02:30+02:00``. Without an offset the
    athlete's IANA time zone applies; a time skipped or repeated by a
    daylight-saving change is reported (add the offset to say which one).
``muscle``
    One of :data:`analyzer.schema.MUSCLES`.
``side``
    One of :data:`analyzer.schema.SIDES` (may be empty).
``severity_0_10``
    Pain from 0 (none) to 10 (worst imaginable); may be empty.
``duration_s``
    Seconds, more than 0 and at most :data:`MAX_CRAMP_DURATION_S`; may be empty.
``context``
    One of :data:`analyzer.schema.CONTEXTS` (may be empty).
``relief``
    One of :data:`analyzer.schema.RELIEFS` (may be empty).
``notes``
    Free text.

Medication log columns: ``name``, ``kind`` (one of
:data:`analyzer.schema.MEDICATION_KINDS`), ``start_date`` and ``end_date``
(ISO ``YYYY-MM-DD``; an empty end date means "still taking it"), ``notes``.

Both readers follow the project's import policy (:mod:`analyzer.io.problems`):
a log with any invalid value is refused whole unless only its valid rows are
asked for. The row checks are public (:func:`validate_cramp`,
:func:`validate_medication`) so that the dashboard's log form and the
library's ``add_cramp`` use the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping

import pandas as pd

from analyzer.errors import CsvImportError
from analyzer.io import logcells as cells
from analyzer.io.csvsniff import CsvTable, read_table
from analyzer.io.formats import FormatSpec, sha256_hex
from analyzer.io.localtime import is_in_gap, is_in_overlap, source_zone, zone
from analyzer.io.logcells import Problem
from analyzer.io.problems import RowProblems
from analyzer.limits import CRAMP_DURATION, CRAMP_SEVERITY
from analyzer.schema import (
    CONTEXTS,
    MEDICATION_KINDS,
    MUSCLES,
    RELIEFS,
    SIDES,
    ImportBundle,
    conform,
)

CRAMP_COLUMNS = (
    "start_local",
    "muscle",
    "side",
    "severity_0_10",
    "duration_s",
    "context",
    "relief",
    "notes",
)
CRAMP_REQUIRED = ("start_local", "muscle")
MEDICATION_COLUMNS = ("name", "kind", "start_date", "end_date", "notes")
MEDICATION_REQUIRED = ("name", "kind", "start_date")

#: Longest accepted cramp [s] (the shared limit, :data:`analyzer.limits.CRAMP_DURATION`).
MAX_CRAMP_DURATION_S = CRAMP_DURATION.high


def parse_start_local(
    value: object, timezone: str | None
) -> tuple[pd.Timestamp | None, str | None]:
    """Turn a ``start_local`` entry into a UTC instant.

    Parameters
    ----------
    value : str or datetime
        ISO 8601 local date-time, with or without a UTC offset (a naive
        :class:`datetime.datetime` is a local time, an aware one an instant).
    timezone : str or None
        The athlete's IANA zone, needed when the entry has no offset.

    Returns
    -------
    (Timestamp or None, str or None)
        The UTC instant, or ``None`` and what was expected.
    """
    if isinstance(value, dt.datetime):
        moment = value
    else:
        written = cells.text(value)
        if written is None:
            return None, "an ISO 8601 local date and time such as 2024-03-31T02:30"
        if _is_date_only(written):
            return None, (
                "a time of day with the date, such as 2024-03-31T02:30 (a date alone would "
                "put the cramp at midnight)"
            )
        try:
            moment = dt.datetime.fromisoformat(written)
        except ValueError:
            return (
                None,
                "an ISO 8601 local date and time such as 2024-03-31T02:30 "
                "(date and time, optional +hh:mm)",
            )
    if not 1970 <= moment.year < 2100:
        return None, "a date between 1970 and 2099"
    if moment.tzinfo is not None:
        return pd.Timestamp(moment).tz_convert("UTC"), None
    if timezone is None:
        return None, "a UTC offset (e.g. +02:00), or the athlete's time zone to be set"
    tz = zone(timezone)
    if is_in_gap(moment, tz):
        return None, (
            f"a time that exists in {timezone}: clocks skipped it (daylight-saving change); "
            "write the intended UTC offset"
        )
    if is_in_overlap(moment, tz):
        return None, (
            f"an unambiguous time: it happened twice in {timezone} (daylight-saving change); "
            "add the UTC offset to say which"
        )
    return pd.Timestamp(moment.replace(tzinfo=tz)).tz_convert("UTC"), None


def _is_date_only(written: str) -> bool:
    """Whether an entry is an ISO date without a time of day (``2024-03-31``)."""
    try:
        dt.date.fromisoformat(written)
    except ValueError:
        return False
    return True


def cramp_id(start_utc: pd.Timestamp, muscle: str, side: str | None) -> str:
    """Return the stable identity of a cramp: a hash of when, which muscle and which side.

    The same cramp imported twice (or typed in the form after importing the
    log) gets the same id, so the library can refuse the duplicate.
    """
    key = f"{pd.Timestamp(start_utc).tz_convert('UTC').isoformat()}|{muscle}|{side or ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def parse_cramp(
    row: Mapping[str, object], *, timezone: str | None = None
) -> tuple[dict | None, list[Problem]]:
    """Check and convert one cramp entry to a ``cramps`` table record.

    Returns
    -------
    (dict or None, list of (column, value, expected))
        The record (``None`` if any problem) and the problems found.
    """
    problems: list[Problem] = []
    start_utc, expected = parse_start_local(row.get("start_local"), timezone)
    if expected:
        problems.append(("start_local", row.get("start_local"), expected))
    record = {
        "start_utc": start_utc,
        "muscle": cells.choice(row.get("muscle"), "muscle", MUSCLES, problems, required=True),
        "side": cells.choice(row.get("side"), "side", SIDES, problems),
        "severity_0_10": cells.number(row.get("severity_0_10"), CRAMP_SEVERITY, problems),
        "duration_s": cells.number(row.get("duration_s"), CRAMP_DURATION, problems),
        "context": cells.choice(row.get("context"), "context", CONTEXTS, problems),
        "relief": cells.choice(row.get("relief"), "relief", RELIEFS, problems),
        "notes": cells.text(row.get("notes")),
    }
    if problems:
        return None, problems
    record["cramp_id"] = cramp_id(record["start_utc"], record["muscle"], record["side"])
    return record, []


def validate_cramp(row: Mapping[str, object], *, timezone: str | None = None) -> list[str]:
    """Return the problems of one cramp entry as sentences (empty list when valid).

    Example: ``["severity_0_10: 14 (expected a number from 0 (no pain) to 10 (worst))"]``.
    """
    return [
        f"{column}: {value!r} (expected {expected})"
        for column, value, expected in parse_cramp(row, timezone=timezone)[1]
    ]


def parse_medication(row: Mapping[str, object]) -> tuple[dict | None, list[Problem]]:
    """Check and convert one medication-log entry to a ``medications`` record."""
    problems: list[Problem] = []
    name = cells.text(row.get("name"))
    if name is None:
        problems.append(("name", row.get("name"), "the name of the medication or supplement"))
    record = {
        "name": name,
        "kind": cells.choice(row.get("kind"), "kind", MEDICATION_KINDS, problems, required=True),
        "start_date": cells.date(row.get("start_date"), "start_date", problems, required=True),
        "end_date": cells.date(row.get("end_date"), "end_date", problems, required=False),
        "notes": cells.text(row.get("notes")),
    }
    start, end = record["start_date"], record["end_date"]
    if start and end and end < start:
        problems.append(("end_date", row.get("end_date"), f"a date on or after start_date {start}"))
    return (None, problems) if problems else (record, [])


def validate_medication(row: Mapping[str, object]) -> list[str]:
    """Return the problems of one medication entry as sentences (empty list when valid)."""
    return [
        f"{column}: {value!r} (expected {expected})"
        for column, value, expected in parse_medication(row)[1]
    ]


def _check_columns(table: CsvTable, required: tuple[str, ...], known: tuple[str, ...]) -> list[str]:
    header = table.normalized
    missing = [col for col in required if col not in header]
    if missing:
        raise CsvImportError(
            table.source,
            f"missing column(s) {', '.join(missing)}; expected the header {','.join(known)}",
            recovered="nothing was imported",
        )
    extra = [name for name, key in zip(table.header, header) if key not in known]
    return [f"{table.source}: ignored unknown column(s) {', '.join(extra)}"] if extra else []


def _rows(table: CsvTable, columns: tuple[str, ...]) -> list[dict[str, object]]:
    positions = {col: table.find(col) for col in columns}
    return [
        {col: (None if pos is None else table.cells.iat[i, pos]) for col, pos in positions.items()}
        for i in range(len(table))
    ]


def _read_log(
    name: str,
    data: bytes,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    parse: Callable[[Mapping[str, object]], tuple[dict | None, list[Problem]]],
    *,
    valid_rows_only: bool,
) -> tuple[pd.DataFrame, list[str]]:
    """Read a log's rows with ``parse``; apply the import policy to the problems."""
    table = read_table(name, data)
    warnings = _check_columns(table, required, columns)
    problems = RowProblems(name, lines=table.line_numbers)
    cut = table.cut_problem()
    if cut is not None:
        problems.add(*cut)
    records = []
    for number, row in enumerate(_rows(table, columns), start=1):
        record, found = parse(row)
        for column, value, expected in found:
            problems.add(number, column, value, expected)
        records.append(record or {})
    frame = pd.DataFrame(records, index=range(len(records)))
    return problems.settle(frame, valid_rows_only=valid_rows_only, warnings=warnings), warnings


def read_cramp_log(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a cramp log CSV into the ``cramps`` table (``athlete_id`` left for the library).

    Times: ``start_local`` with an offset is taken as written; without one it
    is local time in ``timezone`` (IANA). Units: seconds, severity 0-10.
    A cramp written twice (same instant, muscle and side) is kept once.

    Raises
    ------
    CsvImportError
        Missing columns, or invalid values (unless ``valid_rows_only``); the
        message names the file, row, column, value and what was expected.
    """
    if timezone is not None:
        source_zone(name, timezone, needed_for="cramp times")
    frame, warnings = _read_log(
        name,
        data,
        CRAMP_COLUMNS,
        CRAMP_REQUIRED,
        lambda row: parse_cramp(row, timezone=timezone),
        valid_rows_only=valid_rows_only,
    )
    if "cramp_id" in frame:
        frame = frame.drop_duplicates("cramp_id")
    return ImportBundle(
        name, sha256_hex(data), "cramp_log_csv", {"cramps": conform("cramps", frame)}, warnings
    )


def read_medication_log(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a medication log CSV into the ``medications`` table (dates are local calendar dates).

    ``timezone`` is accepted for the registry's uniform signature; dates need none.
    """
    frame, warnings = _read_log(
        name,
        data,
        MEDICATION_COLUMNS,
        MEDICATION_REQUIRED,
        parse_medication,
        valid_rows_only=valid_rows_only,
    )
    return ImportBundle(
        name,
        sha256_hex(data),
        "medication_log_csv",
        {"medications": conform("medications", frame)},
        warnings,
    )


FORMATS = [
    FormatSpec(
        "cramp_log_csv",
        "cramp log CSV (start_local, muscle, side, ...)",
        "csv",
        lambda probe: probe.has_columns("start_local", "muscle"),
        read_cramp_log,
    ),
    FormatSpec(
        "medication_log_csv",
        "medication log CSV (name, kind, start_date, ...)",
        "csv",
        lambda probe: probe.has_columns("name", "kind", "start_date"),
        read_medication_log,
    ),
]
