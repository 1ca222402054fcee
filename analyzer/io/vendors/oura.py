"""Oura "Data export" ZIP (``App Data/*.csv``): sleep periods and daily activity.

Schemas as several independent open-source parsers read them (no real sample is
available to the project): semicolon-delimited files (sniffed, not assumed), column names as in
Oura's API v2, JSON objects inside some cells.

* ``sleepmodel.csv``: one row per sleep period. ``bedtime_start`` and
  ``bedtime_end`` are ISO 8601 with their UTC offset (no athlete time zone
  needed); durations in seconds; ``average_hrv`` is RMSSD in ms;
  ``sleep_phase_5_min`` is one digit per 5 minutes from ``bedtime_start``
  (1 deep, 2 light, 3 REM, 4 awake). Long sleeps (``type=long_sleep``, or no
  type) become ``sleep`` rows (night = local date of ``bedtime_end``),
  their phases ``sleep_stages``, and their lowest heart rate and average HRV
  ``wellness`` on the same date.
* ``dailyactivity.csv``: ``day``, ``steps``, ``high_activity_time`` and
  ``medium_activity_time`` (s) -> ``wellness.steps`` and ``active_min``.
"""

from __future__ import annotations

import pandas as pd

from analyzer.io.csvsniff import read_table
from analyzer.io.formats import FormatSpec
from analyzer.io.vendors._extract import KEEP, Extractor
from analyzer.schema import ImportBundle, conform

_PHASES = {"1": "deep", "2": "light", "3": "rem", "4": "awake"}
_PHASE_S = 300
#: Most 5-minute phases one sleep period may hold: 24 hours.
MAX_PHASES = 24 * 3600 // _PHASE_S


def _phases(
    starts: pd.Series, codes: pd.Series, nights: pd.Series, keep: pd.Series
) -> pd.DataFrame:
    rows = []
    for start, text, night, kept in zip(starts, codes, nights, keep):
        if not kept or pd.isna(start) or not isinstance(text, str):
            continue
        run_start, current = 0, None
        for i, code in enumerate(text.strip() + "."):
            stage = _PHASES.get(code)
            if stage != current:
                if current is not None:
                    rows.append(
                        (
                            night,
                            start + pd.Timedelta(seconds=run_start * _PHASE_S),
                            start + pd.Timedelta(seconds=i * _PHASE_S),
                            current,
                        )
                    )
                run_start, current = i, stage
    return pd.DataFrame(rows, columns=["night", "start_utc", "end_utc", "stage"]).assign(
        source="oura"
    )


def read_oura_sleep_csv(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read Oura's ``sleepmodel.csv`` into ``sleep``, ``sleep_stages`` and ``wellness``."""
    ex = Extractor(read_table(name, data), number_format=(".", None))
    ex.require("bedtime_start", "bedtime_end")
    start_utc, _ = ex.instants("bedtime_start")
    end_utc, night = ex.instants("bedtime_end")
    kind = ex.text("type").fillna("long_sleep")
    keep = kind.isin(["long_sleep", "sleep"])
    asleep = ex.number("asleep_min", "total_sleep_duration", scale=1 / 60)
    in_bed = ex.number("in_bed_min", "time_in_bed", scale=1 / 60)
    sleep = pd.DataFrame(
        {
            "night": night,
            "start_utc": start_utc,
            "end_utc": end_utc,
            "asleep_min": asleep,
            "in_bed_min": in_bed,
            "deep_min": ex.number("deep_min", "deep_sleep_duration", scale=1 / 60),
            "light_min": ex.number("light_min", "light_sleep_duration", scale=1 / 60),
            "rem_min": ex.number("rem_min", "rem_sleep_duration", scale=1 / 60),
            "awake_min": ex.number("awake_min", "awake_time", scale=1 / 60),
            "efficiency_pct": ex.number("efficiency_pct", "efficiency"),
            "source": "oura",
            KEEP: keep,
        }
    )
    wellness = pd.DataFrame(
        {
            "date": night,
            "resting_hr_bpm": ex.number("resting_hr_bpm", "lowest_heart_rate"),
            "hrv_rmssd_ms": ex.number("hrv_rmssd_ms", "average_hrv"),
            "source": "oura",
            KEEP: keep,
        }
    )
    phases = ex.text("sleep_phase_5_min")
    too_long = phases.fillna("").str.len() > MAX_PHASES
    ex.problems.add_mask(
        too_long, phases, "sleep_phase_5_min", f"at most {MAX_PHASES} phase digits (24 hours)"
    )
    bundle = ex.bundle(
        data,
        "oura_sleep_csv",
        {"sleep": sleep, "wellness": wellness},
        valid_rows_only=valid_rows_only,
    )
    good = keep & ~pd.Series(
        sleep.index.isin([r - 1 for r in ex.problems.bad_rows]), index=sleep.index
    )
    bundle.tables["sleep_stages"] = conform("sleep_stages", _phases(start_utc, phases, night, good))
    return bundle


def read_oura_activity_csv(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read Oura's ``dailyactivity.csv`` into ``wellness`` (steps and active minutes)."""
    ex = Extractor(read_table(name, data), number_format=(".", None))
    ex.require("day", "steps")
    day, _ = ex.datetimes("day", formats=("%Y-%m-%d",))
    high = ex.number("active_min", "high_activity_time", scale=1 / 60)
    medium = ex.number("active_min", "medium_activity_time", scale=1 / 60)
    frame = pd.DataFrame(
        {
            "date": day.map(lambda t: None if pd.isna(t) else t.date()).astype("object"),
            "steps": ex.number("steps", "steps"),
            "active_min": (high.fillna(0) + medium.fillna(0)).where(high.notna() | medium.notna()),
            "source": "oura",
        }
    )
    return ex.bundle(
        data, "oura_activity_csv", {"wellness": frame}, valid_rows_only=valid_rows_only
    )


FORMATS = [
    FormatSpec(
        "oura_sleep_csv",
        "Oura export sleepmodel.csv",
        "csv",
        lambda p: p.has_columns("bedtime_start", "bedtime_end", "total_sleep_duration"),
        read_oura_sleep_csv,
    ),
    FormatSpec(
        "oura_activity_csv",
        "Oura export dailyactivity.csv",
        "csv",
        lambda p: p.has_columns("day", "steps", "active_calories"),
        read_oura_activity_csv,
    ),
]
