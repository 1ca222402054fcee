"""Absurd values in every cell of every export: a row problem, never an exception.

The attack run found read functions leaking ``OverflowError``,
``OutOfBoundsDatetime``, ``OutOfBoundsTimedelta`` and ``TypeError`` on values
such as an integer of 400 digits, a date in the year 9999 or 0001, or a sleep
duration of 1e29. Here each such value is written into every cell of a row
(every value of a record, every attribute of an Apple Health record) of every
format's fixture, and the file must be read or refused with a project error,
with or without ``valid_rows_only``. The readers run in strict mode, so any
other exception fails the test as itself.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from analyzer.errors import ImportFileError
from analyzer.io.registry import read_bytes
from tests.helpers.paths import SAMPLE_DATA, TEST_DATA, shared_samples_dir

ABSURD = [
    "1" + "0" * 400,
    "-1" + "0" * 400,
    "1e29",
    "-1e308",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "9999-12-31 23:59:59",
    "0001-01-01",
    "99:99:99",
    "nan",
    "inf",
]
JSON_ABSURD = [10**400, -(10**400), 1e29, -1e308, "9999-12-31T23:59:59.000", "0001-01-01", [], {}]


def _csv_files() -> list:
    files = sorted((TEST_DATA / "exports").glob("*.csv"))
    files += sorted((SAMPLE_DATA / "templates").glob("*.csv"))
    samples = shared_samples_dir()
    if samples is not None:
        files += sorted((samples / "exports").rglob("*.csv"))
    return files


def _read(name: str, data: bytes) -> None:
    for valid_rows_only in (False, True):
        try:
            read_bytes(name, data, timezone="Europe/Berlin", valid_rows_only=valid_rows_only)
        except ImportFileError:
            pass


@pytest.mark.parametrize("path", _csv_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("value", ABSURD)
def test_every_cell_of_a_csv_row(path, value):
    text = path.read_bytes().decode("utf-8-sig")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows[1] = [value] * len(rows[0])
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    _read(path.name, out.getvalue().encode())


def _leaves(node, replace):
    if isinstance(node, dict):
        return {key: _leaves(value, replace) for key, value in node.items()}
    if isinstance(node, list):
        return [_leaves(value, replace) for value in node]
    return replace


@pytest.mark.parametrize(
    "path", sorted((TEST_DATA / "exports").glob("*.json")), ids=lambda p: p.name
)
@pytest.mark.parametrize("value", JSON_ABSURD, ids=repr)
def test_every_value_of_a_json_record(path, value):
    document = json.loads(path.read_bytes())
    records = document if isinstance(document, list) else [document]
    records[0] = _leaves(records[0], value)
    _read(path.name, json.dumps(document).encode())


@pytest.mark.parametrize("value", ABSURD)
def test_every_attribute_of_an_apple_health_record(value):
    text = (TEST_DATA / "exports" / "apple_health_export.xml").read_text(encoding="utf-8")
    for element in ("Record", "Workout"):
        at = text.index(f"<{element} ")
        end = text.index(">", at)
        tag = re.sub(  # every value and date; the record's kind and units stay
            r'\b(?!type=|unit=|durationUnit=|workoutActivityType=|sourceName=)(\w+)="[^"]*"',
            rf'\1="{value}"',
            text[at:end],
        )
        _read("export.xml", (text[:at] + tag + text[end:]).encode())
