"""Apple Health ``export.xml`` (Health app > profile > Export All Health Data), streamed.

Exports reach several gigabytes, so the file is never loaded whole: it is read
with :func:`xml.etree.ElementTree.iterparse` and each top-level element is
cleared as soon as it has been used. What is kept grows with the *data kept*,
not with the file: per-day sums (a few numbers a day), the sleep-stage
intervals (a few dozen a night), the workouts, and heart-rate samples as
compact float arrays (16 bytes each) so that workouts get their heart-rate
stream. ``benchmarks/apple_health.py`` measures time and peak memory.

Source conventions (Apple publishes no schema for the export; element and attribute names as
several independent open-source parsers of real exports read them, and HealthKit's identifier
names; no real export is available to the project):

* Dates carry their own UTC offset (``"2024-01-01 23:00:00 -0800"``); no
  athlete time zone is needed. Local dates and nights use the record's offset.
* ``HKQuantityTypeIdentifierHeartRate`` (count/min) -> daily mean and maximum
  in ``wellness`` and, inside a workout, ``samples``;
  ``HKQuantityTypeIdentifierRestingHeartRate`` -> ``wellness.resting_hr_bpm``;
  ``HKQuantityTypeIdentifierHeartRateVariabilitySDNN`` (ms) ->
  ``wellness.hrv_sdnn_ms`` (SDNN, *not* RMSSD).
* ``HKCategoryTypeIdentifierSleepAnalysis`` -> ``sleep_stages`` (Core -> light,
  Deep, REM, Awake; unstaged "Asleep" -> unmeasurable) and one ``sleep`` row
  per night (the local date the night ends: intervals less than an hour apart
  are one sleep period, which belongs to the date of its wake-up, see
  :mod:`analyzer.timebase`; shorter periods ending the same date are naps and
  not counted), taken from the source with the most staged minutes that night
  because watch, phone and apps overlap.
* ``Workout`` -> ``activities`` (durations to s, distances to m, energy to kcal;
  heart rate from ``WorkoutStatistics`` when present).
* ``HKQuantityTypeIdentifierDietaryWater`` (``mL``, ``L``, US or imperial
  fluid ounces or cups, as the logging app stored it) -> the daily log's
  ``fluid_l``: the sum of the day's records, by the local date of each
  record's start, source ``apple_health``; a day without a water record is
  not logged, never 0 L. Every app writing to Health is summed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET
from array import array
from collections import defaultdict
from typing import BinaryIO

import numpy as np
import pandas as pd

from analyzer import timebase
from analyzer.errors import ImportFileError
from analyzer.io.formats import FormatSpec
from analyzer.io.problems import RowProblems
from analyzer.io.vendors._extract import PLAUSIBLE, stable_id
from analyzer.io.vendors.sports import sport_and_sub_sport
from analyzer.limits import FLUID
from analyzer.schema import ImportBundle, conform

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


class _HashingReader(io.RawIOBase):
    """Wrap a binary stream and hash what is read through it (the file's SHA-256, in one pass)."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io protocol
        chunk = self._stream.read(len(buffer))
        n = len(chunk)
        buffer[:n] = chunk
        self.sha256.update(chunk)
        self.bytes_read += n
        return n


class _Collector:
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


def _utc(seconds: list[float] | np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(seconds, dtype="float64"), unit="s", utc=True))


def _wellness(c: _Collector) -> pd.DataFrame:
    rows = []
    for date, s in sorted(c.day.items()):
        if not (s["hr_n"] or s["rest_n"] or s["sdnn_n"]):
            continue  # a day with water records only
        rows.append(
            {
                "date": date,
                "avg_heart_rate_bpm": s["hr_sum"] / s["hr_n"] if s["hr_n"] else np.nan,
                "max_heart_rate_bpm": s["hr_max"] if s["hr_n"] else np.nan,
                "resting_hr_bpm": s["rest_sum"] / s["rest_n"] if s["rest_n"] else np.nan,
                "hrv_sdnn_ms": s["sdnn_sum"] / s["sdnn_n"] if s["sdnn_n"] else np.nan,
                "source": "apple_health",
            }
        )
    return conform("wellness", pd.DataFrame(rows))


def _daily_log(c: _Collector) -> pd.DataFrame:
    """The days with water records: their total fluid [L]."""
    rows = [
        {"date": date, "fluid_l": s["water_l"], "source": "apple_health"}
        for date, s in sorted(c.day.items())
        if s.get("water_n")
    ]
    return conform("daily_log", pd.DataFrame(rows, columns=["date", "fluid_l", "source"]))


def _main_periods(stages: pd.DataFrame) -> pd.DataFrame:
    """Each source's stage intervals with their ``night``, naps left out.

    A source's intervals form sleep periods, each the night of its wake-up
    date with the offset the record wrote (:func:`analyzer.timebase.period_nights`);
    of the periods a source ends on one date the one with the most minutes is
    the night, the others (naps) are not counted.
    """
    nights = np.empty(len(stages), dtype="datetime64[D]")
    periods = np.empty(len(stages), dtype=np.int64)
    for number, rows in enumerate(stages.groupby("source", sort=True).indices.values()):
        start, end = _utc(stages["start"].to_numpy()[rows]), _utc(stages["end"].to_numpy()[rows])
        offsets = stages["offset"].to_numpy(dtype="float64")[rows]
        nights[rows] = timebase.period_nights(start, end, utc_offset_s=offsets)
        periods[rows] = timebase.sleep_periods(start, end) * len(stages) + number
    stages = stages.assign(
        night=timebase.days_to_dates(nights),
        period=periods,
        minutes=(stages["end"] - stages["start"]) / 60.0,
    )
    length = stages.groupby("period")["minutes"].transform("sum")
    main = (
        stages.assign(length=length)
        .sort_values(["length", "period"])
        .drop_duplicates(["night", "source"], keep="last")["period"]
    )
    return stages[stages["period"].isin(main)].drop(columns="period")


def _sleep_tables(c: _Collector) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not c.stages:
        return conform("sleep", pd.DataFrame()), conform("sleep_stages", pd.DataFrame())
    stages = _main_periods(
        pd.DataFrame(c.stages, columns=["start", "end", "offset", "stage", "source"])
    )
    staged = stages[stages["stage"] != "unmeasurable"].groupby(["night", "source"])["minutes"].sum()
    all_minutes = stages.groupby(["night", "source"])["minutes"].sum()
    ranking = pd.DataFrame({"staged": staged, "all": all_minutes}).fillna(0.0)
    best = ranking.sort_values(["staged", "all"]).groupby(level="night").tail(1).index
    chosen = stages.set_index(["night", "source"]).loc[best].reset_index()
    nights = []
    for (night, source), group in chosen.groupby(["night", "source"]):
        by_stage = group.groupby("stage")["minutes"].sum()
        asleep = float(by_stage.drop("awake", errors="ignore").sum())
        start, end = group["start"].min(), group["end"].max()
        in_bed = [
            b
            for b in c.in_bed
            if b[3] == source and b[1] > start - 3 * 3600 and b[0] < end + 3 * 3600
        ]
        in_bed_min = (
            (max(end, *(b[1] for b in in_bed)) - min(start, *(b[0] for b in in_bed))) / 60
            if in_bed
            else (end - start) / 60
        )
        nights.append(
            {
                "night": night,
                "start_utc": start,
                "end_utc": end,
                "asleep_min": asleep,
                "in_bed_min": in_bed_min,
                "deep_min": by_stage.get("deep", 0.0),
                "light_min": by_stage.get("light", 0.0),
                "rem_min": by_stage.get("rem", 0.0),
                "awake_min": by_stage.get("awake", 0.0),
                "awakenings": float((group["stage"] == "awake").sum()),
                "efficiency_pct": 100.0 * asleep / in_bed_min if in_bed_min > 0 else np.nan,
                "source": "apple_health",
            }
        )
    sleep = pd.DataFrame(nights)
    sleep["start_utc"], sleep["end_utc"] = _utc(sleep["start_utc"]), _utc(sleep["end_utc"])
    chosen = chosen.sort_values("start")
    stage_rows = pd.DataFrame(
        {
            "night": chosen["night"].to_numpy(),
            "start_utc": _utc(chosen["start"]),
            "end_utc": _utc(chosen["end"]),
            "stage": chosen["stage"].to_numpy(),
            "source": "apple_health",
        }
    )
    return conform("sleep", sleep), conform("sleep_stages", stage_rows)


def _activities(c: _Collector, sha: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not c.workouts:
        return conform("activities", pd.DataFrame()), conform("samples", pd.DataFrame())
    w = pd.DataFrame(c.workouts)
    sport, sub_sport = sport_and_sub_sport(w["name"])
    start_utc = _utc(w["start"])
    ids = [stable_id(FORMAT, s, sp) for s, sp in zip(start_utc, sport)]
    acts = pd.DataFrame(
        {
            "activity_id": ids,
            "source_sha256": sha,
            "source_format": FORMAT,
            "sport": sport,
            "sub_sport": sub_sport,
            "start_utc": start_utc,
            "duration_s": w["duration_s"].fillna(w["end"] - w["start"]),
            "distance_m": w["distance_m"],
            "energy_kcal": w["energy_kcal"],
            "avg_heart_rate_bpm": w["avg_hr"],
            "max_heart_rate_bpm": w["max_hr"],
            "utc_offset_s": w["offset"].astype(float),
            "device": w["device"],
        }
    )
    t = np.frombuffer(c.hr_t, dtype="float64")
    bpm = np.frombuffer(c.hr_bpm, dtype="float64")
    order = np.argsort(t, kind="stable")
    t, bpm = t[order], bpm[order]
    parts = []
    for activity_id, start, end in zip(ids, w["start"], w["end"]):
        lo, hi = np.searchsorted(t, start, "left"), np.searchsorted(t, end, "right")
        if hi > lo:
            parts.append(
                pd.DataFrame(
                    {
                        "activity_id": activity_id,
                        "t_utc": _utc(t[lo:hi]),
                        "heart_rate_bpm": bpm[lo:hi],
                    }
                )
            )
    # Fill missing workout HR statistics from the samples (older exports lack WorkoutStatistics).
    samples = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if parts:
        stats = samples.groupby("activity_id")["heart_rate_bpm"].agg(["mean", "max"])
        acts["avg_heart_rate_bpm"] = acts["avg_heart_rate_bpm"].fillna(
            acts["activity_id"].map(stats["mean"])
        )
        acts["max_heart_rate_bpm"] = acts["max_heart_rate_bpm"].fillna(
            acts["activity_id"].map(stats["max"])
        )
    return conform("activities", acts), conform("samples", samples)


def read_apple_health_stream(
    name: str, stream: BinaryIO, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Stream an Apple Health ``export.xml`` into canonical tables with bounded memory.

    Parameters
    ----------
    name : str
        File name, for messages.
    stream : binary file-like
        The XML, read once from start to end (a file, a ZIP member, a BytesIO).
    timezone : str, optional
        Not needed (Apple dates carry their offset); accepted for a uniform signature.
    valid_rows_only : bool
        Skip implausible records (reported) instead of refusing the file.

    Raises
    ------
    ImportFileError
        If the XML is malformed or not an Apple Health export, or (unless
        ``valid_rows_only``) records hold impossible values; the message gives
        the record number (``row``), type and value.
    """
    hashing = _HashingReader(stream)
    c = _Collector(name)
    ordinal = 0
    depth = 0
    root = None
    try:
        for event, element in ET.iterparse(
            io.BufferedReader(hashing, 1 << 20), events=("start", "end")
        ):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    if element.tag != "HealthData":
                        raise ImportFileError(
                            name, f"root element <{element.tag}> is not Apple Health's <HealthData>"
                        )
                continue
            depth -= 1
            if depth != 1:
                continue
            ordinal += 1
            if element.tag == "Record":
                c.record(element, ordinal)
            elif element.tag == "Workout":
                c.workout(element, ordinal)
            root.clear()  # drop the finished element (and its children) from the tree
    except ET.ParseError as exc:
        raise ImportFileError(
            name,
            f"the XML is malformed: {exc}",
            offset=hashing.bytes_read,
            recovered=f"{ordinal} elements read before the error; nothing was imported",
        ) from exc
    warnings: list[str] = []
    if c.problems:
        more = c.n_problems - len(c.problems.problems)
        note = f" ({more} more not listed)" if more > 0 else ""
        c.problems.settle(
            pd.DataFrame(index=range(ordinal)), valid_rows_only=valid_rows_only, warnings=warnings
        )
        warnings = [w + note for w in warnings]
    sha = hashing.sha256.hexdigest()
    sleep, stages = _sleep_tables(c)
    activities, samples = _activities(c, sha)
    tables = {
        "wellness": _wellness(c),
        "sleep": sleep,
        "sleep_stages": stages,
        "activities": activities,
        "samples": samples,
        "daily_log": _daily_log(c),
    }
    return ImportBundle(name, sha, FORMAT, {k: v for k, v in tables.items() if len(v)}, warnings)


def read_apple_health(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read an Apple Health ``export.xml`` held in memory (see :func:`read_apple_health_stream`)."""
    return read_apple_health_stream(
        name, io.BytesIO(data), timezone=timezone, valid_rows_only=valid_rows_only
    )


FORMATS = [
    FormatSpec(
        FORMAT,
        "Apple Health export.xml",
        "xml",
        lambda probe: probe.xml_root == "HealthData",
        read_apple_health,
    ),
]
