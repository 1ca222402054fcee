"""Garmin account export ``HydrationLogFile_*.json``: fluid logged and sweat estimated, per day.

Source conventions (the ``DI-Connect-Aggregator`` folder of Garmin's "Export
your data" ZIP; no real sample is available to the project, so the format is
taken from independent public parsers of real exports, which agree on it):

* a JSON list of entries, one per logged drink or per activity:
  ``calendarDate`` (the local date, ``"2025-10-12"``), ``valueInML`` (fluid
  logged, millilitres; may be negative, an entry that removes an earlier
  one), ``hydrationSource`` (``"GARMIN_ACTIVITY"`` for the entry a device
  adds after an activity), ``estimatedSweatLossInML`` and
  ``measuredSweatLossInML`` (after an activity), ``activityId``,
  ``duration`` [s], ``timestampLocal``, ``persistedTimestampGMT``, ``uuid``;
* an activity's entry carries the sweat estimate and ``valueInML`` 0: it is
  no drink, so a day with activity entries only has no fluid logged.

Each local date becomes one ``daily_log`` row (source ``garmin_hydration``):
``fluid_l`` = the day's ``valueInML`` summed over its drink entries (in
litres), ``sweat_loss_l`` = the day's measured sweat loss, else its estimate,
summed over its activities. No time zone is needed: ``calendarDate`` is
already the athlete's local date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pandas as pd

from analyzer.errors import CsvImportError
from analyzer.io.formats import FormatSpec, Probe, sha256_hex
from analyzer.io.problems import RowProblems
from analyzer.limits import FLUID, SWEAT_LOSS
from analyzer.schema import ImportBundle, conform

SOURCE = "garmin_hydration"
ACTIVITY_SOURCE = "GARMIN_ACTIVITY"


def _number(entry: dict, key: str) -> float | None:
    value = entry.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _date(value: object) -> dt.date | None:
    """``calendarDate`` as written: ``"2025-10-12"`` or ``{"date": "2025-10-12..."}``."""
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _is_drink(entry: dict, value_ml: float | None) -> bool:
    """An entry the athlete logged (not the sweat entry a device adds after an activity)."""
    if value_ml is None:
        return False
    from_activity = entry.get("hydrationSource") == ACTIVITY_SOURCE or entry.get("activityId")
    return not from_activity or value_ml != 0


class _Days:
    """Per-date sums, with the row of each date's first entry (for messages)."""

    def __init__(self) -> None:
        self.fluid_ml: dict[dt.date, float] = defaultdict(float)
        self.sweat_ml: dict[dt.date, float] = defaultdict(float)
        self.first_row: dict[dt.date, int] = {}

    def add(self, row: int, entry: dict, problems: RowProblems) -> None:
        date = _date(entry.get("calendarDate"))
        if date is None:
            problems.add(row, "calendarDate", entry.get("calendarDate"), "a date YYYY-MM-DD")
            return
        value = _number(entry, "valueInML")
        sweat = _number(entry, "measuredSweatLossInML")
        if sweat is None:
            sweat = _number(entry, "estimatedSweatLossInML")
        for column, number in (("valueInML", value), ("estimatedSweatLossInML", sweat)):
            if number is not None and not math.isfinite(number):
                problems.add(row, column, entry.get(column), "a number of millilitres")
                return
        self.first_row.setdefault(date, row)
        if _is_drink(entry, value):
            self.fluid_ml[date] += value
        if sweat is not None and sweat > 0:
            self.sweat_ml[date] += sweat

    def frame(self, problems: RowProblems) -> pd.DataFrame:
        """One row per date with anything logged; a day whose total is outside the limits is
        a problem (at its first entry) and left out."""
        rows = []
        for date in sorted(set(self.fluid_ml) | set(self.sweat_ml)):
            row, valid = {"date": date, "source": SOURCE}, True
            for column, sums, limit in (
                ("fluid_l", self.fluid_ml, FLUID),
                ("sweat_loss_l", self.sweat_ml, SWEAT_LOSS),
            ):
                if date not in sums:
                    continue
                litres = sums[date] / 1000.0
                if not limit.accepts(litres):
                    problems.add(
                        self.first_row[date],
                        column,
                        f"{litres:g} L on {date}",
                        f"{limit.expected} (the day's total)",
                    )
                    valid = False
                row[column] = litres
            if valid:
                rows.append(row)
        return pd.DataFrame(rows, columns=["date", "fluid_l", "sweat_loss_l", "source"])


def read_garmin_hydration(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``HydrationLogFile_*.json`` into the ``daily_log`` table (one row per date).

    ``timezone`` is accepted for the registry's uniform signature: the dates
    are Garmin's local calendar dates. Rows in messages are 1-based entries.

    Raises
    ------
    CsvImportError
        Not a JSON list of entries, or (unless ``valid_rows_only``) an entry
        without a date, a value that is no number, or a day's total outside
        the shared limits; the message names the entry and the value.
    """
    entries = Probe(name, data).json_value
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CsvImportError(
            name, "expected a JSON list of hydration entries", recovered="nothing was imported"
        )
    problems = RowProblems(name)
    days = _Days()
    for row, entry in enumerate(entries, start=1):
        days.add(row, entry, problems)
    frame = days.frame(problems)
    warnings: list[str] = []
    # Refuses the file, or (valid rows only) reports what was left out: the bad entries were
    # not summed and the days over a limit are not in ``frame``.
    problems.settle(
        pd.DataFrame(index=range(len(entries))), valid_rows_only=valid_rows_only, warnings=warnings
    )
    tables = {"daily_log": conform("daily_log", frame)}
    return ImportBundle(name, sha256_hex(data), "garmin_hydration_json", tables, warnings)


FORMATS = [
    FormatSpec(
        "garmin_hydration_json",
        "Garmin account export HydrationLogFile_*.json (fluid and sweat loss)",
        "json",
        lambda probe: (
            probe.has_keys("calendarDate")
            and bool(probe.json_keys & {"valueInML", "estimatedSweatLossInML", "hydrationSource"})
        ),
        read_garmin_hydration,
    ),
]
