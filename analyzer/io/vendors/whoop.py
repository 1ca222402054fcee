"""WHOOP app export (``my_whoop_data`` zip): cycles, sleeps, workouts.

Source conventions (WHOOP publishes no schema: the files of a real export of 2024-06, which the
tests read through ``ANALYZER_SAMPLES_DIR``, confirmed by open-source parsers):

* Times are local ``YYYY-MM-DD HH:MM:SS`` with the zone of each row in
  ``Cycle timezone`` (``UTC-04:00``; other exports write ``GMT-5`` or an IANA
  name). The athlete's ``timezone`` is used only for rows without one.
* Durations are minutes, heart rates bpm, HRV is RMSSD in ms, energy in kcal
  (WHOOP writes "cal"), distances and altitudes in metres, scores in %.
* ``physiological_cycles.csv`` -> ``wellness`` (one row per cycle, dated by
  the local wake-up date of its sleep: resting HR and HRV are measured asleep)
  and ``sleep`` (the cycle's main sleep: the same row ``sleeps.csv`` gives for
  that night, so importing both, in either order, stores each night once);
  ``sleeps.csv`` -> ``sleep`` (main sleeps; naps are counted in the warnings,
  the sleep table holding one main sleep per night); ``workouts.csv`` ->
  ``activities`` (``source_format="whoop_workouts_csv"``, no samples).
* ``journal_entries.csv`` (the daily journal) is read by
  :mod:`analyzer.io.vendors.whoop_journal` into the daily log.
"""

from __future__ import annotations

import pandas as pd

from analyzer.io.csvsniff import read_table
from analyzer.io.formats import FormatSpec
from analyzer.io.vendors._extract import KEEP, Extractor
from analyzer.schema import ImportBundle

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "ISO8601")
_CYCLE = ("Cycle start time", "Cycle timezone")


def _zones(ex: Extractor, timezone: str | None) -> pd.Series:
    zones = ex.text("Cycle timezone")
    return zones.fillna(timezone) if timezone else zones


def _utc(ex: Extractor, column: str, zones: pd.Series) -> tuple[pd.Series, pd.Series]:
    local, name = ex.datetimes(column, formats=_TIME_FORMATS)
    return ex.local_to_utc(local, name, zones), local


def _wake_date(local_wake: pd.Series, fallback: pd.Series) -> pd.Series:
    dates = local_wake.fillna(fallback)
    return dates.map(lambda t: None if pd.isna(t) else t.date()).astype("object")


def _night_columns(ex: Extractor, zones: pd.Series) -> dict[str, pd.Series]:
    """The ``sleep`` columns that ``sleeps.csv`` and ``physiological_cycles.csv`` share.

    Both files describe a cycle's main sleep with the same columns, so the two readers give
    the same row for one night (same wake-up date, same source ``"whoop"``): the library keeps
    it once, whichever file arrives first.
    """
    start_utc, _ = _utc(ex, "Sleep onset", zones)
    end_utc, wake_local = _utc(ex, "Wake onset", zones)
    return {
        "night": _wake_date(wake_local, wake_local),
        "start_utc": start_utc,
        "end_utc": end_utc,
        "asleep_min": ex.number("asleep_min", "Asleep duration (min)"),
        "in_bed_min": ex.number("in_bed_min", "In bed duration (min)"),
        "light_min": ex.number("light_min", "Light sleep duration (min)"),
        "deep_min": ex.number("deep_min", "Deep (SWS) duration (min)"),
        "rem_min": ex.number("rem_min", "REM duration (min)"),
        "awake_min": ex.number("awake_min", "Awake duration (min)"),
        "efficiency_pct": ex.number("efficiency_pct", "Sleep efficiency %"),
        "score": ex.number("score", "Sleep performance %"),
        "source": "whoop",
    }


def read_whoop_cycles(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``physiological_cycles.csv``: ``wellness`` (one row per cycle) and ``sleep``.

    A cycle holds the onset, wake-up and durations of its main sleep, so the cycles alone
    give the nights when ``sleeps.csv`` is not imported; a cycle without a sleep (the
    current, unfinished one) gives no night.
    """
    ex = Extractor(read_table(name, data))
    ex.require(*_CYCLE)
    zones = _zones(ex, timezone)
    _, cycle_local = _utc(ex, "Cycle start time", zones)
    _, wake_local = _utc(ex, "Wake onset", zones)
    wellness = pd.DataFrame(
        {
            "date": _wake_date(wake_local, cycle_local),
            "resting_hr_bpm": ex.number("resting_hr_bpm", "Resting heart rate (bpm)"),
            "hrv_rmssd_ms": ex.number("hrv_rmssd_ms", "Heart rate variability (ms)"),
            "avg_heart_rate_bpm": ex.number("avg_heart_rate_bpm", "Average HR (bpm)"),
            "max_heart_rate_bpm": ex.number("max_heart_rate_bpm", "Max HR (bpm)"),
            "source": "whoop",
        }
    )
    tables = {"wellness": wellness}
    if ex.table.find("Sleep onset") is not None and ex.table.find("Wake onset") is not None:
        nights = pd.DataFrame(_night_columns(ex, zones))
        nights[KEEP] = nights["start_utc"].notna() & nights["end_utc"].notna()
        tables["sleep"] = nights
    return ex.bundle(data, "whoop_cycles_csv", tables, valid_rows_only=valid_rows_only)


def read_whoop_sleeps(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``sleeps.csv`` into the ``sleep`` table (main sleeps, night = local wake-up date)."""
    ex = Extractor(read_table(name, data))
    ex.require(*_CYCLE, "Sleep onset", "Wake onset")
    zones = _zones(ex, timezone)
    nap = ex.text("Nap").fillna("false").str.casefold().eq("true")
    frame = pd.DataFrame({**_night_columns(ex, zones), KEEP: ~nap})
    warnings = (
        [f"{name}: {int(nap.sum())} nap(s) not imported (the sleep table holds main sleeps)"]
        if nap.any()
        else []
    )
    return ex.bundle(
        data,
        "whoop_sleeps_csv",
        {"sleep": frame},
        valid_rows_only=valid_rows_only,
        warnings=warnings,
    )


def read_whoop_workouts(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``workouts.csv`` into the ``activities`` table."""
    ex = Extractor(read_table(name, data))
    ex.require("Cycle timezone", "Workout start time", "Activity name")
    zones = _zones(ex, timezone)
    start_utc, start_local = _utc(ex, "Workout start time", zones)
    end_utc, _ = _utc(ex, "Workout end time", zones)
    duration = (end_utc - start_utc).dt.total_seconds()
    return ex.activities_bundle(
        data,
        "whoop_workouts_csv",
        ex.text("Activity name"),
        start_utc,
        start_column="Workout start time",
        local=start_local,
        valid_rows_only=valid_rows_only,
        duration_s=duration.fillna(ex.number("duration_s", "Duration (min)", scale=60.0)),
        distance_m=ex.number("distance_m", "Distance (meters)"),
        avg_heart_rate_bpm=ex.number("avg_heart_rate_bpm", "Average HR (bpm)"),
        max_heart_rate_bpm=ex.number("max_heart_rate_bpm", "Max HR (bpm)"),
        total_ascent_m=ex.number("total_ascent_m", "Altitude gain (meters)"),
        energy_kcal=ex.number("energy_kcal", "Energy burned (cal)"),
        device="WHOOP",
    )


def _whoop(*columns: str):  # noqa: ANN202 - small predicate factory
    return lambda probe: probe.has_columns(*_CYCLE, *columns)


FORMATS = [
    FormatSpec(
        "whoop_cycles_csv",
        "WHOOP physiological_cycles.csv",
        "csv",
        _whoop("Recovery score %", "Resting heart rate (bpm)"),
        read_whoop_cycles,
    ),
    FormatSpec(
        "whoop_workouts_csv",
        "WHOOP workouts.csv",
        "csv",
        _whoop("Workout start time", "Activity name"),
        read_whoop_workouts,
    ),
    FormatSpec(
        "whoop_sleeps_csv",
        "WHOOP sleeps.csv",
        "csv",
        _whoop("Sleep onset", "Wake onset", "Asleep duration (min)"),
        read_whoop_sleeps,
    ),
]

__all__ = [
    "FORMATS",
    "read_whoop_cycles",
    "read_whoop_sleeps",
    "read_whoop_workouts",
]
