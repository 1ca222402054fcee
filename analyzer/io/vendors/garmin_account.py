"""Garmin account export ("Export your data" ZIP, GDPR): sleep and daily summary JSON.

The FIT files inside the export (``DI-Connect-Uploaded-Files/UploadedFiles_*.zip``)
go through the registry's nested-archive handling to the FIT reader; this
module reads the JSON. Garmin publishes no schema for the export; the names below
are those several independent open-source parsers read, and no real sample is
available to the project:

* ``DI-Connect-Wellness/*_sleepData.json``: a list of nights.
  ``calendarDate`` is the local wake-up date (the ``night``);
  ``sleepStartTimestampGMT``/``sleepEndTimestampGMT`` are UTC without a
  ``Z`` (``"2024-06-14T22:09:00.0"``); stage durations are seconds;
  ``sleepScores.overallScore`` (a number, or ``{"value": n}``) is 0-100.
* ``DI-Connect-Aggregator/UDSFile_*.json``: a list of days. ``calendarDate``
  is the local date; heart rates bpm; ``totalSteps``; intensity minutes;
  ``allDayStress.aggregatorList[type=TOTAL].averageStressLevel`` 0-100
  (negative values mean "not enough data").

No athlete time zone is needed.
"""

from __future__ import annotations

import pandas as pd

from analyzer.io.formats import FormatSpec, Probe
from analyzer.io.vendors._extract import Extractor, check_range, finite_float
from analyzer.schema import ImportBundle

_GMT_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "ISO8601")


def _json(name: str, data: bytes) -> list:
    probe = Probe(name, data)
    value = probe.json_value
    return value if isinstance(value, list) else [value] if isinstance(value, dict) else value


def _dates(ex: Extractor, column: str) -> pd.Series:
    parsed, _ = ex.datetimes(column, formats=("%Y-%m-%d",))
    return parsed.map(lambda t: None if pd.isna(t) else t.date()).astype("object")


def read_garmin_sleep_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``*_sleepData.json`` into the ``sleep`` table."""
    ex = Extractor.from_records(name, _json(name, data))
    ex.require("calendarDate", "sleepStartTimestampGMT", "sleepEndTimestampGMT")
    start, start_col = ex.datetimes("sleepStartTimestampGMT", formats=_GMT_FORMATS)
    end, end_col = ex.datetimes("sleepEndTimestampGMT", formats=_GMT_FORMATS)
    start_utc, end_utc = (
        ex.local_to_utc(start, start_col, "UTC"),
        ex.local_to_utc(end, end_col, "UTC"),
    )
    deep = ex.number("deep_min", "deepSleepSeconds", scale=1 / 60)
    light = ex.number("light_min", "lightSleepSeconds", scale=1 / 60)
    rem = ex.number("rem_min", "remSleepSeconds", scale=1 / 60)
    asleep = deep.fillna(0) + light.fillna(0) + rem.fillna(0)
    asleep = asleep.where(deep.notna() | light.notna() | rem.notna())
    in_bed = (end_utc - start_utc).dt.total_seconds() / 60
    frame = pd.DataFrame(
        {
            "night": _dates(ex, "calendarDate"),
            "start_utc": start_utc,
            "end_utc": end_utc,
            "asleep_min": asleep,
            "in_bed_min": in_bed,
            "deep_min": deep,
            "light_min": light,
            "rem_min": rem,
            "awake_min": ex.number("awake_min", "awakeSleepSeconds", scale=1 / 60),
            "awakenings": ex.number("awakenings", "awakeCount"),
            "efficiency_pct": 100 * asleep / in_bed.where(in_bed > 0),
            "score": ex.number(
                "score",
                "sleepScores.overallScore",
                "sleepScores.overallScore.value",
                "sleepScores.overall.value",
            ),
            "source": "garmin",
        }
    )
    return ex.bundle(data, "garmin_sleep_json", {"sleep": frame}, valid_rows_only=valid_rows_only)


def _stress_total(ex: Extractor, records: list) -> pd.Series:
    """``allDayStress.aggregatorList[type=TOTAL].averageStressLevel`` per day, range-checked.

    Negative levels mean "not enough data" (missing); a level outside 0-100 is
    a row problem like any other value.
    """
    raw: list[object] = []
    for record in records:
        level = None
        stress = record.get("allDayStress") if isinstance(record, dict) else None
        items = stress.get("aggregatorList") if isinstance(stress, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("type") == "TOTAL":
                level = item.get("averageStressLevel")
        raw.append(level)
    levels = pd.Series([finite_float(v) for v in raw], index=ex.table.cells.index, dtype="float64")
    levels = levels.where(~(levels < 0))
    column = "allDayStress.aggregatorList.averageStressLevel"
    return check_range(levels, "stress_avg", pd.Series(raw, dtype=object), column, ex.problems)


def read_garmin_daily_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``UDSFile_*.json`` daily summaries into the ``wellness`` table."""
    records = _json(name, data)
    ex = Extractor.from_records(name, records)
    ex.require("calendarDate")
    moderate = ex.number("active_min", "moderateIntensityMinutes")
    vigorous = ex.number("active_min", "vigorousIntensityMinutes")
    active = moderate.fillna(0) + vigorous.fillna(0)
    frame = pd.DataFrame(
        {
            "date": _dates(ex, "calendarDate"),
            "resting_hr_bpm": ex.number(
                "resting_hr_bpm",
                "restingHeartRate",
                "currentDayRestingHeartRate",
                zero_is_missing=True,
            ),
            "max_heart_rate_bpm": ex.number(
                "max_heart_rate_bpm", "maxHeartRate", zero_is_missing=True
            ),
            "steps": ex.number("steps", "totalSteps"),
            "active_min": active.where(moderate.notna() | vigorous.notna()),
            "stress_avg": _stress_total(ex, records),
            "source": "garmin",
        }
    )
    return ex.bundle(
        data, "garmin_daily_json", {"wellness": frame}, valid_rows_only=valid_rows_only
    )


FORMATS = [
    FormatSpec(
        "garmin_sleep_json",
        "Garmin account export *_sleepData.json",
        "json",
        lambda probe: probe.has_keys("calendarDate", "sleepStartTimestampGMT"),
        read_garmin_sleep_json,
    ),
    FormatSpec(
        "garmin_daily_json",
        "Garmin account export UDSFile_*.json (daily summaries)",
        "json",
        lambda probe: (
            probe.has_keys("calendarDate", "totalSteps")
            or probe.has_keys("calendarDate", "restingHeartRate", "wellnessStartTimeGmt")
        ),
        read_garmin_daily_json,
    ),
]
