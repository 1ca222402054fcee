"""Per-session metrics from an activity row and its sample stream.

:func:`sessions_table` computes every session of an athlete at once (column arithmetic over
the activities and ``numpy.bincount`` over all samples, see
:mod:`analyzer.indicators.session_streams`) and adds the habit comparison
(:mod:`analyzer.indicators.habit`); :func:`session_metrics` is the same for one session.
The session's ``load`` is the first available measure of ``params.load_priority``
(default TSS when power and FTP exist, else hrTSS when LTHR is known, else Banister
TRIMP, else session-RPE load); ``load_source`` records which one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analyzer.indicators import power as pw
from analyzer.indicators import trimp
from analyzer.indicators.columns import numeric_column
from analyzer.indicators.habit import add_habit_columns
from analyzer.indicators.params import DEFAULT_PARAMS, IndicatorParams
from analyzer.indicators.session_streams import (
    StreamSet,
    banister_trimp_per_session,
    stream_metrics,
)
from analyzer.timebase import local_dates

N_HR_ZONES = 5

SESSION_COLUMNS = (
    "activity_id",
    "athlete_id",
    "sport",
    "start_utc",
    "local_date",
    "duration_s",
    "moving_s",
    "avg_heart_rate_bpm",
    "hr_reserve_fraction",
    "avg_power_w",
    "avg_speed_mps",
    "avg_temperature_c",
    "trimp_avg_hr_au",
    "trimp_samples_au",
    "trimp_au",
    "trimp_edwards_au",
    "trimp_lucia_au",
    *(f"hr_zone{z}_s" for z in range(1, N_HR_ZONES + 1)),
    "srpe_load_au",
    "np_w",
    "dropped_power_readings",
    "intensity_factor",
    "tss",
    "hrtss",
    "load",
    "load_source",
    "decoupling_pct",
    "decoupling_output",
    "cardiac_drift_pct",
    "hrr60_bpm",
    "hrr120_bpm",
    "habit_power_w",
    "habit_hr_reserve",
    "habit_speed_mps",
)

TEXT_COLUMNS = (
    "activity_id",
    "athlete_id",
    "sport",
    "local_date",
    "load_source",
    "decoupling_output",
)


def _number(value) -> float:
    """A float from a scalar setting (None, NA and text become NaN)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _prefer(first: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(first), first, fallback)


def _durations(acts: pd.DataFrame, streams: StreamSet) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed and moving time: the device's values, else from the stream, else each other."""
    duration = _prefer(numeric_column(acts, "duration_s"), streams.duration_s())
    moving = _prefer(_prefer(numeric_column(acts, "moving_s"), streams.moving_s()), duration)
    return duration, moving


def _heart_rate_columns(
    out: dict, acts: pd.DataFrame, streams: StreamSet, athlete: Mapping, params: IndicatorParams
) -> None:
    rest, hr_max = _number(athlete.get("hr_rest_bpm")), _number(athlete.get("hr_max_bpm"))
    sex, variant = athlete.get("sex"), params.trimp_constants
    a, b = trimp.trimp_constants(sex, variant)
    has_hr = streams.has("heart_rate_bpm")
    out["avg_heart_rate_bpm"] = np.where(
        has_hr, streams.time_mean("heart_rate_bpm"), numeric_column(acts, "avg_heart_rate_bpm")
    )
    x = np.asarray(trimp.hr_reserve_fraction(out["avg_heart_rate_bpm"], rest, hr_max), dtype=float)
    out["hr_reserve_fraction"] = x
    out["trimp_avg_hr_au"] = out["moving_s"] / 60.0 * trimp.banister_weight(x, a, b)
    out["trimp_samples_au"] = banister_trimp_per_session(streams, rest, hr_max, sex, variant)
    zones = np.where(
        has_hr[:, None], streams.zone_seconds(hr_max, params.hr_zone_bounds_pct_max), np.nan
    )
    if not np.isfinite(hr_max):
        zones[:] = np.nan
    for z in range(N_HR_ZONES):
        out[f"hr_zone{z + 1}_s"] = zones[:, z]
    out["trimp_edwards_au"] = zones @ np.asarray(trimp.EDWARDS_WEIGHTS) / 60.0
    out["trimp_lucia_au"] = np.full(len(acts), np.nan)
    if params.lucia_vt1_bpm is not None and params.lucia_vt2_bpm is not None:
        phases = streams.zone_seconds(100.0, (0.0, params.lucia_vt1_bpm, params.lucia_vt2_bpm))
        out["trimp_lucia_au"] = np.where(
            has_hr, phases @ np.asarray(trimp.LUCIA_WEIGHTS) / 60.0, np.nan
        )
    use_samples = (params.trimp_form == "samples") & np.isfinite(out["trimp_samples_au"])
    out["trimp_au"] = np.where(use_samples, out["trimp_samples_au"], out["trimp_avg_hr_au"])
    out["hrtss"] = trimp.hr_tss(
        out["trimp_au"], _number(athlete.get("lthr_bpm")), rest, hr_max, sex, variant
    )


def _power_columns(
    out: dict, acts: pd.DataFrame, streams: StreamSet, metrics: pd.DataFrame, athlete: Mapping
) -> None:
    has_power = streams.has("power_w")
    out["avg_power_w"] = _prefer(
        numeric_column(acts, "avg_power_w"),
        np.where(has_power, streams.time_mean("power_w"), np.nan),
    )
    out["np_w"] = metrics["np_w"].to_numpy(dtype=float)
    out["dropped_power_readings"] = streams.dropped_power.astype(float)
    ftp = _number(athlete.get("ftp_w"))
    out["intensity_factor"] = pw.intensity_factor(out["np_w"], ftp)
    out["tss"] = pw.training_stress_score(out["moving_s"], out["np_w"], ftp)


def _choose_load(out: dict, params: IndicatorParams) -> None:
    """``load`` = the first finite measure of ``params.load_priority``; ``load_source`` names it."""
    candidates = {
        "tss": out["tss"],
        "hrtss": out["hrtss"],
        "trimp": out["trimp_au"],
        "srpe": out["srpe_load_au"],
    }
    n = len(out["tss"])
    load, source = np.full(n, np.nan), np.full(n, None, dtype=object)
    for name in params.load_priority:
        take = np.isnan(load) & np.isfinite(candidates[name])
        load[take], source[take] = candidates[name][take], name
    out["load"], out["load_source"] = load, source


def _metrics_table(
    acts: pd.DataFrame, samples, athlete: Mapping, params: IndicatorParams
) -> pd.DataFrame:
    """Every column of :data:`SESSION_COLUMNS`, one row per row of ``acts``."""
    streams = StreamSet.of_sessions(acts, samples, params.sample_max_gap_s)
    metrics = stream_metrics(streams, params)
    out: dict[str, object] = {
        name: acts[name].to_numpy(dtype=object)
        if name in acts.columns
        else np.full(len(acts), None, dtype=object)
        for name in ("activity_id", "athlete_id", "sport")
    }
    out["start_utc"] = pd.to_datetime(acts["start_utc"], utc=True).to_numpy()
    out["duration_s"], out["moving_s"] = _durations(acts, streams)
    _heart_rate_columns(out, acts, streams, athlete, params)
    _power_columns(out, acts, streams, metrics, athlete)
    out["srpe_load_au"] = numeric_column(acts, "rpe") * out["duration_s"] / 60.0
    _choose_load(out, params)
    for name in (
        "decoupling_pct",
        "decoupling_output",
        "cardiac_drift_pct",
        "hrr60_bpm",
        "hrr120_bpm",
    ):
        out[name] = metrics[name].to_numpy()
    moving = streams.values["speed_mps"] >= 0.5
    stream_speed = np.where(
        streams.has("speed_mps"), streams.time_mean("speed_mps", moving), np.nan
    )
    out["avg_speed_mps"] = _prefer(numeric_column(acts, "avg_speed_mps"), stream_speed)
    out["avg_temperature_c"] = np.where(
        streams.has("temperature_c"),
        streams.time_mean("temperature_c"),
        numeric_column(acts, "avg_temperature_c"),
    )
    out["habit_power_w"] = _prefer(out["np_w"], out["avg_power_w"])
    out["habit_hr_reserve"] = out["hr_reserve_fraction"]
    out["habit_speed_mps"] = out["avg_speed_mps"]
    offsets = pd.Series(numeric_column(acts, "utc_offset_s"))
    out["local_date"] = local_dates(
        pd.Series(out["start_utc"]), athlete.get("timezone"), offsets
    ).to_numpy()
    table = pd.DataFrame({name: out[name] for name in SESSION_COLUMNS})
    numeric = [c for c in SESSION_COLUMNS if c not in TEXT_COLUMNS and c != "start_utc"]
    table["start_utc"] = pd.to_datetime(table["start_utc"], utc=True).astype("datetime64[ns, UTC]")
    return table.astype(
        {**dict.fromkeys(numeric, "float64"), **dict.fromkeys(TEXT_COLUMNS, object)}
    )


def session_metrics(
    activity: Mapping,
    samples: pd.DataFrame | None,
    athlete: Mapping,
    params: IndicatorParams = DEFAULT_PARAMS,
) -> dict:
    """Metrics of one session.

    Parameters
    ----------
    activity : Mapping or pandas.Series
        One row of the canonical ``activities`` table.
    samples : pandas.DataFrame or None
        The session's rows of the canonical ``samples`` table (any order; their
        ``activity_id`` is taken to be the activity's).
    athlete : Mapping or pandas.Series
        One row of the canonical ``athletes`` table (``hr_rest_bpm``, ``hr_max_bpm``,
        ``lthr_bpm``, ``ftp_w``, ``sex``, ``timezone``).
    params : IndicatorParams
        Conventions.

    Returns
    -------
    dict
        Keys of :data:`SESSION_COLUMNS` (the comparison with the habit needs the athlete's
        history, see :func:`sessions_table`). TRIMPs [AU], durations [s], HR zones [s]
        (Edwards' %HRmax zones), NP [W], TSS/hrTSS [TSS points] (TSS on moving time),
        ``dropped_power_readings`` (implausible power readings left out,
        :mod:`analyzer.indicators.plausible`), sRPE [AU] (RPE × elapsed minutes), decoupling
        and drift [%], HRR [bpm], temperature [°C].
    """
    row = dict(activity)
    row["activity_id"] = str(row.get("activity_id") or "session")
    if pd.isna(row.get("start_utc")) and samples is not None and len(samples):
        row["start_utc"] = pd.to_datetime(samples["t_utc"], utc=True).min()
    frame = pd.DataFrame([row])
    streams = None if samples is None else {row["activity_id"]: samples}
    return _metrics_table(frame, streams, athlete, params).iloc[0].to_dict()


def sessions_table(
    activities: pd.DataFrame, samples, athlete: Mapping, params: IndicatorParams = DEFAULT_PARAMS
) -> pd.DataFrame:
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
        :data:`SESSION_COLUMNS` (see :func:`session_metrics`) plus ``intensity_rel_habit``,
        ``duration_rel_habit`` and ``habit_intensity_metric``
        (see :func:`analyzer.indicators.habit.add_habit_columns`).
        ``attrs["indicator_params"]`` records the conventions.
    """
    if activities is None:
        activities = pd.DataFrame(columns=["activity_id", "start_utc"])
    table = _metrics_table(activities, samples, athlete, params)
    table = table.sort_values(["start_utc", "activity_id"], kind="stable").reset_index(drop=True)
    table = add_habit_columns(table, params)
    table.attrs["indicator_params"] = params.as_dict()
    return table
