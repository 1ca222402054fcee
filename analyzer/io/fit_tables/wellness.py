"""Sleep and wellness tables from Garmin sleep, monitoring and HRV-status FIT files.

Local dates: FIT stores UTC; the device's UTC offset comes from
:attr:`FitFile.utc_offset_s` (``activity``, else ``monitoring_info``, else
``timestamp_correlation`` local-minus-UTC), else from Garmin's undocumented
``sleep_data_info`` message (global 273: field 253 the UTC start, field 2 the
same instant on the local clock, field 1 the epoch length in seconds) that
``*_SLEEP_DATA.fit`` files carry. With none of them a night is the UTC date of
the wake-up, and a warning says so.

One file rarely holds a whole night or day: :mod:`.garmin_samples` and
:mod:`.garmin_stages` give the raw samples (``daily_samples`` and
``sleep_stages`` tables of the bundle, :func:`raw_day_tables`) that the
library merges across files and assembles with :mod:`analyzer.devicedays`.
:func:`sleep_table` and :func:`wellness_table` are what this one file says
on its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analyzer.devicedays import assemble_days, has_day_values

from .dayfile import DayFile
from .garmin_samples import SOURCE
from .garmin_stages import has_sleep_levels, level_times_ns, sleep_stop_ns
from .table_frames import canonical_frame


def _numeric(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def _sleep_span(fit, levels: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of the sleep window: the sleep start/stop events, else the levels."""
    start, end = levels["timestamp"].iloc[0], levels["timestamp"].iloc[-1]
    events = fit.messages("event")
    if not events.empty and {"event_type", "timestamp"} <= set(events.columns):
        starts = events.loc[events["event_type"] == "start", "timestamp"].dropna()
        stops = events.loc[events["event_type"] == "stop", "timestamp"].dropna()
        if len(starts) and starts.iloc[0] <= start:
            start = starts.iloc[0]
        if len(stops) and stops.iloc[-1] >= end:
            end = stops.iloc[-1]
    return start, end


def raw_day_tables(day: DayFile, warn: Callable[[str], None]) -> dict[str, pd.DataFrame]:
    """The canonical tables the library assembles across files: daily samples and sleep stages.

    ``daily_samples`` are the file's day-level samples
    (:func:`~.garmin_samples.daily_sample_arrays`); ``sleep_stages`` are its
    stage intervals (:func:`~.garmin_stages.stage_arrays`) dated by this
    file's night (the local date of its last sleep time). Both are built in
    their canonical form (:func:`.table_frames.canonical_frame`) straight
    from the arrays. Empty tables are left out. ``warn`` receives a warning
    for a sleep file without local time.
    """
    fit = day.fit
    out: dict[str, pd.DataFrame] = {}
    t, kind, value = day.sample_arrays
    if t.size:
        samples = {"t_utc": t, "kind": kind, "value": value, "source": SOURCE}
        out["daily_samples"] = canonical_frame("daily_samples", samples, t.size)
    if not day.has_daily_messages:  # an activity: its UTC offset sample only
        return out
    starts, ends, stages = day.stage_arrays
    if not starts.size:
        return out
    offset = day.utc_offset_s
    if offset is None:
        warn(
            f"{fit.source}: no local time in this sleep file; "
            "its night is the UTC date of the wake-up"
        )
    wall_ns = _file_wake_ns(fit, starts, ends) + int(round((offset or 0.0) * 1e9))
    night = np.datetime64(wall_ns, "ns").astype("datetime64[D]").item()
    columns = {
        "night": night,
        "start_utc": starts,
        "end_utc": ends,
        "stage": stages,
        "source": SOURCE,
    }
    out["sleep_stages"] = canonical_frame("sleep_stages", columns, starts.size)
    return out


def _file_wake_ns(fit, starts: np.ndarray, ends: np.ndarray) -> int:
    """End of the file's sleep window [ns]: as :func:`_file_sleep_span`, without DataFrames."""
    levels = level_times_ns(fit) if has_sleep_levels(fit) else starts
    end = int(levels[-1]) if levels.size else int(starts.max())
    end = sleep_stop_ns(fit, end)
    return max(end, int(ends.max()))


def _file_sleep_span(fit, stages: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The file's sleep window (:func:`_sleep_span` of its levels), widened to its stages."""
    levels = fit.messages("sleep_level")
    if levels.empty or "sleep_level" not in levels or "timestamp" not in levels:
        levels = pd.DataFrame({"timestamp": stages["start_utc"]})  # raw epochs only (vivomove)
    levels = levels[levels["timestamp"].notna()].reset_index(drop=True)
    start, end = _sleep_span(fit, levels)
    return min(start, stages["start_utc"].min()), max(end, stages["end_utc"].max())


def sleep_table(day: DayFile, stages: pd.DataFrame | None) -> pd.DataFrame | None:
    """This file's night alone as a one-row ``sleep`` table, or ``None`` when it scores no sleep.

    From the sleep ``start`` event (else the first level) to the ``stop``
    event (else the last level), with the ``sleep_assessment`` awakenings and
    score. ``stages`` is the file's canonical ``sleep_stages`` table
    (:func:`raw_day_tables`).
    """
    fit = day.fit
    if stages is None or not stages["stage"].isin(["light", "deep", "rem", "asleep"]).any():
        return None
    start, end = _file_sleep_span(fit, stages)
    night = stages["night"].iloc[0]
    minutes = (stages["end_utc"] - stages["start_utc"]).dt.total_seconds() / 60.0
    per_stage = minutes.groupby(stages["stage"]).sum()
    asleep = float(sum(per_stage.get(s, 0.0) for s in ("light", "deep", "rem", "asleep")))
    in_bed = (end - start).total_seconds() / 60.0
    assessment = fit.messages("sleep_assessment")
    awakenings = _numeric(assessment, "awakenings_count").dropna()
    score = _numeric(assessment, "overall_sleep_score").dropna()
    if awakenings.empty:
        asleep_seen = stages["stage"].isin(["light", "deep", "rem", "asleep"]).cummax()
        awake_runs = (stages["stage"] == "awake") & asleep_seen
        awake_count = float(awake_runs.iloc[:-1].sum()) if len(stages) > 1 else 0.0
    else:
        awake_count = float(awakenings.iloc[0])
    return pd.DataFrame(
        {
            "night": [night],
            "start_utc": [start],
            "end_utc": [end],
            "asleep_min": asleep,
            "in_bed_min": in_bed,
            "deep_min": float(per_stage.get("deep", 0.0)),
            "light_min": float(per_stage.get("light", 0.0)),
            "rem_min": float(per_stage.get("rem", 0.0)),
            "awake_min": float(per_stage.get("awake", 0.0)),
            "awakenings": awake_count,
            "efficiency_pct": 100.0 * asleep / in_bed if in_bed > 0 else np.nan,
            "score": float(score.iloc[0]) if len(score) else np.nan,
            "source": SOURCE,
        }
    )


def wellness_table(day: DayFile) -> pd.DataFrame:
    """One row per local date of this file's samples (:func:`analyzer.devicedays.assemble_days`)."""
    if not day.has_daily_messages:  # an activity's UTC offset sample alone makes no day
        return pd.DataFrame()
    samples = day.samples
    if not has_day_values(samples["kind"]):  # e.g. a sleep file: offset and score samples only
        return pd.DataFrame()
    return assemble_days(samples, fallback=day.utc_offset_s)
