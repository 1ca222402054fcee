"""Sleep and wellness tables from Garmin sleep, monitoring and HRV-status FIT files.

Local dates: FIT stores UTC; the device's UTC offset comes from
:attr:`FitFile.utc_offset_s` (``activity``, else ``monitoring_info``, else
``timestamp_correlation`` local-minus-UTC), else from Garmin's undocumented
``sleep_data_info`` message (global 273: field 253 the UTC start, field 2 the
same instant on the local clock, field 1 the epoch length in seconds) that
``*_SLEEP_DATA.fit`` files carry. With none of them a night is the UTC date of
the wake-up, and a warning says so.

One file rarely holds a whole night or day: :mod:`.garmin_samples` and
:mod:`.garmin_stages` give the raw samples (``daily_samples`` and ``sleep_stages``
tables of the bundle) that
the library merges across files and assembles with
:mod:`analyzer.io.garmin_daily`. :func:`sleep_tables` and
:func:`wellness_table` are what this one file says on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.garmin_daily import assemble_days
from analyzer.io.garmin_days import has_day_values

from .garmin_samples import (
    daily_sample_arrays,
    daily_samples,
    file_utc_offset_s,
    has_daily_messages,
)
from .garmin_stages import has_sleep_levels, level_times_ns, sleep_stop_ns, stage_arrays
from .table_frames import canonical_frame

#: FIT ``sleep_level`` enum names -> canonical stage names (schema.SLEEP_STAGES).
STAGES = {
    "unmeasurable": "unmeasurable",
    "awake": "awake",
    "light": "light",
    "deep": "deep",
    "rem": "rem",
}
SOURCE = "garmin_fit"


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


def raw_day_tables(fit) -> dict[str, pd.DataFrame]:
    """The canonical tables the library assembles across files: daily samples and sleep stages.

    ``daily_samples`` are :func:`~.garmin_samples.daily_samples`;
    ``sleep_stages`` are :func:`~.garmin_stages.stage_intervals` dated by
    this file's night (the local date of its last sleep time). Both are
    built once, in their canonical form (:func:`.table_frames.canonical_frame`),
    from the arrays of :mod:`.garmin_samples` and :mod:`.garmin_stages`. Empty tables are left out.
    Computed once per file (cached on it).
    """
    cached = getattr(fit, "_garmin_raw_day_tables", None)
    if cached is None:
        cached = fit._garmin_raw_day_tables = _raw_day_tables(fit)
    return cached


def _raw_day_tables(fit) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    t, kind, value = daily_sample_arrays(fit)
    if t.size:
        samples = {"t_utc": t, "kind": kind, "value": value, "source": SOURCE}
        out["daily_samples"] = canonical_frame("daily_samples", samples, t.size)
    if not has_daily_messages(fit):  # an activity: its UTC offset sample only
        return out
    starts, ends, stages = stage_arrays(fit)
    if not starts.size:
        return out
    offset = file_utc_offset_s(fit)
    if offset is None:
        fit.warnings.append(
            f"{fit.source}: no local time in this sleep file; its night is the UTC date of the wake-up"
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


def sleep_tables(fit) -> dict[str, pd.DataFrame]:
    """One file's sleep: ``sleep_stages``, ``daily_samples`` and, for a sleep file, ``sleep``.

    The first two are :func:`raw_day_tables` (canonical tables). The one-row ``sleep`` table is
    this file's night alone: from the sleep ``start`` event (else the first
    level) to the ``stop`` event (else the last level), with the
    ``sleep_assessment`` awakenings and score; it is left out when the file
    scores no sleep.
    """
    out = dict(raw_day_tables(fit))
    stages = out.get("sleep_stages")
    if stages is None or not stages["stage"].isin(["light", "deep", "rem", "asleep"]).any():
        return out
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
    sleep = pd.DataFrame(
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
    out["sleep"] = sleep
    return out


def wellness_table(fit) -> pd.DataFrame:
    """One row per local date of this file's samples (:func:`analyzer.io.garmin_daily.assemble_days`)."""
    if not has_daily_messages(fit):  # an activity's UTC offset sample alone makes no day
        return pd.DataFrame()
    samples = daily_samples(fit)
    if not has_day_values(samples["kind"]):  # e.g. a sleep file: offset and score samples only
        return pd.DataFrame()
    offset = file_utc_offset_s(fit)
    return assemble_days(samples, fallback=offset)
