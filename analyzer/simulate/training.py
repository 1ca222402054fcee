"""Training plans: which days an athlete trains, what, when, how long and how hard.

Sessions are described by *segments* of constant target intensity (fraction
of heart-rate reserve, HRR). The streams module turns them into 1 Hz
signals; the cramp model uses the planned mean HRR, duration, TRIMP and air
temperature, which the streams then realise (see ``streams.py``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.simulate.model import AthleteSpec, Climate, banister_trimp
from analyzer.simulate.sleep import localize

# Session kinds: duration relative to the athlete's base duration, and the
# builder of (duration fraction, HRR target) segments; ``lt`` is LTHR in HRR.
SESSION_KINDS = {
    "recovery": 0.6,
    "easy": 1.0,
    "tempo": 0.9,
    "intervals": 0.9,
    "long": 1.8,
    "race": 0.8,
}


def _segments(kind: str, lt: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Return ``(duration fraction, HRR target)`` segments of a session of ``kind``."""
    jitter = rng.normal(0.0, 0.02)
    if kind == "recovery":
        return [(1.0, 0.48 + jitter)]
    if kind == "easy":
        return [(1.0, 0.60 + jitter)]
    if kind == "long":
        return [(1.0, 0.63 + jitter)]
    if kind == "tempo":
        return [(0.2, 0.55), (0.65, lt - 0.01 + jitter), (0.15, 0.5)]
    if kind == "intervals":
        reps = [(0.06, min(lt + 0.08 + jitter, 0.97)), (0.05, 0.55)] * 6
        return [(0.18, 0.55), *reps, (0.16, 0.5)]
    if kind == "race":
        return [(0.15, 0.55), (0.75, min(lt + 0.07 + jitter, 0.97)), (0.10, 0.5)]
    raise ValueError(f"unknown session kind {kind!r}")


def daily_air_temperature(
    climate: Climate, dates: pd.DatetimeIndex, rng: np.random.Generator
) -> np.ndarray:
    """Daily mean air temperature (deg C): annual sinusoid plus AR(1) weather noise."""
    doy = np.asarray(dates.day_of_year)
    seasonal = climate.mean_c + climate.amplitude_c * np.cos(
        2 * np.pi * (doy - climate.warmest_doy) / 365.25
    )
    noise = np.empty(len(dates))
    level = 0.0
    shocks = rng.normal(0.0, climate.noise_c * np.sqrt(1 - 0.7**2), len(dates))
    for i, shock in enumerate(shocks):  # short loop: one value per day
        level = 0.7 * level + shock
        noise[i] = level
    return seasonal + noise


def plan_sessions(
    spec: AthleteSpec, start: dt.date, days: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Draw the athlete's sessions over ``days`` days from ``start`` (local dates).

    Returns
    -------
    DataFrame
        One row per session: ``session_id``, ``day`` (index from start),
        ``date_local``, ``sport``, ``kind``, ``start_utc``, ``duration_s``,
        ``segments`` (list of ``(duration_s, hrr)``), ``mean_hrr``, ``trimp``,
        ``air_temp_c``, ``hilliness``, ``stream_seed``. The last week of every
        training block is a load spike, and the week after it a recovery week.
    """
    habits, phys = spec.habits, spec.physiology
    dates = pd.date_range(start, periods=days, freq="D")
    air = daily_air_temperature(spec.climate, dates, rng)
    kinds = list(habits.session_mix)
    shares = np.array([habits.session_mix[k] for k in kinds], dtype=float)
    shares /= shares.sum()
    rows = []
    for week_start in range(0, days, 7):
        week = week_start // 7
        phase = week % habits.block_weeks
        volume = habits.spike_factor if phase == habits.block_weeks - 1 else 1.0
        volume = 0.65 if (phase == 0 and week > 0) else volume
        n_week = int(np.clip(rng.poisson(habits.sessions_per_week * min(volume, 1.1)), 1, 7))
        n_days = min(7, days - week_start)
        for day in sorted(week_start + rng.choice(n_days, size=min(n_week, n_days), replace=False)):
            rows.append(_one_session(spec, day, dates[day], air[day], volume, kinds, shares, rng))
    sessions = pd.DataFrame(rows)
    sessions.insert(
        4, "start_utc", localize(pd.DatetimeIndex(sessions.pop("start_local")), spec.timezone)
    )
    sessions.insert(0, "session_id", [f"{spec.athlete_id}-s{i:04d}" for i in range(len(sessions))])
    seg_minutes = [np.array(s) for s in sessions["segments"]]
    sessions["mean_hrr"] = [float(np.average(s[:, 1], weights=s[:, 0])) for s in seg_minutes]
    sessions["trimp"] = [
        float(banister_trimp(s[:, 0] / 60.0, s[:, 1], phys.sex).sum()) for s in seg_minutes
    ]
    return sessions


def _one_session(spec, day, date, air_day, volume, kinds, shares, rng) -> dict:
    habits, phys = spec.habits, spec.physiology
    kind = str(rng.choice(kinds, p=shares))
    sport = str(rng.choice(habits.sports))
    duration_s = 60.0 * round(
        habits.base_duration_min * SESSION_KINDS[kind] * volume * rng.uniform(0.85, 1.15)
    )
    if sport == "swimming":
        duration_s = min(duration_s, 75 * 60.0)
    evening = rng.random() < habits.evening_share
    hour = (18.0 if evening else habits.start_hour_local) + rng.normal(0.0, 0.6)
    local = pd.Timestamp(date) + pd.Timedelta(minutes=round(hour * 60))
    segments = [(frac * duration_s, hrr) for frac, hrr in _segments(kind, phys.lthr_hrr, rng)]
    # Air is cooler in the morning and warmest in the early evening.
    air_temp = air_day + (2.5 if evening else -2.0) + rng.normal(0.0, 1.0)
    return {
        "day": int(day),
        "date_local": date.date(),
        "sport": sport,
        "kind": kind,
        "start_local": local,
        "duration_s": duration_s,
        "segments": segments,
        "air_temp_c": 27.5 if sport == "swimming" else float(air_temp),  # pool water
        "hilliness": float(rng.uniform(0.0, 1.0)),
        "stream_seed": int(rng.integers(2**31)),
    }


def daily_trimp(sessions: pd.DataFrame, days: int) -> np.ndarray:
    """Total TRIMP per day (0 on rest days)."""
    out = np.zeros(days)
    np.add.at(out, sessions["day"].to_numpy(dtype=int), sessions["trimp"].to_numpy(dtype=float))
    return out
