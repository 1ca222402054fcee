"""What the Apple Health reader keeps of each HealthKit record in ``export.xml``.

:class:`Collector` receives the top-level ``<Record>`` and ``<Workout>``
elements one at a time from the streaming reader
(:mod:`analyzer.io.vendors.apple_health`) and keeps only what the analyzer
uses, in compact form: per-day sums (a few numbers a day), the sleep-stage and
in-bed intervals, the workouts, and heart-rate samples as float arrays (16
bytes each). Implausible values and unreadable dates are noted as row
problems (at most ``_MAX_PROBLEMS`` listed). The tables are built from what
it kept by :mod:`analyzer.io.vendors.apple_health_tables`.

Apple publishes no schema for the export; the element and attribute names are
those several independent open-source parsers of real exports read, and
HealthKit's identifier names (``HKQuantityTypeIdentifierHeartRate``,
``HKCategoryTypeIdentifierSleepAnalysis``, ...). Units are HealthKit's
``HKUnit`` strings as the export writes them. No real export is available to
the project. Dates carry their own UTC offset (``"2024-01-01 23:00:00 -0800"``),
parsed by :class:`_Clock`.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from array import array
from collections import defaultdict

import numpy as np

from analyzer.io.problems import RowProblems
from analyzer.io.vendors._extract import PLAUSIBLE
from analyzer.limits import FLUID

#: The format's name: in the registry, in activity ids and in import summaries.
FORMAT = "apple_health_xml"
_HR = "HKQuantityTypeIdentifierHeartRate"
_RESTING = "HKQuantityTypeIdentifierRestingHeartRate"
_SDNN = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
_SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
_WATER = "HKQuantityTypeIdentifierDietaryWater"
#: HealthKit volume units of water records, in litres (HKUnit: mL, L, fl_oz_us, fl_oz_imp, cup_us,
#: cup_imp; a US fluid ounce is 29.5735 mL, an imperial one 28.4131 mL, the cups 236.588 and
#: 284.131 mL).
_TO_LITRES = {
    "mL": 0.001,
    "L": 1.0,
    "fl_oz_us": 0.0295735,
    "fl_oz_imp": 0.0284131,
    "cup_us": 0.236588,
    "cup_imp": 0.284131,
}
_STAGES = {
    "HKCategoryValueSleepAnalysisAsleepCore": "light",
    "HKCategoryValueSleepAnalysisAsleepDeep": "deep",
    "HKCategoryValueSleepAnalysisAsleepREM": "rem",
    "HKCategoryValueSleepAnalysisAwake": "awake",
    "HKCategoryValueSleepAnalysisAsleepUnspecified": "unmeasurable",
    "HKCategoryValueSleepAnalysisAsleep": "unmeasurable",
}
_IN_BED = "HKCategoryValueSleepAnalysisInBed"
_TO_SECONDS = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0}
_TO_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048}
_PER_MIN = {"count/min": 1.0}
_TO_KCAL = {"kcal": 1.0, "Cal": 1.0, "kJ": 1 / 4.184, "cal": 0.001}
_RANGES = {_HR: "heart_rate_bpm", _RESTING: "resting_hr_bpm", _SDNN: "hrv_rmssd_ms"}
_MAX_PROBLEMS = 200
_EPOCH = dt.date(1970, 1, 1)


class _Clock:
    """Fast parser of Apple's ``YYYY-MM-DD hh:mm:ss +hhmm``.

    The epoch second of local midnight and the offset are cached per
    (day, offset) pair, so that a record costs a few slices and one dict
    lookup instead of a ``strptime``.
    """

    def __init__(self) -> None:
        self._bases: dict[str, tuple[int, int, dt.date]] = {}

    def parse(self, text: str) -> tuple[float, int, dt.date]:
        """Return ``(seconds since the epoch, UTC offset [s], local date)``; raises ValueError."""
        if len(text) < 25 or text[10] != " " or text[13] != ":" or text[16] != ":":
            raise ValueError(text)
        key = text[:10] + text[20:25]
        base = self._bases.get(key)
        if base is None:
            date = dt.date.fromisoformat(text[:10])
            sign = -1 if text[20] == "-" else 1
            offset = sign * (int(text[21:23]) * 3600 + int(text[23:25]) * 60)
            base = ((date - _EPOCH).days * 86400 - offset, offset, date)
            self._bases[key] = base
        seconds = base[0] + int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])
        return float(seconds), base[1], base[2]


class Collector:
    """Everything kept from the stream; the per-element handlers fill it."""

    def __init__(self, source: str) -> None:
        self.clock = _Clock()
        self.problems = RowProblems(source)
        self.n_problems = 0
        self.hr_t = array("d")
        self.hr_bpm = array("d")
        self.day: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.stages: list[
            tuple[float, float, int, str, str]
        ] = []  # start, end, offset, stage, source
        self.in_bed: list[tuple[float, float, int, str]] = []
        self.workouts: list[dict] = []

    def problem(self, ordinal: int, column: str, value: object, expected: str) -> None:
        self.n_problems += 1
        if len(self.problems.problems) < _MAX_PROBLEMS:
            self.problems.add(ordinal, column, value, expected)

    def record(self, element: ET.Element, ordinal: int) -> None:
        """Keep a ``<Record>`` of a type the analyzer uses (``ordinal``: its number in the file)."""
        kind = element.get("type")
        if kind not in _RANGES and kind not in (_SLEEP, _WATER):
            return
        try:
            start, offset, date = self.clock.parse(element.get("startDate", ""))
            if kind == _SLEEP:
                end = self.clock.parse(element.get("endDate", ""))[0]
        except (ValueError, IndexError):
            self.problem(
                ordinal,
                f"{kind} startDate/endDate",
                element.get("startDate"),
                "a date like 2024-01-01 23:00:00 -0800",
            )
            return
        if kind == _SLEEP:
            self._sleep(element, start, end, offset)
            return
        if kind == _WATER:
            self._water(element, ordinal, date)
            return
        value_text = element.get("value")
        try:
            value = float(value_text)
        except (TypeError, ValueError):
            self.problem(ordinal, f"{kind} value", value_text, "a number")
            return
        low, high, unit = PLAUSIBLE[_RANGES[kind]]
        if not low <= value <= high:
            self.problem(
                ordinal, f"{kind} value", value_text, f"between {low:g} and {high:g} {unit}"
            )
            return
        sums = self.day[date]
        if kind == _HR:
            self.hr_t.append(start)
            self.hr_bpm.append(value)
            sums["hr_sum"] += value
            sums["hr_n"] += 1
            sums["hr_max"] = max(sums["hr_max"], value)
        elif kind == _RESTING:
            sums["rest_sum"] += value
            sums["rest_n"] += 1
        else:
            sums["sdnn_sum"] += value
            sums["sdnn_n"] += 1

    def _water(self, element: ET.Element, ordinal: int, date: dt.date) -> None:
        value_text, unit = element.get("value"), element.get("unit")
        litres = _scaled(value_text, unit, _TO_LITRES)
        if not FLUID.accepts(litres):
            expected = (
                f"a volume in one of {', '.join(_TO_LITRES)}"
                if unit not in _TO_LITRES
                else FLUID.expected
            )
            self.problem(ordinal, f"{_WATER} value", f"{value_text} {unit}", expected)
            return
        self.day[date]["water_l"] += litres
        self.day[date]["water_n"] += 1

    def _sleep(self, element: ET.Element, start: float, end: float, offset: int) -> None:
        value = element.get("value", "")
        source = element.get("sourceName", "")
        if value == _IN_BED:
            self.in_bed.append((start, end, offset, source))
        elif value in _STAGES:
            self.stages.append((start, end, offset, _STAGES[value], source))

    def workout(self, element: ET.Element, ordinal: int) -> None:
        """Keep a ``<Workout>``: its times, sport, totals and ``WorkoutStatistics`` heart rate."""
        try:
            start, offset, _ = self.clock.parse(element.get("startDate", ""))
            end = self.clock.parse(element.get("endDate", ""))[0]
        except (ValueError, IndexError):
            self.problem(
                ordinal,
                "Workout startDate/endDate",
                element.get("startDate"),
                "a date like 2024-01-01 23:00:00 -0800",
            )
            return
        kind = element.get("workoutActivityType", "").removeprefix("HKWorkoutActivityType")
        stats = {s.get("type"): s for s in element.iter("WorkoutStatistics")}
        heart = stats.get(_HR)
        self.workouts.append(
            {
                "start": start,
                "end": end,
                "offset": offset,
                "name": _words(kind),
                "duration_s": _scaled(
                    element.get("duration"), element.get("durationUnit"), _TO_SECONDS
                ),
                "distance_m": _scaled(
                    element.get("totalDistance"), element.get("totalDistanceUnit"), _TO_METRES
                ),
                "energy_kcal": _scaled(
                    element.get("totalEnergyBurned"), element.get("totalEnergyBurnedUnit"), _TO_KCAL
                ),
                "avg_hr": _scaled(heart.get("average"), "count/min", _PER_MIN)
                if heart is not None
                else np.nan,
                "max_hr": _scaled(heart.get("maximum"), "count/min", _PER_MIN)
                if heart is not None
                else np.nan,
                "device": element.get("sourceName"),
            }
        )


def _words(camel: str) -> str:
    out = "".join(" " + c.lower() if c.isupper() else c for c in camel).strip()
    return out or "other"


def _scaled(value: str | None, unit: str | None, table: dict[str, float]) -> float:
    if value is None:
        return np.nan
    try:
        return float(value) * table.get(unit or "", np.nan)
    except ValueError:
        return np.nan
