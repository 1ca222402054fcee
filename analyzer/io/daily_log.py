"""The daily log: a CSV an athlete fills in a spreadsheet, one row per day.

Columns (``sample_data/templates/daily_log_template.csv``):

``date``
    The local calendar date the row is about, ``YYYY-MM-DD`` (required, once
    per file). Dates need no time zone: they are the athlete's own days.
``hydrated``, ``electrolytes``, ``massage``, ``ill``
    ``yes`` or ``no``; an empty cell means *not logged*, never "no".
    ``electrolytes``: salt tablets, a sports drink or an electrolyte mix.
``fluid_l``
    Litres drunk that day.
``alcohol_drinks``, ``caffeine_mg``, ``stretching_min``
    Standard drinks, milligrams of caffeine, minutes of stretching.
``alcohol``, ``caffeine`` (optional)
    ``yes``/``no`` for a day when the amount was not counted; with an amount
    they must agree with it (2 drinks is "yes").
``notes``
    Free text.
Any further column
    A custom yes/no item (a "tag"), stored under its column name as written.

Amounts are checked against :mod:`analyzer.limits` (the limits the
dashboard's form uses); a decimal comma is accepted. Like the other logs
(:mod:`analyzer.io.problems`), a file with any invalid value is refused whole,
naming file, row, column, value and what was expected, unless only its valid
rows are asked for. :func:`parse_daily_entry` is public so that the
dashboard's form and the library check an entry with the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analyzer.errors import CsvImportError
from analyzer.io import logcells as cells
from analyzer.io.csvsniff import CsvTable, normalize_header, read_table
from analyzer.io.formats import FormatSpec, sha256_hex
from analyzer.io.logcells import Problem
from analyzer.io.problems import RowProblems
from analyzer.limits import ALCOHOL, CAFFEINE, FLUID, STRETCHING
from analyzer.schema import ImportBundle, conform

#: The source name of rows from the daily-log CSV and the dashboard's form.
SOURCE = "daily_log"

DAILY_LOG_COLUMNS = (
    "date",
    "hydrated",
    "fluid_l",
    "electrolytes",
    "alcohol_drinks",
    "caffeine_mg",
    "stretching_min",
    "massage",
    "ill",
    "notes",
)
#: Accepted beside the template's columns: yes/no when the amount was not counted.
OPTIONAL_COLUMNS = ("alcohol", "caffeine")
YES_NO_COLUMNS = ("hydrated", "electrolytes", "alcohol", "caffeine", "massage", "ill")
AMOUNT_LIMITS = {
    "fluid_l": FLUID,
    "alcohol_drinks": ALCOHOL,
    "caffeine_mg": CAFFEINE,
    "stretching_min": STRETCHING,
}
#: Longest custom tag name (a column header or a question's text).
MAX_TAG_CHARS = 200


def _agrees(record: dict, flag: str, amount: str, problems: list[Problem], raw: object) -> None:
    """Set the yes/no ``flag`` from its ``amount`` when counted; refuse a contradiction."""
    counted = record.get(amount)
    if counted is None:
        return
    implied = counted > 0
    if record.get(flag) is not None and record[flag] != implied:
        expected = f"{'yes' if implied else 'no'}, as {amount} is {counted:g}"
        problems.append((flag, raw, expected))
    record[flag] = implied


def parse_daily_entry(
    row: Mapping[str, object], tags: Mapping[str, object] | None = None
) -> tuple[dict | None, list[Problem]]:
    """Check and convert one day of the daily log to a ``daily_log`` record.

    Parameters
    ----------
    row : mapping
        Cells (or values) by column name: ``date`` and any of the items.
    tags : mapping, optional
        Custom yes/no items by name.

    Returns
    -------
    (dict or None, list of (column, value, expected))
        The record (``None`` if any problem), whose ``"tags"`` entry maps each
        answered custom item to True/False, and the problems found.
    """
    problems: list[Problem] = []
    record: dict = {"date": cells.date(row.get("date"), "date", problems, required=True)}
    for column in YES_NO_COLUMNS:
        record[column] = cells.yes_no(row.get(column), column, problems)
    for column, limit in AMOUNT_LIMITS.items():
        record[column] = cells.number(row.get(column), limit, problems)
    _agrees(record, "alcohol", "alcohol_drinks", problems, row.get("alcohol"))
    _agrees(record, "caffeine", "caffeine_mg", problems, row.get("caffeine"))
    record["notes"] = cells.text(row.get("notes"))
    answered = {}
    for name, value in (tags or {}).items():
        answer = cells.yes_no(value, name, problems)
        if answer is not None:
            answered[name] = answer
    record["tags"] = answered
    return (None, problems) if problems else (record, [])


def validate_daily_entry(
    row: Mapping[str, object], tags: Mapping[str, object] | None = None
) -> list[str]:
    """Return the problems of one daily-log entry as sentences (empty list when valid)."""
    return [
        f"{column}: {value!r} (expected {expected})"
        for column, value, expected in parse_daily_entry(row, tags)[1]
    ]


def is_answered(record: dict) -> bool:
    """Whether an entry holds any answer (a row of empty cells is a day not logged)."""
    items = YES_NO_COLUMNS + tuple(AMOUNT_LIMITS) + ("notes",)
    return bool(record.get("tags")) or any(record.get(c) is not None for c in items)


def tag_rows(records: list[dict], source: str) -> pd.DataFrame:
    """The ``daily_tags`` rows of parsed entries (each entry's ``"tags"`` mapping)."""
    rows = [
        {"date": record["date"], "tag": tag, "answer": answer, "source": source}
        for record in records
        for tag, answer in record.get("tags", {}).items()
    ]
    return conform("daily_tags", pd.DataFrame(rows, columns=["date", "tag", "answer", "source"]))


def _layout(table: CsvTable) -> tuple[dict[str, int], dict[str, int]]:
    """Positions of the known columns and of the custom tag columns, by name."""
    known = DAILY_LOG_COLUMNS + OPTIONAL_COLUMNS
    header = table.normalized
    if "date" not in header:
        raise CsvImportError(
            table.source,
            f"missing column date; expected the header {','.join(DAILY_LOG_COLUMNS)}",
            recovered="nothing was imported",
        )
    positions, tags = {}, {}
    for position, (written, key) in enumerate(zip(table.header, header)):
        name = written.replace("\ufeff", "").strip()
        if key in known:
            column = known[known.index(key)]
        elif len(name) > MAX_TAG_CHARS:
            raise CsvImportError(
                table.source,
                f"column {position + 1}'s name is {len(name)} characters long "
                f"(expected a custom yes/no item of at most {MAX_TAG_CHARS})",
                column=name[:40] + "...",
                recovered="nothing was imported",
            )
        elif not name:
            continue
        else:
            column = name
        if column in positions or column in tags:
            raise CsvImportError(
                table.source,
                f"column {column!r} appears twice (expected each column once)",
                column=column,
                recovered="nothing was imported",
            )
        (positions if key in known else tags)[column] = position
    return positions, tags


def read_daily_log(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a daily-log CSV into the ``daily_log`` and ``daily_tags`` tables.

    ``timezone`` is accepted for the registry's uniform signature: the rows
    are local calendar dates and need none. Units: litres, standard drinks,
    milligrams, minutes. ``athlete_id`` is left for the library.

    Raises
    ------
    CsvImportError
        No ``date`` column, a column named twice, or invalid values (unless
        ``valid_rows_only``); the message names the file, row, column, value
        and what was expected.
    """
    table = read_table(name, data)
    positions, tag_positions = _layout(table)
    problems = RowProblems(name, lines=table.line_numbers)
    records: list[dict] = []
    first_row_of: dict = {}
    for index in range(len(table)):
        number = index + 1
        row = {col: table.cells.iat[index, pos] for col, pos in positions.items()}
        tags = {tag: table.cells.iat[index, pos] for tag, pos in tag_positions.items()}
        record, found = parse_daily_entry(row, tags)
        # A date seen before is a problem whatever else the row holds, so that one
        # message lists it beside the row's other problems.
        day = cells.date(row.get("date"), "date", [], required=False)
        if day is not None and day in first_row_of:
            found = [
                *found,
                ("date", row.get("date"), f"one row per date (row {first_row_of[day]} has it)"),
            ]
            record = None
        elif day is not None:
            first_row_of[day] = number
        for column, value, expected in found:
            problems.add(number, column, value, expected)
        records.append(record or {})
    frame = pd.DataFrame({"record": records}, index=range(len(records)))
    warnings: list[str] = []
    kept = problems.settle(frame, valid_rows_only=valid_rows_only, warnings=warnings)
    good = [r for r in kept["record"] if r and is_answered(r)]
    log = pd.DataFrame([{k: v for k, v in r.items() if k != "tags"} for r in good])
    log["source"] = SOURCE
    return ImportBundle(
        name,
        sha256_hex(data),
        "daily_log_csv",
        {"daily_log": conform("daily_log", log), "daily_tags": tag_rows(good, SOURCE)},
        warnings,
    )


def _is_daily_log(probe) -> bool:  # noqa: ANN001 - a formats.Probe
    items = set(DAILY_LOG_COLUMNS[1:-1] + OPTIONAL_COLUMNS)
    header = set(probe.csv_header)
    return "date" in header and any(normalize_header(c) in header for c in items)


FORMATS = [
    FormatSpec(
        "daily_log_csv",
        "daily log CSV (date, hydrated, fluid_l, electrolytes, ...)",
        "csv",
        _is_daily_log,
        read_daily_log,
    ),
]
