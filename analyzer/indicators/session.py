"""Per-session metrics from an activity row and its sample stream.

:func:`session_metrics` computes one session; :func:`sessions_table` computes every
session of an athlete and adds the habit comparison (:mod:`analyzer.indicators.habit`).
The session's ``load`` is the first available measure of ``params.load_priority``
(default TSS when power and FTP exist, else hrTSS when LTHR is known, else Banister
TRIMP, else session-RPE load); ``load_source`` records which one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analyzer.indicators import power as pw
from analyzer.indicators import stream, trimp
from analyzer.indicators.habit import add_habit_columns
from analyzer.indicators.params import DEFAULT_PARAMS, IndicatorParams
from analyzer.indicators.timezones import local_dates

N_HR_ZONES = 5
MOVING_SPEED_MPS = 0.5  # slower than this counts as stopped when no moving time is recorded

SESSION_COLUMNS = (
    "activity_id", "athlete_id", "sport", "start_utc", "local_date",
    "duration_s", "moving_s", "avg_heart_rate_bpm", "hr_reserve_fraction",
    "avg_power_w", "avg_speed_mps", "avg_temperature_c",
    "trimp_avg_hr_au", "trimp_samples_au", "trimp_au", "trimp_edwards_au", "trimp_lucia_au",
    *(f"hr_zone{z}_s" for z in range(1, N_HR_ZONES + 1)),
    "srpe_load_au", "np_w", "intensity_factor", "tss", "hrtss",
    "load", "load_source",
    "decoupling_pct", "decoupling_output", "cardiac_drift_pct", "hrr60_bpm", "hrr120_bpm",
    "habit_power_w", "habit_hr_reserve", "habit_speed_mps",
)

TEXT_COLUMNS = ("activity_id", "athlete_id", "sport", "local_date", "load_source", "decoupling_output")


def _num(value) -> float:
    """A float from a table cell; None, NA and text become NaN."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return out


def _stream(samples: pd.DataFrame | None, max_gap_s: float) -> dict[str, np.ndarray] | None:
    """Sorted stream arrays with time since start and the time credited to each sample."""
    if samples is None or len(samples) == 0:
        return None
    frame = samples.sort_values("t_utc", kind="stable")
    t_utc = pd.to_datetime(frame["t_utc"], utc=True)
    t_s = (t_utc - t_utc.iloc[0]).dt.total_seconds().to_numpy(dtype=float)
    gaps = np.diff(t_s)
    typical = float(np.median(gaps)) if gaps.size else 1.0
    dt = np.minimum(np.append(gaps, typical), max_gap_s)
    data = {"t_s": t_s, "dt_s": dt}
    for column in ("heart_rate_bpm", "power_w", "speed_mps", "temperature_c"):
        values = frame[column] if column in frame.columns else pd.Series(np.nan, index=frame.index)
        data[column] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return data


def _has(values: np.ndarray | None, fraction: float = 0.5) -> bool:
    return values is not None and values.size > 0 and np.isfinite(values).mean() >= fraction


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    valid = np.isfinite(values) & (weights > 0)
    if not valid.any():
        return float("nan")
    return float(np.average(values[valid], weights=weights[valid]))


def _durations(activity: Mapping, data) -> tuple[float, float]:
    duration = _num(activity.get("duration_s"))
    moving = _num(activity.get("moving_s"))
    if data is not None:
        if not np.isfinite(duration):
            duration = float(data["t_s"][-1] + data["dt_s"][-1])
        if not np.isfinite(moving):
            if _has(data["speed_mps"]):
                moving = float(data["dt_s"][data["speed_mps"] >= MOVING_SPEED_MPS].sum())
            else:
                moving = float(data["dt_s"].sum())
    if not np.isfinite(moving):
        moving = duration
    return duration, moving


def _heart_rate_metrics(out: dict, activity: Mapping, data, athlete: Mapping,
                        params: IndicatorParams) -> None:
    rest, hr_max = _num(athlete.get("hr_rest_bpm")), _num(athlete.get("hr_max_bpm"))
    sex = athlete.get("sex")
    variant = params.trimp_constants
    stream_hr = data is not None and _has(data["heart_rate_bpm"], 0.1)
    if stream_hr:
        out["avg_heart_rate_bpm"] = _weighted_mean(data["heart_rate_bpm"], data["dt_s"])
    else:
        out["avg_heart_rate_bpm"] = _num(activity.get("avg_heart_rate_bpm"))
    out["hr_reserve_fraction"] = trimp.hr_reserve_fraction(out["avg_heart_rate_bpm"], rest, hr_max)
    out["trimp_avg_hr_au"] = trimp.banister_trimp(
        out["moving_s"] / 60.0, out["avg_heart_rate_bpm"], rest, hr_max, sex, variant)
    zones = np.full(N_HR_ZONES, np.nan)
    out["trimp_samples_au"] = out["trimp_lucia_au"] = float("nan")
    if stream_hr:
        hr, dt = data["heart_rate_bpm"], data["dt_s"]
        out["trimp_samples_au"] = trimp.banister_trimp_samples(dt, hr, rest, hr_max, sex, variant)
        if np.isfinite(hr_max):
            zones = trimp.hr_zone_seconds(dt, hr, hr_max, params.hr_zone_bounds_pct_max)
        if params.lucia_vt1_bpm is not None and params.lucia_vt2_bpm is not None:
            phases = trimp.lucia_phase_minutes(dt, hr, params.lucia_vt1_bpm, params.lucia_vt2_bpm)
            out["trimp_lucia_au"] = trimp.lucia_trimp(phases)
    for z in range(N_HR_ZONES):
        out[f"hr_zone{z + 1}_s"] = float(zones[z])
    out["trimp_edwards_au"] = trimp.edwards_trimp(zones / 60.0)
    use_samples = params.trimp_form == "samples" and np.isfinite(out["trimp_samples_au"])
    out["trimp_au"] = out["trimp_samples_au"] if use_samples else out["trimp_avg_hr_au"]
    out["hrtss"] = trimp.hr_tss(out["trimp_au"], _num(athlete.get("lthr_bpm")), rest, hr_max,
                                sex, variant)


def _power_metrics(out: dict, activity: Mapping, data, athlete: Mapping,
                   params: IndicatorParams) -> None:
    out["np_w"] = out["intensity_factor"] = out["tss"] = float("nan")
    out["avg_power_w"] = _num(activity.get("avg_power_w"))
    if data is None or not _has(data["power_w"], 0.1):
        return
    if not np.isfinite(out["avg_power_w"]):
        out["avg_power_w"] = _weighted_mean(data["power_w"], data["dt_s"])
    regular = pw.resample_regular(data["t_s"], data["power_w"], 1.0, params.sample_max_gap_s)
    out["np_w"] = pw.normalized_power(regular, 1.0, params.np_window_s, params.np_warmup)
    ftp = _num(athlete.get("ftp_w"))
    out["intensity_factor"] = pw.intensity_factor(out["np_w"], ftp)
    if np.isfinite(out["intensity_factor"]):
        out["tss"] = pw.training_stress_score(out["moving_s"], out["np_w"], ftp)


def _stream_metrics(out: dict, data, params: IndicatorParams) -> None:
    out["decoupling_pct"] = out["cardiac_drift_pct"] = float("nan")
    out["decoupling_output"] = None
    out["hrr60_bpm"] = out["hrr120_bpm"] = float("nan")
    if data is None or not _has(data["heart_rate_bpm"], 0.1):
        return
    kind = "power" if _has(data["power_w"]) else "speed" if _has(data["speed_mps"]) else None
    output = data["power_w"] if kind == "power" else data["speed_mps"] if kind else None
    if output is not None:
        halves = stream.steady_halves(data["t_s"], data["heart_rate_bpm"], output,
                                      params.decoupling_warmup_s, params.decoupling_min_s)
        if halves is not None:
            hr1, out1, hr2, out2 = halves
            out["decoupling_pct"] = stream.decoupling_pct(out1, hr1, out2, hr2)
            out["decoupling_output"] = kind
            out["cardiac_drift_pct"] = stream.cardiac_drift_pct(hr1, hr2)
    for delay, key in ((params.hrr_delay_s, "hrr60_bpm"), (2 * params.hrr_delay_s, "hrr120_bpm")):
        out[key] = stream.heart_rate_recovery_bpm(
            data["t_s"], data["heart_rate_bpm"], delay, output, params.sample_max_gap_s)


def _choose_load(out: dict, params: IndicatorParams) -> None:
    candidates = {"tss": out["tss"], "hrtss": out["hrtss"], "trimp": out["trimp_au"],
                  "srpe": out["srpe_load_au"]}
    for source in params.load_priority:
        value = candidates[source]
        if value is not None and np.isfinite(value):
            out["load"], out["load_source"] = float(value), source
            return
    out["load"], out["load_source"] = float("nan"), None


def session_metrics(activity: Mapping, samples: pd.DataFrame | None, athlete: Mapping,
                    params: IndicatorParams = DEFAULT_PARAMS) -> dict:
    """Metrics of one session.

    Parameters
    ----------
    activity : Mapping or pandas.Series
        One row of the canonical ``activities`` table.
    samples : pandas.DataFrame or None
        The session's rows of the canonical ``samples`` table (any order).
    athlete : Mapping or pandas.Series
        One row of the canonical ``athletes`` table (``hr_rest_bpm``, ``hr_max_bpm``,
        ``lthr_bpm``, ``ftp_w``, ``sex``, ``timezone``).
    params : IndicatorParams
        Conventions.

    Returns
    -------
    dict
        Keys of :data:`SESSION_COLUMNS` except the ``*_rel_habit`` ones (those need the
        athlete's history, see :func:`sessions_table`). TRIMPs [AU], durations [s], HR
        zones [s] (Edwards' %HRmax zones), NP [W], TSS/hrTSS [TSS points], decoupling and
        drift [%], HRR [bpm], temperature [°C].
    """
    out = _summary_metrics(activity, samples, athlete, params)
    out["local_date"] = local_dates(pd.Series([out["start_utc"]]), pd.Series([out["utc_offset_s"]]),
                                    athlete.get("timezone")).iloc[0]
    del out["utc_offset_s"]
    return out


def _summary_metrics(activity: Mapping, samples: pd.DataFrame | None, athlete: Mapping,
                     params: IndicatorParams) -> dict:
    """:func:`session_metrics` without the local date (computed for many sessions at once)."""
    data = _stream(samples, params.sample_max_gap_s)
    out: dict = {key: activity.get(key) for key in ("activity_id", "athlete_id", "sport")}
    out["start_utc"] = pd.Timestamp(activity.get("start_utc"))
    if pd.isna(out["start_utc"]) and data is not None:
        out["start_utc"] = pd.Timestamp(samples["t_utc"].min())
    out["utc_offset_s"] = _num(activity.get("utc_offset_s"))
    out["duration_s"], out["moving_s"] = _durations(activity, data)
    _heart_rate_metrics(out, activity, data, athlete, params)
    _power_metrics(out, activity, data, athlete, params)
    _stream_metrics(out, data, params)
    rpe = _num(activity.get("rpe"))
    out["srpe_load_au"] = trimp.session_rpe_load(rpe, out["duration_s"] / 60.0)
    _choose_load(out, params)
    out["avg_speed_mps"] = _num(activity.get("avg_speed_mps"))
    if not np.isfinite(out["avg_speed_mps"]) and data is not None and _has(data["speed_mps"], 0.1):
        moving = data["speed_mps"] >= MOVING_SPEED_MPS
        out["avg_speed_mps"] = _weighted_mean(data["speed_mps"][moving], data["dt_s"][moving])
    out["avg_temperature_c"] = _num(activity.get("avg_temperature_c"))
    if data is not None and _has(data["temperature_c"], 0.1):
        out["avg_temperature_c"] = _weighted_mean(data["temperature_c"], data["dt_s"])
    out["habit_power_w"] = out["np_w"] if np.isfinite(out["np_w"]) else out["avg_power_w"]
    out["habit_hr_reserve"] = out["hr_reserve_fraction"]
    out["habit_speed_mps"] = out["avg_speed_mps"]
    return out


def _samples_lookup(samples) -> Mapping:
    if samples is None:
        return {}
    if isinstance(samples, Mapping):
        return samples
    if len(samples) == 0:
        return {}
    return {key: group for key, group in samples.groupby("activity_id", sort=False)}


def sessions_table(activities: pd.DataFrame, samples, athlete: Mapping,
                   params: IndicatorParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Metrics of every session, with load and intensity/duration relative to habit.

    Parameters
    ----------
    activities : pandas.DataFrame
        Canonical ``activities`` rows of one athlete.
    samples : pandas.DataFrame, Mapping of activity_id to DataFrame, or None
        Canonical ``samples`` rows (all sessions in one frame, or one frame per session).
    athlete : Mapping or pandas.Series
        The athlete's row.
    params : IndicatorParams

    Returns
    -------
    pandas.DataFrame
        One row per activity (sorted by ``start_utc``, then ``activity_id``), columns
        :data:`SESSION_COLUMNS` plus ``intensity_rel_habit``, ``duration_rel_habit``
        and ``habit_intensity_metric`` (see :func:`analyzer.indicators.habit.add_habit_columns`).
        ``attrs["indicator_params"]`` records the conventions.
    """
    lookup = _samples_lookup(samples)
    rows = [
        _summary_metrics(activity, lookup.get(activity.get("activity_id")), athlete, params)
        for activity in (activities.to_dict("records") if activities is not None else [])
    ]
    table = pd.DataFrame(rows, columns=[*SESSION_COLUMNS, "utc_offset_s"])
    table["start_utc"] = pd.to_datetime(table["start_utc"], utc=True).astype("datetime64[ns, UTC]")
    table["local_date"] = local_dates(table["start_utc"], table["utc_offset_s"], athlete.get("timezone"))
    table = table[list(SESSION_COLUMNS)]
    numeric = [c for c in SESSION_COLUMNS if c not in TEXT_COLUMNS and c != "start_utc"]
    table = table.astype({**dict.fromkeys(numeric, "float64"), **dict.fromkeys(TEXT_COLUMNS, object)})
    table = table.sort_values(["start_utc", "activity_id"], kind="stable").reset_index(drop=True)
    table = add_habit_columns(table, params)
    table.attrs["indicator_params"] = params.as_dict()
    return table
