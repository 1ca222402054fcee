"""The daily table: one row per local date of the athlete with every daily indicator.

Rules, so that a value on day d could have been known on day d and a gap in the record is
never taken for rest:

* Days are the athlete's local calendar days; sessions carry their ``local_date`` (device UTC
  offset, else the athlete's IANA zone); a night belongs to its local wake-up date. Both rules
  are :mod:`analyzer.timebase`'s.
* Missing is not zero. A day with sessions has the sum of their known loads; a day without
  sessions is a rest day (load 0) when the athlete's devices recorded something else that day
  (sleep or wellness) -- or, with ``rest_day_rule="activity_span"``, on every day after the
  first session -- and is missing (NaN) otherwise. ``coverage`` says which data exist.
* No look-ahead: every value on day d depends only on data of days <= d; baselines exclude
  the current day (``shift(1)``) and are NaN until warmed up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analyzer.indicators import acwr, monotony, overlap, pmc, recovery, streaks
from analyzer.indicators import sleep as sleep_mod
from analyzer.indicators.columns import numeric_column
from analyzer.indicators.habit import add_habit_columns
from analyzer.indicators.params import DEFAULT_PARAMS, LOAD_SOURCES, IndicatorParams
from analyzer.timebase import local_days, to_days

DAILY_COLUMNS = (
    "date",
    "coverage",
    "session_count",
    "duration_s",
    "load",
    "load_source",
    "trimp_au",
    "ctl",
    "atl",
    "tsb",
    "ramp_rate",
    "acute_ewma",
    "chronic_ewma",
    "acwr_ewma",
    "acwr_rolling_coupled",
    "acwr_rolling_uncoupled",
    "monotony",
    "strain",
    "hard_day",
    "consecutive_hard_days",
    "days_since_rest",
    "intensity_rel_habit",
    "duration_rel_habit",
    "avg_temperature_c",
    "sleep_asleep_min",
    "sleep_in_bed_min",
    "sleep_efficiency_pct",
    "sleep_debt_7n_h",
    "sleep_debt_net_7n_h",
    "sleep_debt_14n_h",
    "sleep_debt_net_14n_h",
    "resting_hr_bpm",
    "resting_hr_baseline_bpm",
    "resting_hr_baseline_sd_bpm",
    "resting_hr_z",
    "hrv_rmssd_ms",
    "hrv_lnrmssd",
    "hrv_lnrmssd_7d",
    "hrv_lnrmssd_baseline",
    "hrv_lnrmssd_baseline_sd",
    "hrv_lnrmssd_z",
    "hrv_below_swc",
)


class _ByDay:
    """Per-date reductions of per-session values with numpy (no pandas groupby)."""

    def __init__(self, day: np.ndarray) -> None:
        self.valid = ~np.isnat(day)
        self.dates, self.group = np.unique(day[self.valid], return_inverse=True)
        self.n = self.dates.size

    @property
    def index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.dates.astype("datetime64[ns]"), name="date")

    def count(self) -> np.ndarray:
        return np.bincount(self.group, minlength=self.n).astype(float)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Sum of the known values; NaN when none is known."""
        values = values[self.valid]
        known = np.isfinite(values)
        sums = np.bincount(self.group, weights=np.where(known, values, 0.0), minlength=self.n)
        return np.where(np.bincount(self.group, weights=known, minlength=self.n) > 0, sums, np.nan)

    def largest(self, values: np.ndarray) -> np.ndarray:
        out = np.full(self.n, np.nan)
        np.fmax.at(out, self.group, values[self.valid])
        return out

    def weighted_mean(self, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Mean of the known values weighted by ``weights`` (NaN weight counts as 1)."""
        weights = np.where(np.isfinite(values), np.nan_to_num(weights, nan=1.0), 0.0)
        weight_sum = self.total(weights)
        weighted = self.total(np.nan_to_num(values) * weights)
        return np.where(
            weight_sum > 0, weighted / np.where(weight_sum > 0, weight_sum, 1.0), np.nan
        )

    def labels(self, values: np.ndarray, names) -> np.ndarray:
        """``"a+b"`` labels of which ``names`` occur among each date's values."""
        values = values[self.valid]
        flags = np.column_stack(
            [
                np.bincount(self.group, weights=values == name, minlength=self.n) > 0
                for name in names
            ]
        )
        return _join_flags(flags, names)


def _session_days(
    sessions: pd.DataFrame | None, athlete: Mapping, params: IndicatorParams
) -> pd.DataFrame:
    """Per-date aggregates of the sessions, indexed by ``datetime64`` dates."""
    columns = [
        "session_count",
        "duration_s",
        "load",
        "load_source",
        "trimp_au",
        "intensity_rel_habit",
        "duration_rel_habit",
        "avg_temperature_c",
    ]
    if sessions is None or len(sessions) == 0:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="date"))
    frame = sessions
    if "intensity_rel_habit" not in frame.columns or "duration_rel_habit" not in frame.columns:
        frame = add_habit_columns(frame, params)
    if "local_date" in frame.columns:
        day = to_days(frame["local_date"])
    else:
        offsets = frame["utc_offset_s"] if "utc_offset_s" in frame.columns else None
        day = local_days(frame["start_utc"], athlete.get("timezone"), offsets)
    by_day = _ByDay(day)
    sources = (
        frame["load_source"].to_numpy(dtype=object)
        if "load_source" in frame.columns
        else np.full(len(frame), None, dtype=object)
    )
    groups, training_s = _session_overlaps(frame, day)
    out = pd.DataFrame(
        {
            "session_count": by_day.total((~pd.Series(groups).duplicated()).to_numpy(float)),
            "duration_s": by_day.total(training_s),
            "load": by_day.total(overlap.largest_per_group(numeric_column(frame, "load"), groups)),
            "load_source": by_day.labels(sources, LOAD_SOURCES),
            "trimp_au": by_day.total(
                overlap.largest_per_group(numeric_column(frame, "trimp_au"), groups)
            ),
            "intensity_rel_habit": by_day.largest(numeric_column(frame, "intensity_rel_habit")),
            "duration_rel_habit": by_day.largest(numeric_column(frame, "duration_rel_habit")),
            "avg_temperature_c": by_day.weighted_mean(
                numeric_column(frame, "avg_temperature_c"), numeric_column(frame, "duration_s")
            ),
        },
        index=by_day.index,
    )
    return out[columns]


def _session_overlaps(frame: pd.DataFrame, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each session's overlap group on its day, and its training seconds.

    Sessions overlapping in time (a multisport file's overall session and its legs, one
    recording imported twice) are one effort (:mod:`analyzer.indicators.overlap`): the day
    counts a group as one session, with the largest load and TRIMP of its members, and
    their common minutes once (each session's duration less the time an earlier session
    of its day already covers). A session of unknown start is a group of its own and keeps
    its own duration.
    """
    duration = numeric_column(frame, "duration_s")
    if "start_utc" not in frame.columns:
        return np.arange(len(frame)), duration
    start_s, end_s = overlap.interval_bounds_s(frame["start_utc"], duration)
    groups, exclusive = overlap.groups_and_exclusive_seconds(start_s, end_s, day)
    return groups, np.where(np.isfinite(exclusive), exclusive, duration)


def _join_flags(flags: np.ndarray, names) -> np.ndarray:
    """``"tss+trimp"``-style labels from a boolean matrix (rows x names); None where none is set."""
    codes = np.asarray(flags, dtype=np.int64).reshape(len(flags), len(names)) @ (
        1 << np.arange(len(names))
    )
    labels = np.empty(codes.size, dtype=object)
    for code in np.unique(codes):
        parts = [name for j, name in enumerate(names) if code >> j & 1]
        labels[codes == code] = "+".join(parts) if parts else None
    return labels


def _wellness_days(wellness: pd.DataFrame | None) -> pd.DataFrame:
    """Per-date medians of resting HR and nightly RMSSD over the wellness sources."""
    columns = ["resting_hr_bpm", "hrv_rmssd_ms", "wellness_rows"]
    if wellness is None or len(wellness) == 0:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="date"), dtype=float)
    frame = pd.DataFrame(
        {
            "date": to_days(wellness["date"]).astype("datetime64[ns]"),
            "resting_hr_bpm": numeric_column(wellness, "resting_hr_bpm"),
            "hrv_rmssd_ms": numeric_column(wellness, "hrv_rmssd_ms"),
        }
    )
    frame.loc[frame["resting_hr_bpm"] <= 0, "resting_hr_bpm"] = np.nan  # vendors write 0 for "none"
    frame.loc[frame["hrv_rmssd_ms"] <= 0, "hrv_rmssd_ms"] = np.nan
    frame = frame[frame["date"].notna()]
    if frame["date"].is_unique:
        out = frame.set_index("date").sort_index()
        out["wellness_rows"] = 1.0
        return out
    grouped = frame.groupby("date", sort=True)
    out = grouped[["resting_hr_bpm", "hrv_rmssd_ms"]].median()
    out["wellness_rows"] = grouped.size().astype(float)  # any row (steps only...) = device worn
    return out


def _calendar(*indexes: pd.DatetimeIndex) -> pd.DatetimeIndex:
    dates = [index.dropna() for index in indexes if len(index.dropna())]
    if not dates:
        return pd.DatetimeIndex([], name="date")
    start = min(index.min() for index in dates)
    end = max(index.max() for index in dates)
    return pd.date_range(start, end, freq="D", name="date")


def _coverage(has_sessions, has_sleep, has_wellness) -> np.ndarray:
    """``"activity+sleep+wellness"``-style labels of the data present each day; ``"none"``."""
    labels = _join_flags(
        np.column_stack([has_sessions, has_sleep, has_wellness]), ("activity", "sleep", "wellness")
    )
    return np.where(labels == None, "none", labels).astype(object)  # noqa: E711 (elementwise)


def _daily_load(days: pd.DataFrame, has_sessions, has_other, params: IndicatorParams) -> pd.Series:
    """Session load, 0 on rest days, NaN on days without data (see module notes)."""
    if params.rest_day_rule == "activity_span":
        rest_possible = np.maximum.accumulate(has_sessions) | has_other
    else:
        rest_possible = has_other
    load = days["load"].astype(float)
    rest = ~has_sessions & rest_possible
    load[rest] = 0.0
    return load


def _model_input(
    load: pd.Series, has_data: np.ndarray, has_sessions: np.ndarray, params: IndicatorParams
) -> tuple[pd.Series, np.ndarray]:
    """The load the recursive models (CTL, ATL, EWMA-ACWR) take, and the days they have no value.

    The models start on the first day whose load is known (from 0 the day before, as
    GoldenCheetah does): before it nothing is known, so they are missing, not 0. A day with
    sessions of unknown load (no heart rate, no power, no RPE) is a training day, never load
    0: the models carry their state over it without its load and have no value that day.
    A day without any data enters as load 0 only with ``model_missing_load_as_zero``.
    """
    values = load.astype(float).copy()
    known = np.isfinite(values.to_numpy())
    started = np.maximum.accumulate(known) if known.size else known
    if params.model_missing_load_as_zero:
        values[~has_data & started] = 0.0
    no_value = ~started | (has_sessions & ~known)
    return values, no_value


def _load_indicators(
    load: pd.Series, has_data: np.ndarray, has_sessions: np.ndarray, params: IndicatorParams
) -> pd.DataFrame:
    model_load, no_value = _model_input(load, has_data, has_sessions, params)
    out = pmc.performance_manager(
        model_load,
        params.ctl_tau_d,
        params.atl_tau_d,
        params.pmc_alpha,
        params.tsb_convention,
        missing_as_zero=False,
    )
    frac = params.rolling_min_valid_fraction
    ewma = acwr.acwr_ewma(
        model_load,
        params.acwr_acute_d,
        params.acwr_chronic_d,
        params.ewma_seed,
        missing_as_zero=False,
        warmup_d=params.acwr_warmup_d,
        min_valid_fraction=frac,
        measured=load.notna().to_numpy(),
    )
    out = out.join(ewma)
    out.loc[no_value, list(out.columns)] = np.nan
    out["ramp_rate"] = pmc.ramp_rate(out["ctl"], params.ramp_rate_window_d)
    out["acwr_rolling_coupled"] = acwr.acwr_rolling_coupled(
        load, params.acwr_acute_d, params.acwr_chronic_d, frac, params.acwr_warmup_d
    )
    out["acwr_rolling_uncoupled"] = acwr.acwr_rolling_uncoupled(
        load, params.acwr_acute_d, params.acwr_chronic_d, frac, params.acwr_warmup_d
    )
    out = out.join(
        monotony.rolling_monotony_strain(load, params.monotony_window_d, params.monotony_ddof, frac)
    )
    hard = streaks.hard_day_flags(load, params.hard_day_factor, params.hard_day_baseline_d, frac)
    out["hard_day"] = hard
    out["consecutive_hard_days"] = streaks.consecutive_true(hard)
    out["days_since_rest"] = streaks.days_since_rest(load, params.rest_day_max_load)
    return out


def _sleep_indicators(nights: pd.DataFrame, need_h: float, params: IndicatorParams) -> pd.DataFrame:
    asleep_h = nights["sleep_asleep_min"].astype(float) / 60.0
    out = pd.DataFrame(index=nights.index)
    for n in (7, 14):
        for net, label in ((False, ""), (True, "net_")):
            out[f"sleep_debt_{label}{n}n_h"] = sleep_mod.rolling_sleep_debt_h(
                asleep_h, need_h, n, net, params.sleep_min_valid_fraction
            )
    return out


def _recovery_indicators(well: pd.DataFrame, params: IndicatorParams) -> pd.DataFrame:
    window, minimum = params.baseline_window_d, params.baseline_min_valid_d
    resting = well["resting_hr_bpm"].astype(float)
    rhr = recovery.rolling_baseline(resting, window, minimum)
    ln = pd.Series(recovery.ln_rmssd(well["hrv_rmssd_ms"].to_numpy(dtype=float)), index=well.index)
    hrv = recovery.rolling_baseline(ln, window, minimum)
    rolling7 = recovery.rolling_mean_min_valid(
        ln, params.hrv_rolling_d, params.hrv_rolling_min_valid_d
    )
    lower_swc = hrv["mean"] - 0.5 * hrv["sd"]
    below = (rolling7 < lower_swc).astype(float).where(rolling7.notna() & lower_swc.notna())
    return pd.DataFrame(
        {
            "resting_hr_baseline_bpm": rhr["mean"],
            "resting_hr_baseline_sd_bpm": rhr["sd"],
            "resting_hr_z": rhr["z"],
            "hrv_lnrmssd": ln,
            "hrv_lnrmssd_7d": rolling7,
            "hrv_lnrmssd_baseline": hrv["mean"],
            "hrv_lnrmssd_baseline_sd": hrv["sd"],
            "hrv_lnrmssd_z": hrv["z"],
            "hrv_below_swc": below,
        },
        index=well.index,
    )


def daily_table(
    sessions: pd.DataFrame | None,
    sleep: pd.DataFrame | None,
    wellness: pd.DataFrame | None,
    athlete: Mapping,
    params: IndicatorParams = DEFAULT_PARAMS,
) -> pd.DataFrame:
    """One row per local date of the athlete with load, fatigue, sleep and recovery indicators.

    Parameters
    ----------
    sessions : pandas.DataFrame or None
        Output of :func:`analyzer.indicators.session.sessions_table` (needs ``start_utc`` or
        ``local_date``, ``duration_s``, ``load``; uses ``load_source``, ``trimp_au``,
        ``avg_temperature_c``, ``*_rel_habit`` when present).
    sleep : pandas.DataFrame or None
        Canonical ``sleep`` rows of the athlete (``night`` = local wake-up date).
    wellness : pandas.DataFrame or None
        Canonical ``wellness`` rows of the athlete.
    athlete : Mapping or pandas.Series
        The athlete's row (``timezone``, ``sleep_need_h``).
    params : IndicatorParams
        Conventions; recorded in ``attrs["indicator_params"]``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DAILY_COLUMNS`, one row per consecutive local date from the first to
        the last date with any data; ``date`` holds ``datetime.date`` objects.

        * ``coverage``: ``"activity"``, ``"sleep"``, ``"wellness"`` joined by ``+``, or
          ``"none"`` (a day without any data: its load is NaN, not 0).
        * ``duration_s``: time in the day's sessions [s], overlapping sessions' common time
          counted once.
        * ``load`` (sum of the day's session loads; ``load_source`` says which measures,
          e.g. ``"tss+hrtss"``), ``ctl``, ``atl``, ``tsb``, ``acute_ewma``, ``chronic_ewma``,
          ``strain`` in load units; ``ramp_rate`` = CTL change over ``ramp_rate_window_d``.
        * ``acwr_*``, ``monotony`` [-]; NaN during warm-up (``acwr_warmup_d``, one monotony window).
        * ``hard_day`` (1/0; load ≥ ``hard_day_factor`` × mean of the preceding
          ``hard_day_baseline_d`` days), ``consecutive_hard_days``, ``days_since_rest`` [d].
        * ``intensity_rel_habit``, ``duration_rel_habit`` [-]: the day's maximum over its sessions.
        * ``avg_temperature_c``: duration-weighted over the day's sessions [°C].
        * sleep of the night ending that day [min], efficiency [%], sleep debt [h] over 7 and 14
          nights (gross, and net where surplus nights repay).
        * ``resting_hr_bpm`` and ``hrv_lnrmssd`` [ln ms] with the baseline of the preceding
          ``baseline_window_d`` days (today excluded; mean, SD, z); ``hrv_below_swc`` = 7-day
          lnRMSSD below baseline − 0.5 SD (Plews et al. 2013).
    """
    days = _session_days(sessions, athlete, params)
    nights = sleep_mod.nightly_sleep(sleep)
    well = _wellness_days(wellness)
    calendar = _calendar(days.index, nights.index, well.index)
    days, nights, well = (f.reindex(calendar) for f in (days, nights, well))

    has_sessions = days["session_count"].notna().to_numpy()
    has_sleep = (nights["sleep_asleep_min"].notna() | nights["sleep_in_bed_min"].notna()).to_numpy()
    has_wellness = well["wellness_rows"].notna().to_numpy()
    load = _daily_load(days, has_sessions, has_sleep | has_wellness, params)
    day_known = load.notna().to_numpy() | has_sessions

    def zero_on_rest(column: str) -> np.ndarray:
        values = days[column].to_numpy(dtype=float, na_value=np.nan)
        return np.where(has_sessions, values, np.where(day_known, 0.0, np.nan))

    need = _sleep_need(athlete, params)
    columns: dict[str, object] = {
        "date": calendar.date,
        "coverage": _coverage(has_sessions, has_sleep, has_wellness),
        "session_count": days["session_count"].fillna(0).to_numpy(dtype=int),
        "duration_s": zero_on_rest("duration_s"),
        "load": load.to_numpy(),
        "load_source": days["load_source"].to_numpy(dtype=object),
        "trimp_au": zero_on_rest("trimp_au"),
    }
    for part in (
        _load_indicators(load, has_sessions | has_sleep | has_wellness, has_sessions, params),
        days[["intensity_rel_habit", "duration_rel_habit", "avg_temperature_c"]],
        nights[["sleep_asleep_min", "sleep_in_bed_min", "sleep_efficiency_pct"]],
        _sleep_indicators(nights, need, params),
        well[["resting_hr_bpm", "hrv_rmssd_ms"]],
        _recovery_indicators(well, params),
    ):
        for name in part.columns:
            columns[name] = part[name].to_numpy(dtype=float, na_value=np.nan)
    for name in ("coverage", "load_source"):  # text columns stay object (None = missing)
        text = pd.Series(columns[name], dtype=object)
        columns[name] = text.where(text.notna(), None)
    out = pd.DataFrame({name: columns[name] for name in DAILY_COLUMNS})
    out.attrs["indicator_params"] = {**params.as_dict(), "sleep_need_h_used": need}
    return out


def _sleep_need(athlete: Mapping, params: IndicatorParams) -> float:
    value = athlete.get("sleep_need_h")
    try:
        need = float(value)
    except (TypeError, ValueError):
        need = float("nan")
    return need if np.isfinite(need) and need > 0 else params.sleep_need_h
