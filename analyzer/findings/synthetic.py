"""Seeded synthetic athletes for the findings tests and the power study.

A deliberately simple generator of a daily indicator table (the columns of
``analyzer.indicators.daily_table``) and a cramp log with a *known* effect:
cramp days are drawn without replacement with weights ``OR ** exposure``, so
the planted exposure has (close to) the stated conditional odds ratio and
every other exposure is unrelated to the cramps. It is not a physiological
model (that is ``analyzer.simulate``); it exists so the statistics can be
checked against a truth that is known exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.findings.exposures import binary_exposures
from analyzer.findings.params import FindingsParams


def _ewma(x: np.ndarray, alpha: float) -> np.ndarray:
    out = np.empty_like(x)
    level = 0.0
    for i, v in enumerate(x):
        level += alpha * (v - level)
        out[i] = level
    return out


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    e = rng.normal(size=n) * np.sqrt(1 - phi**2)
    out = np.empty(n)
    out[0] = rng.normal()
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out


def synthetic_daily(n_days: int = 730, seed: int = 0, start: str = "2024-01-01") -> pd.DataFrame:
    """A daily indicator table with realistic ranges and autocorrelation.

    Parameters
    ----------
    n_days : int
        Number of local dates.
    seed : int
        Seed of the generator.
    start : str
        First date (ISO).
    """
    rng = np.random.default_rng(seed)
    days = np.arange(np.datetime64(start), np.datetime64(start) + n_days)
    train = rng.random(n_days) < 0.75
    block = 1 + 0.35 * _ar1(rng, n_days, 0.97)
    load = np.where(train, rng.gamma(4.0, 20.0, n_days) * np.clip(block, 0.3, None), 0.0)
    ctl = _ewma(load, 1 - np.exp(-1 / 42))
    atl = _ewma(load, 1 - np.exp(-1 / 7))
    tsb = np.concatenate([[0.0], (ctl - atl)[:-1]])
    acwr = _ewma(load, 2 / 8) / np.maximum(_ewma(load, 2 / 29), 1e-9)
    weekly = pd.Series(load).rolling(7, min_periods=7)
    monotony = (weekly.mean() / weekly.std()).to_numpy()
    strain = (weekly.sum() * monotony).to_numpy()
    hard = load > np.quantile(load[train], 0.7)
    consecutive = np.zeros(n_days)
    for i in range(n_days):
        consecutive[i] = (consecutive[i - 1] + 1 if i else 1) if hard[i] else 0
    intensity = np.where(train, np.exp(rng.normal(0, 0.12, n_days)), np.nan)
    duration = np.where(train, np.exp(rng.normal(0, 0.30, n_days)), np.nan)
    season = 15 + 10 * np.sin(2 * np.pi * (np.arange(n_days) - 100) / 365.25)
    temperature = np.where(train, season + rng.normal(0, 4, n_days), np.nan)
    sleep = 440 + 45 * _ar1(rng, n_days, 0.3)
    debt = pd.Series(np.clip(8 * 60 - sleep, 0, None) / 60).rolling(7, min_periods=7).sum()
    frame = pd.DataFrame(
        {
            "date": [d.item() for d in days],
            "load": load,
            "ctl": ctl,
            "atl": atl,
            "tsb": tsb,
            "acwr_ewma": acwr,
            "acwr_rolling_uncoupled": acwr,
            "monotony": monotony,
            "strain": strain,
            "consecutive_hard_days": consecutive,
            "session_count": train.astype(float),
            "duration_s": np.where(train, 3600 * duration, 0.0),
            "intensity_rel_habit": intensity,
            "duration_rel_habit": duration,
            "avg_temperature_c": temperature,
            "sleep_asleep_min": sleep,
            "sleep_debt_7n_h": debt.to_numpy(),
            "resting_hr_z": _ar1(rng, n_days, 0.6),
            "hrv_lnrmssd_z": _ar1(rng, n_days, 0.6),
            "coverage": np.where(train, "activity+sleep+wellness", "sleep+wellness"),
        }
    )
    frame.loc[:27, ["ctl", "atl", "tsb", "acwr_ewma", "acwr_rolling_uncoupled"]] = np.nan
    return frame


def planted_cramps(
    daily: pd.DataFrame,
    n_events: int,
    cramp_type: str = "nocturnal",
    exposure: str | None = None,
    odds_ratio: float = 1.0,
    seed: int = 0,
    timezone: str = "UTC",
    params: FindingsParams | None = None,
    sleep_need_h: float | None = None,
) -> pd.DataFrame:
    """Draw a cramp log whose cramp days follow ``odds_ratio ** exposure``.

    Parameters
    ----------
    daily : pandas.DataFrame
        Daily table (e.g. from :func:`synthetic_daily`).
    n_events : int
        Number of cramp days to draw (without replacement).
    cramp_type : {"nocturnal", "exercise"}
        Nocturnal cramps are logged at 03:00 local time of the index day
        (exposure read on the previous day for training exposures); exercise
        cramps at 17:00 local time on a training day.
    exposure : str, optional
        Key of a binary exposure of :func:`binary_exposures` (``None``: no effect).
    odds_ratio : float
        Planted odds ratio of that exposure.
    seed : int
        Seed of the draw.
    timezone : str
        IANA zone the local times are in.
    params : FindingsParams, optional
        Thresholds of the exposure definitions.
    sleep_need_h : float, optional
        Sleep need for the short-sleep threshold [h].
    """
    rng = np.random.default_rng(seed)
    params = params or FindingsParams()
    n = len(daily)
    weights = np.ones(n)
    eligible = np.ones(n, bool)
    eligible[:28] = False
    if cramp_type == "exercise":
        eligible &= pd.to_numeric(daily["load"]).to_numpy() > 0
    if exposure is not None:
        spec = {e.key: e for e in binary_exposures(params, sleep_need_h)}[exposure]
        lag = spec.lags[cramp_type]
        x = np.roll(spec.daily_values(daily), -lag)
        x[: max(0, -lag)] = np.nan
        eligible &= np.isfinite(x)
        weights = np.where(x == 1, odds_ratio, 1.0)
    weights = np.where(eligible, weights, 0.0)
    chosen = np.sort(rng.choice(n, size=n_events, replace=False, p=weights / weights.sum()))
    dates = pd.to_datetime(pd.Series(daily["date"]).iloc[chosen].astype(str).to_numpy())
    hour = 3 if cramp_type == "nocturnal" else 17
    local = (dates + pd.Timedelta(hours=hour)).tz_localize(timezone)
    return pd.DataFrame(
        {
            "cramp_id": [f"c{i}" for i in range(n_events)],
            "start_utc": local.tz_convert("UTC"),
            "muscle": "calf",
            "severity_0_10": rng.integers(2, 9, n_events).astype(float),
            "duration_s": rng.gamma(2.0, 40.0, n_events),
            "context": "night" if cramp_type == "nocturnal" else "exercise",
            "relief": rng.choice(["stretching", "massage", "walking"], n_events),
            "activity_id": None,
        }
    )


def seasonal_cramps(
    daily: pd.DataFrame,
    n_events: int,
    summer_to_winter: float = 4.0,
    seed: int = 0,
    warmest_doy: int = 200,
    extra_log_odds: np.ndarray | None = None,
) -> pd.DataFrame:
    """Nocturnal cramp nights drawn with a seasonal rate and nothing else.

    The weight of each night follows ``exp(A cos(2 pi (doy - warmest_doy) / 365.25))``
    with ``A = ln(summer_to_winter) / 2``, so the rate at the warmest time of
    the year is ``summer_to_winter`` times the rate at the coldest
    (nocturnal leg cramps about double from winter to summer in the
    population: Garrison SR et al. *CMAJ* 2015;187(4):248-253; 4:1 is a
    harsh test). ``extra_log_odds`` (per day) adds a planted effect, e.g. a
    medication's. Cramps are logged at 03:00 UTC of the index day.
    """
    rng = np.random.default_rng(seed)
    dates = pd.to_datetime(pd.Series(daily["date"]).astype(str))
    doy = dates.dt.day_of_year.to_numpy()
    amplitude = np.log(summer_to_winter) / 2
    log_w = amplitude * np.cos(2 * np.pi * (doy - warmest_doy) / 365.25)
    if extra_log_odds is not None:
        log_w = log_w + extra_log_odds
    weights = np.exp(log_w)
    weights[:28] = 0.0
    chosen = np.sort(
        rng.choice(len(daily), size=n_events, replace=False, p=weights / weights.sum())
    )
    when = (dates.iloc[chosen] + pd.Timedelta(hours=3)).dt.tz_localize("UTC")
    return pd.DataFrame(
        {
            "cramp_id": [f"s{i}" for i in range(n_events)],
            "start_utc": when.to_numpy(),
            "context": "night",
            "muscle": "calf",
        }
    )


def synthetic_sessions(
    daily: pd.DataFrame, seed: int = 0, second_share: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sessions behind a synthetic daily table, optionally two on some days.

    Every training day gets a morning session at 07:00 UTC carrying the day's
    intensity, duration and temperature; on a share ``second_share`` of
    training days an afternoon session at 16:00 follows, with its own draws
    (same distributions). The day's load is split by duration. Returns the
    daily table with its session columns recomputed from the sessions (sum of
    load and duration, largest intensity and duration ratio, duration-weighted
    temperature) and the sessions table (``activity_id``, ``start_utc``,
    ``local_date``, ``duration_s``, ``load``, ``intensity_rel_habit``,
    ``duration_rel_habit``, ``avg_temperature_c``).

    The draws come from a stream of their own (``SeedSequence([seed, 1])``), so a
    daily table and its sessions built with the same seed are independent: sharing
    :func:`synthetic_daily`'s stream would tie each day's second session to that
    table's first draws (which days are training days).
    """
    rng = np.random.default_rng([seed, 1])
    dates = pd.to_datetime(pd.Series(daily["date"]).astype(str))
    training = (pd.to_numeric(daily["session_count"]) > 0).to_numpy()
    rows = []
    for i in np.flatnonzero(training):
        base = dict(
            intensity_rel_habit=float(daily["intensity_rel_habit"].iloc[i]),
            duration_rel_habit=float(daily["duration_rel_habit"].iloc[i]),
            avg_temperature_c=float(daily["avg_temperature_c"].iloc[i]),
        )
        parts = [(7, base)]
        if rng.random() < second_share:
            parts.append(
                (
                    16,
                    dict(
                        intensity_rel_habit=float(np.exp(rng.normal(0, 0.12))),
                        duration_rel_habit=float(np.exp(rng.normal(0, 0.30))),
                        avg_temperature_c=base["avg_temperature_c"] + rng.normal(2, 2),
                    ),
                )
            )
        for hour, values in parts:
            duration_s = 3600.0 * values["duration_rel_habit"]
            rows.append(
                dict(
                    activity_id=f"s{i}-{hour}",
                    start_utc=(dates.iloc[i] + pd.Timedelta(hours=hour)).tz_localize("UTC"),
                    local_date=dates.iloc[i].date(),
                    duration_s=duration_s,
                    load=60.0 * (duration_s / 3600.0) * values["intensity_rel_habit"] ** 2,
                    **values,
                )
            )
    sessions = pd.DataFrame(rows)
    out = daily.copy()
    by_day = sessions.groupby("local_date")
    index = pd.Series(range(len(out)), index=dates.dt.date.to_numpy())
    at = index.loc[list(by_day.groups)].to_numpy()
    out.loc[at, "session_count"] = by_day.size().to_numpy(dtype=float)
    out.loc[at, "duration_s"] = by_day["duration_s"].sum().to_numpy()
    out.loc[at, "load"] = by_day["load"].sum().to_numpy()
    out.loc[at, "intensity_rel_habit"] = by_day["intensity_rel_habit"].max().to_numpy()
    out.loc[at, "duration_rel_habit"] = by_day["duration_rel_habit"].max().to_numpy()
    weighted = by_day.apply(
        lambda g: np.average(g["avg_temperature_c"], weights=g["duration_s"]), include_groups=False
    )
    out.loc[at, "avg_temperature_c"] = weighted.to_numpy()
    return out, sessions


def session_cramps(
    sessions: pd.DataFrame,
    n_events: int,
    column: str | None = None,
    threshold: float = np.inf,
    odds_ratio: float = 1.0,
    seed: int = 0,
    minutes_before_end: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Exercise cramps drawn per session: weight ``odds_ratio`` where ``column > threshold``.

    One cramp per chosen session (never two on a day), linked to it by
    ``activity_id``, at a uniform time within its 20-90% (or, with
    ``minutes_before_end``, that many minutes before its end: a cramp that
    stops the session).
    """
    rng = np.random.default_rng(seed)
    frame = sessions.reset_index(drop=True)
    weights = np.ones(len(frame))
    if column is not None:
        weights = np.where(frame[column].to_numpy(dtype=float) > threshold, odds_ratio, 1.0)
    first_days = pd.to_datetime(frame["local_date"].astype(str)) >= (
        pd.to_datetime(frame["local_date"].astype(str)).min() + pd.Timedelta(days=28)
    )
    weights = np.where(first_days.to_numpy(), weights, 0.0)
    eligible = int((weights > 0).sum())
    order = rng.choice(len(frame), size=eligible, replace=False, p=weights / weights.sum())
    chosen, seen = [], set()
    for i in order:
        if frame["local_date"].iloc[i] not in seen:
            seen.add(frame["local_date"].iloc[i])
            chosen.append(i)
        if len(chosen) == n_events:
            break
    chosen = np.sort(chosen)
    start = pd.to_datetime(frame["start_utc"].iloc[chosen], utc=True).reset_index(drop=True)
    duration = pd.to_timedelta(frame["duration_s"].iloc[chosen].to_numpy(), unit="s")
    if minutes_before_end is None:
        at = start + duration * rng.uniform(0.2, 0.9, len(chosen))
    else:
        before = rng.uniform(*minutes_before_end, len(chosen))
        at = start + duration - pd.to_timedelta(before, unit="min")
    return pd.DataFrame(
        {
            "start_utc": at,
            "context": "exercise",
            "activity_id": frame["activity_id"].iloc[chosen].to_numpy(),
        }
    )


def shorten_cramp_nights(
    daily: pd.DataFrame, cramps: pd.DataFrame, minutes: float = 45.0, need_h: float = 8.0
) -> pd.DataFrame:
    """The daily table with every cramp night shorter by ``minutes``, sleep debt recomputed.

    A cramp that wakes you costs sleep on its own night (Allen RE, Kirby KA.
    Nocturnal leg cramps. *Am Fam Physician* 2012;86(4):350-355); this makes
    a no-effect athlete whose cramps cost them sleep. Cramp nights are the
    UTC dates of the cramps (the generators log them at 03:00 UTC); the 7-night
    gross sleep debt against ``need_h`` is recomputed from the shortened nights.
    """
    out = daily.copy()
    nights = set(pd.to_datetime(cramps["start_utc"], utc=True).dt.date)
    hit = pd.Series(out["date"]).isin(nights).to_numpy()
    out.loc[hit, "sleep_asleep_min"] -= minutes
    deficit_h = np.clip(need_h * 60 - out["sleep_asleep_min"], 0, None) / 60
    out["sleep_debt_7n_h"] = deficit_h.rolling(7, min_periods=7).sum()
    return out
