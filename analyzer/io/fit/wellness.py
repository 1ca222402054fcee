"""Sleep and wellness tables from Garmin sleep, monitoring and HRV-status FIT files.

Local dates: FIT stores UTC; the device's UTC offset comes from
:attr:`FitFile.utc_offset_s` (``activity``, else ``monitoring_info``, else
``timestamp_correlation`` local-minus-UTC). Garmin ``*_SLEEP_DATA.fit`` files
carry none of these: their night is then the UTC date of the wake-up, and a
warning says so. Nights spread over several files are assembled elsewhere
(issue 9); this module reports what one file holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: FIT ``sleep_level`` enum names -> canonical stage names (schema.SLEEP_STAGES).
STAGES = {"unmeasurable": "unmeasurable", "awake": "awake", "light": "light", "deep": "deep", "rem": "rem"}
SOURCE = "garmin_fit"


def _local_dates(times: pd.Series, offset_s: float | None) -> pd.Series:
    shifted = times.dt.tz_convert("UTC").dt.tz_localize(None) + pd.to_timedelta(offset_s or 0.0, unit="s")
    return shifted.dt.date


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


def sleep_tables(fit) -> dict[str, pd.DataFrame]:
    """``sleep_stages`` (one row per sleep level) and ``sleep`` (one row) of a sleep file."""
    levels = fit.messages("sleep_level")
    if levels.empty or "sleep_level" not in levels or "timestamp" not in levels:
        return {}
    levels = levels[levels["timestamp"].notna()].reset_index(drop=True)
    if levels.empty:
        return {}
    start, end = _sleep_span(fit, levels)
    stage_end = levels["timestamp"].shift(-1)
    stage_end.iloc[-1] = max(end, levels["timestamp"].iloc[-1])
    offset = fit.utc_offset_s
    if offset is None:
        fit.warnings.append(
            f"{fit.source}: no local time in this sleep file; its night is the UTC date of the wake-up"
        )
    night = _local_dates(pd.Series([end]), offset).iloc[0]
    stage = levels["sleep_level"].map(lambda v: STAGES.get(v) if isinstance(v, str) else None)
    stages = pd.DataFrame(
        {
            "night": night,
            "start_utc": levels["timestamp"],
            "end_utc": stage_end,
            "stage": stage,
            "source": SOURCE,
        }
    )
    stages = stages[stages["stage"].notna()].reset_index(drop=True)
    minutes = (stages["end_utc"] - stages["start_utc"]).dt.total_seconds() / 60.0
    per_stage = minutes.groupby(stages["stage"]).sum()
    asleep = float(sum(per_stage.get(s, 0.0) for s in ("light", "deep", "rem")))
    in_bed = (end - start).total_seconds() / 60.0
    assessment = fit.messages("sleep_assessment")
    awakenings = _numeric(assessment, "awakenings_count").dropna()
    score = _numeric(assessment, "overall_sleep_score").dropna()
    if awakenings.empty:
        asleep_seen = stages["stage"].isin(["light", "deep", "rem"]).cummax()
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
    return {"sleep_stages": stages, "sleep": sleep}


def _daily(frame: pd.DataFrame, value: pd.Series, offset, how: str) -> pd.Series:
    ok = frame["timestamp"].notna() & value.notna()
    if not ok.any():
        return pd.Series(dtype="float64")
    dates = _local_dates(frame.loc[ok, "timestamp"], offset)
    return value[ok].groupby(dates.to_numpy()).agg(how)


def _steps(fit, offset) -> pd.Series:
    """Daily steps: Garmin ``monitoring.steps`` counts up per activity type within a local day."""
    mon = fit.messages("monitoring")
    if mon.empty or "steps" not in mon or "timestamp" not in mon:
        return pd.Series(dtype="float64")
    steps = _numeric(mon, "steps")
    ok = mon["timestamp"].notna() & steps.notna()
    if not ok.any():
        return pd.Series(dtype="float64")
    dates = _local_dates(mon.loc[ok, "timestamp"], offset).to_numpy()
    kind = mon.loc[ok, "activity_type"].astype(str).to_numpy() if "activity_type" in mon else "all"
    per_kind = pd.DataFrame({"date": dates, "kind": kind, "steps": steps[ok].to_numpy()})
    return per_kind.groupby(["date", "kind"])["steps"].max().groupby(level="date").sum()


def wellness_table(fit) -> pd.DataFrame:
    """One row per local date with resting HR, overnight HRV, stress and steps.

    * ``resting_hr_bpm``: ``monitoring_hr_data.resting_heart_rate``
      (``current_day_resting_heart_rate`` where that is missing), last of the day;
    * ``hrv_rmssd_ms``: ``hrv_status_summary.last_night_average``, else the
      mean of the 5-minute ``hrv_value.value`` (dated by local date of the end);
    * ``stress_avg``: mean ``stress_level.stress_level_value`` over valid
      (0-100) readings; negative values are Garmin's "no reading" codes;
    * ``steps``: see :func:`_steps`.
    """
    offset = fit.utc_offset_s
    series: dict[str, pd.Series] = {}
    hr_data = fit.messages("monitoring_hr_data")
    if not hr_data.empty and "timestamp" in hr_data:
        resting = _numeric(hr_data, "resting_heart_rate").fillna(_numeric(hr_data, "current_day_resting_heart_rate"))
        series["resting_hr_bpm"] = _daily(hr_data, resting, offset, "last")
    summary = fit.messages("hrv_status_summary")
    values = fit.messages("hrv_value")
    if not summary.empty and "timestamp" in summary:
        series["hrv_rmssd_ms"] = _daily(summary, _numeric(summary, "last_night_average"), offset, "last")
    elif not values.empty and "timestamp" in values:
        value = _numeric(values, "value")
        last_date = _local_dates(values["timestamp"].dropna().iloc[[-1]], offset).iloc[0]
        series["hrv_rmssd_ms"] = pd.Series({last_date: value.mean()}) if value.notna().any() else pd.Series(dtype="float64")
    stress = fit.messages("stress_level")
    if not stress.empty and "stress_level_time" in stress:
        level = _numeric(stress, "stress_level_value")
        level = level.where((level >= 0) & (level <= 100))
        frame = stress.rename(columns={"timestamp": "_ts", "stress_level_time": "timestamp"})
        series["stress_avg"] = _daily(frame, level, offset, "mean")
    series["steps"] = _steps(fit, offset)
    series = {k: v for k, v in series.items() if len(v.dropna())}
    if not series:
        return pd.DataFrame()
    table = pd.DataFrame(series)
    table.index.name = "date"
    table = table.reset_index()
    table["source"] = SOURCE
    return table
