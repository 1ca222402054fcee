"""Fitbit account data (Google Takeout ``Fitbit/Global Export Data`` and CSV folders).

Schemas as several independent open-source parsers of Google Takeout's Fitbit folders read them
(for example kev-m/FitOut, saubury/duckdb-fitbit, barfittc/Takeout.Fitbit.Parser); Fitbit
publishes none for the export, and no real sample is available to the project:

* ``sleep-YYYY-MM-DD.json``: a list of sleep logs. ``startTime``/``endTime`` are
  local times without a zone (``2021-08-30T22:16:30.000``): the athlete's
  IANA ``timezone`` is required. Minutes for durations; ``efficiency`` %.
  Main sleeps become ``sleep`` rows (night = local date of ``endTime``);
  ``levels.data`` becomes ``sleep_stages`` (``wake`` -> awake; classic logs'
  ``asleep``/``restless`` -> unmeasurable, ``awake`` -> awake).
* ``heart_rate-YYYY-MM-DD.json``: ``[{"dateTime": "04/22/19 04:00:05",
  "value": {"bpm": 69}}]`` -> daily mean and maximum in ``wellness``. The
  times are taken as local (one parser says UTC; unverified either way), so
  the calendar day is the one written in the file.
* ``resting_heart_rate-*.json``: ``value.value`` bpm per day (``0`` = no data).
* ``exercise-N.json``: ``startTime`` local (``04/06/19 17:11:48``, timezone
  required), ``duration``/``activeDuration`` ms, ``calories`` kcal,
  ``averageHeartRate`` bpm, ``distance`` in ``distanceUnit`` (km when absent).
* ``Daily Heart Rate Variability Summary - *.csv``:
  ``timestamp,rmssd,nremhr,entropy`` -> ``wellness.hrv_rmssd_ms`` on the local
  date of ``timestamp``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.csvsniff import read_table
from analyzer.io.formats import FormatSpec, Probe, sha256_hex
from analyzer.io.localtime import source_zone
from analyzer.io.vendors._extract import (
    KEEP,
    Extractor,
    cell_text,
    datetimes_in_range,
    finite_float,
)
from analyzer.schema import ImportBundle, conform

_LOCAL = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "ISO8601")
_US = ("%m/%d/%y %H:%M:%S", "%m/%d/%Y %H:%M:%S")
_STAGE = {
    "deep": "deep",
    "light": "light",
    "rem": "rem",
    "wake": "awake",
    "awake": "awake",
    "asleep": "unmeasurable",
    "restless": "unmeasurable",
}
#: Longest plausible sleep-stage interval [s]: a whole day.
MAX_STAGE_S = 86_400
_UNITS = {
    "km": 1000.0,
    "kilometer": 1000.0,
    "mi": 1609.344,
    "mile": 1609.344,
    "m": 1.0,
    "meter": 1.0,
}


def _records(name: str, data: bytes) -> list:
    return Probe(name, data).json_value


def _dates(local: pd.Series) -> pd.Series:
    return local.map(lambda t: None if pd.isna(t) else t.date()).astype("object")


def _stages(ex: Extractor, records: list, tz: str) -> pd.DataFrame:
    """One ``sleep_stages`` row per ``levels.data`` item of each log; bad items are row problems.

    An item's ``seconds`` must be a number of more than 0 and at most
    :data:`MAX_STAGE_S`, its ``dateTime`` a local time in the plausible date
    range (:data:`~analyzer.io.vendors._extract.DATE_RANGE`); an item of
    another ``level`` (none is known) is left out.
    """
    rows = []
    for position, record in enumerate(records):
        levels = record.get("levels") if isinstance(record, dict) else None
        items = levels.get("data") if isinstance(levels, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            stage = _STAGE.get(str(item.get("level", "")).casefold())
            if not stage:
                continue
            seconds = finite_float(item.get("seconds"))
            if not 0 < seconds <= MAX_STAGE_S:  # NaN fails too
                ex.problems.add(
                    position + 1,
                    "levels.data.seconds",
                    item.get("seconds"),
                    f"the seconds of a sleep stage, more than 0 and at most {MAX_STAGE_S}",
                )
                continue
            rows.append((position, cell_text(item.get("dateTime")), seconds, stage))
    if not rows:
        return pd.DataFrame(columns=["_row", "start_utc", "end_utc", "stage"])
    frame = pd.DataFrame(rows, columns=["_row", "local", "seconds", "stage"])
    local = datetimes_in_range(frame["local"].where(frame["local"] != "", None), "ISO8601")
    for position, value in zip(frame["_row"][local.isna()], frame["local"][local.isna()]):
        ex.problems.add(
            int(position) + 1,
            "levels.data.dateTime",
            value,
            "a date and time like 2024-03-31T01:30:00",
        )
    start = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    frame["start_utc"] = start
    frame["end_utc"] = start + pd.to_timedelta(frame["seconds"], unit="s")
    return frame


def read_fitbit_sleep_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a Fitbit ``sleep-*.json`` into ``sleep`` (main sleeps) and ``sleep_stages``."""
    zone = source_zone(name, timezone, needed_for="Fitbit sleep 'startTime'/'endTime' values")
    records = _records(name, data)
    ex = Extractor.from_records(name, records)
    ex.require("startTime", "endTime")
    start_local, start_col = ex.datetimes("startTime", formats=_LOCAL)
    end_local, end_col = ex.datetimes("endTime", formats=_LOCAL)
    start_utc = ex.local_to_utc(start_local, start_col, zone.key)
    end_utc = ex.local_to_utc(end_local, end_col, zone.key)
    main = ex.text("mainSleep").fillna("true").str.casefold().ne("false")
    frame = pd.DataFrame(
        {
            "night": _dates(end_local),
            "start_utc": start_utc,
            "end_utc": end_utc,
            "asleep_min": ex.number("asleep_min", "minutesAsleep"),
            "in_bed_min": ex.number("in_bed_min", "timeInBed"),
            "deep_min": ex.number("deep_min", "levels.summary.deep.minutes"),
            "light_min": ex.number("light_min", "levels.summary.light.minutes"),
            "rem_min": ex.number("rem_min", "levels.summary.rem.minutes"),
            "awake_min": ex.number("awake_min", "levels.summary.wake.minutes", "minutesAwake"),
            "awakenings": ex.number("awakenings", "levels.summary.wake.count", "awakeningsCount"),
            "efficiency_pct": ex.number("efficiency_pct", "efficiency"),
            "source": "fitbit",
            KEEP: main,
        }
    )
    stages = _stages(ex, records, zone.key)
    bundle = ex.bundle(data, "fitbit_sleep_json", {"sleep": frame}, valid_rows_only=valid_rows_only)
    kept = set(frame.index[main & ~frame.index.isin([r - 1 for r in ex.problems.bad_rows])])
    stages = stages[stages["_row"].isin(kept)].copy()
    unresolved = int(stages["start_utc"].isna().sum())
    if unresolved:
        bundle.warnings.append(
            f"{name}: {unresolved} sleep-stage interval(s) start at a local time that a "
            f"daylight-saving change skipped or repeated in {zone.key}; they were not imported"
        )
        stages = stages.dropna(subset=["start_utc"])
    stages["night"] = stages["_row"].map(frame["night"])
    stages["source"] = "fitbit"
    bundle.tables["sleep_stages"] = conform("sleep_stages", stages)
    return bundle


def read_fitbit_heart_rate_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``heart_rate-*.json`` samples into daily mean and maximum heart rate (``wellness``)."""
    ex = Extractor.from_records(name, _records(name, data))
    ex.require("dateTime", "value.bpm")
    local, _ = ex.datetimes("dateTime", formats=_US + _LOCAL)
    bpm = ex.number("heart_rate_bpm", "value.bpm")
    warnings: list[str] = []
    per_row = pd.DataFrame({"date": _dates(local), "bpm": bpm})
    per_row = ex.problems.settle(per_row, valid_rows_only=valid_rows_only, warnings=warnings)
    daily = per_row.dropna().groupby("date")["bpm"].agg(["mean", "max"]).reset_index()
    wellness = pd.DataFrame(
        {
            "date": daily["date"],
            "avg_heart_rate_bpm": daily["mean"],
            "max_heart_rate_bpm": daily["max"],
            "source": "fitbit",
        }
    )
    return ImportBundle(
        name,
        sha256_hex(data),
        "fitbit_heart_rate_json",
        {"wellness": conform("wellness", wellness)},
        warnings,
    )


def read_fitbit_resting_hr_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``resting_heart_rate-*.json`` into ``wellness.resting_hr_bpm`` (0 means no data)."""
    ex = Extractor.from_records(name, _records(name, data))
    ex.require("dateTime", "value.value")
    local, _ = ex.datetimes("dateTime", formats=_US + _LOCAL)
    frame = pd.DataFrame(
        {
            "date": _dates(local),
            "resting_hr_bpm": ex.number("resting_hr_bpm", "value.value", zero_is_missing=True),
            "source": "fitbit",
        }
    )
    frame[KEEP] = frame["resting_hr_bpm"].notna()
    return ex.bundle(
        data, "fitbit_resting_hr_json", {"wellness": frame}, valid_rows_only=valid_rows_only
    )


def read_fitbit_exercise_json(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``exercise-*.json`` logs into the ``activities`` table (no samples)."""
    zone = source_zone(name, timezone, needed_for="Fitbit exercise 'startTime' values")
    ex = Extractor.from_records(name, _records(name, data))
    ex.require("startTime", "activityName")
    local, column = ex.datetimes("startTime", formats=_US + _LOCAL)
    start_utc = ex.local_to_utc(local, column, zone.key)
    unit = (
        ex.text("distanceUnit")
        .fillna("km")
        .str.casefold()
        .map(lambda u: _UNITS.get(u.rstrip("s"), np.nan))
    )
    return ex.activities_bundle(
        data,
        "fitbit_exercise_json",
        ex.text("activityName"),
        start_utc,
        start_column="startTime",
        local=local,
        valid_rows_only=valid_rows_only,
        duration_s=ex.number("duration_s", "duration", scale=1e-3),
        moving_s=ex.number("moving_s", "activeDuration", scale=1e-3),
        distance_m=ex.number("distance_m", "distance") * unit,
        avg_heart_rate_bpm=ex.number("avg_heart_rate_bpm", "averageHeartRate"),
        energy_kcal=ex.number("energy_kcal", "calories"),
        device="Fitbit",
    )


def read_fitbit_hrv_csv(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a ``Daily Heart Rate Variability Summary`` CSV into ``wellness.hrv_rmssd_ms``."""
    ex = Extractor(read_table(name, data), number_format=(".", None))
    ex.require("timestamp", "rmssd")
    local, _ = ex.datetimes("timestamp", formats=_LOCAL)
    frame = pd.DataFrame(
        {
            "date": _dates(local),
            "hrv_rmssd_ms": ex.number("hrv_rmssd_ms", "rmssd"),
            "source": "fitbit",
        }
    )
    return ex.bundle(data, "fitbit_hrv_csv", {"wellness": frame}, valid_rows_only=valid_rows_only)


FORMATS = [
    FormatSpec(
        "fitbit_sleep_json",
        "Fitbit sleep-*.json",
        "json",
        lambda p: p.has_keys("logId", "dateOfSleep", "startTime"),
        read_fitbit_sleep_json,
    ),
    FormatSpec(
        "fitbit_exercise_json",
        "Fitbit exercise-*.json",
        "json",
        lambda p: p.has_keys("logId", "activityName", "startTime"),
        read_fitbit_exercise_json,
    ),
    FormatSpec(
        "fitbit_resting_hr_json",
        "Fitbit resting_heart_rate-*.json",
        "json",
        lambda p: p.has_keys("dateTime", "value") and _value_has(p, "error"),
        read_fitbit_resting_hr_json,
    ),
    FormatSpec(
        "fitbit_heart_rate_json",
        "Fitbit heart_rate-*.json",
        "json",
        lambda p: p.has_keys("dateTime", "value") and _value_has(p, "bpm"),
        read_fitbit_heart_rate_json,
    ),
    FormatSpec(
        "fitbit_hrv_csv",
        "Fitbit Daily Heart Rate Variability Summary CSV",
        "csv",
        lambda p: p.has_columns("timestamp", "rmssd", "nremhr", "entropy"),
        read_fitbit_hrv_csv,
    ),
]


def _value_has(probe: Probe, key: str) -> bool:
    value = probe.json_value
    first = value[0] if isinstance(value, list) and value else None
    return (
        isinstance(first, dict) and isinstance(first.get("value"), dict) and key in first["value"]
    )
