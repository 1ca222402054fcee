"""Nightly sleep (onset, duration, stages, awakenings) and morning resting HR and HRV.

Sleep architecture follows the textbook picture of ~90-minute NREM-REM
cycles with deep sleep concentrated early and REM late in the night
(Carskadon MA, Dement WC. Normal human sleep: an overview. In: Principles
and Practice of Sleep Medicine, 2011). Resting HR rises and overnight
RMSSD falls with acute training stress (ATL above CTL) and with sleep
deficit (Plews DJ et al. Sports Med 2013;43(9):773-781; Buchheit M.
Front Physiol 2014;5:73).

A night belongs to the local date on which it ends (the wake-up date).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.simulate.model import AthleteSpec

CYCLE_MIN = 90.0
STAGES = ("light", "deep", "rem", "awake")


def simulate_nights(
    spec: AthleteSpec, start: dt.date, days: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Draw one main sleep per wake-up date ``start .. start + days - 1``.

    Returns
    -------
    DataFrame
        ``day``, ``night`` (local wake date), ``start_utc``, ``end_utc``,
        ``asleep_min``, ``deep_min``, ``light_min``, ``rem_min``, ``awake_min``,
        ``awakenings``, ``stages_min`` (list of ``(start, end, stage)`` in
        minutes from ``start_utc``; see :func:`stage_table`), ``short_night``
        (asleep less than need minus 1 h).
    """
    need_h = spec.physiology.sleep_need_h
    wake_dates = pd.date_range(start, periods=days, freq="D")
    # Work nights (ending Mon-Fri) are shorter and earlier than weekend nights.
    weekend = np.asarray(wake_dates.day_of_week >= 5)
    bedtime_h = 22.6 + 0.7 * weekend + rng.normal(0.0, 0.5, days)
    asleep_h = np.clip(need_h - 0.45 + 0.6 * weekend + rng.normal(0.0, 0.75, days), 3.5, 11.0)
    onset_local = (
        wake_dates - pd.Timedelta(days=1) + pd.to_timedelta(np.round(bedtime_h * 60), unit="min")
    )
    onsets = localize(onset_local, spec.timezone)
    rows = [
        _night_row(i, wake_date.date(), onsets[i], _hypnogram(asleep_h[i] * 60.0, rng))
        for i, wake_date in enumerate(wake_dates)
    ]
    nights = pd.DataFrame(rows)
    nights["short_night"] = nights["asleep_min"] < (need_h - 1.0) * 60.0
    return nights


def localize(local: pd.DatetimeIndex, timezone: str) -> pd.DatetimeIndex:
    """Wall-clock times in ``timezone`` to UTC; ambiguous times take the later (standard-time)
    reading and times in a spring-forward gap move forward."""
    ambiguous = np.zeros(len(local), dtype=bool)
    return local.tz_localize(timezone, ambiguous=ambiguous, nonexistent="shift_forward").tz_convert(
        "UTC"
    )


def _hypnogram(asleep_min: float, rng: np.random.Generator) -> list[tuple[float, float, str]]:
    """Return ``(start_min, end_min, stage)`` from onset, whole minutes, with awakenings."""
    latency = float(rng.integers(3, 15))
    segments: list[tuple[float, str]] = [(latency, "awake")]
    n_cycles = max(1, int(round(asleep_min / CYCLE_MIN)))
    cycle_len = asleep_min / n_cycles
    for k in range(n_cycles):
        deep = max(0.32 - 0.09 * k, 0.03) * cycle_len
        rem = min(0.12 + 0.06 * k, 0.40) * cycle_len
        light = cycle_len - deep - rem
        segments += [(0.5 * light, "light"), (deep, "deep"), (0.5 * light, "light"), (rem, "rem")]
    minutes = [(max(1.0, round(d)), s) for d, s in segments]
    # Awakenings: brief wake bouts inserted at random points of the sleep.
    n_wake = rng.poisson(1.6)
    total = sum(d for d, _ in minutes)
    for at in np.sort(rng.uniform(latency + 20, total - 5, n_wake)):
        minutes = _insert(minutes, float(round(at)), float(rng.integers(2, 9)))
    out, t = [], 0.0
    for dur, stage in minutes:
        if out and out[-1][2] == stage:
            out[-1] = (out[-1][0], t + dur, stage)
        else:
            out.append((t, t + dur, stage))
        t += dur
    return out


def _insert(
    segments: list[tuple[float, str]], at_min: float, wake_min: float
) -> list[tuple[float, str]]:
    """Split the segment containing ``at_min`` and insert an awake bout."""
    out, t = [], 0.0
    for dur, stage in segments:
        if t < at_min < t + dur and stage != "awake":
            out += [(at_min - t, stage), (wake_min, "awake"), (t + dur - at_min, stage)]
        else:
            out.append((dur, stage))
        t += dur
    return out


def _night_row(day: int, night: dt.date, onset_utc: pd.Timestamp, stages: list) -> dict:
    minutes = {s: 0.0 for s in STAGES}
    for a, b, stage in stages:
        minutes[stage] += b - a
    awakenings = sum(1 for i, (_, _, s) in enumerate(stages) if s == "awake" and i > 0)
    return {
        "day": day,
        "night": night,
        "start_utc": onset_utc,
        "end_utc": onset_utc + pd.Timedelta(minutes=stages[-1][1]),
        "asleep_min": minutes["light"] + minutes["deep"] + minutes["rem"],
        "deep_min": minutes["deep"],
        "light_min": minutes["light"],
        "rem_min": minutes["rem"],
        "awake_min": minutes["awake"],
        "awakenings": awakenings,
        "stages_min": stages,
    }


def stage_table(night: pd.Series) -> pd.DataFrame:
    """The night's hypnogram: ``start_utc``, ``end_utc``, ``stage`` per stage bout."""
    bouts = np.array([(a, b) for a, b, _ in night["stages_min"]], dtype=float)
    onset = night["start_utc"]
    return pd.DataFrame(
        {
            "start_utc": onset + pd.to_timedelta(bouts[:, 0], unit="min"),
            "end_utc": onset + pd.to_timedelta(bouts[:, 1], unit="min"),
            "stage": [stage for _, _, stage in night["stages_min"]],
        }
    )


def training_stress(
    daily_trimp: np.ndarray, acute_days: float = 7.0, chronic_days: float = 42.0
) -> np.ndarray:
    """Relative acute stress ``(ATL - CTL) / max(CTL, 20)`` per day, EWMAs with ``alpha = 1/tau``.

    ATL/CTL are the Performance-Manager exponentially weighted loads (Banister
    fitness-fatigue model, TrainingPeaks form ``alpha = 1/tau``), seeded at 0.
    """
    atl = ctl = 0.0
    out = np.empty(len(daily_trimp))
    for i, load in enumerate(daily_trimp):  # one value per day
        atl += (load - atl) / acute_days
        ctl += (load - ctl) / chronic_days
        out[i] = (atl - ctl) / max(ctl, 20.0)
    return out


def morning_wellness(
    spec: AthleteSpec, nights: pd.DataFrame, daily_trimp: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Resting HR and overnight RMSSD on each wake-up date.

    ``resting_hr = hr_rest + 4 * stress + 1.5 * deficit_h + N(0, 1.2)`` and
    ``ln rmssd = ln rmssd_0 - 0.12 * stress - 0.06 * deficit_h + N(0, 0.07)``
    where ``stress`` is :func:`training_stress` of the day before waking
    (clipped to [-1, 2]) and ``deficit_h`` the night's sleep shortfall.
    Also returns ``hrv_5min_ms``: the night's 5-minute RMSSD values, whose
    mean is ``hrv_rmssd_ms`` (as Garmin's ``last_night_average``).
    """
    phys = spec.physiology
    n = len(nights)
    stress = np.clip(np.concatenate([[0.0], training_stress(daily_trimp)[:-1]]), -1.0, 2.0)[:n]
    deficit_h = np.clip(phys.sleep_need_h - nights["asleep_min"].to_numpy() / 60.0, 0.0, None)
    resting = phys.hr_rest_bpm + 4.0 * stress + 1.5 * deficit_h + rng.normal(0.0, 1.2, n)
    ln_rmssd = (
        np.log(phys.hrv_rmssd_ms) - 0.12 * stress - 0.06 * deficit_h + rng.normal(0.0, 0.07, n)
    )
    span_min = ((nights["end_utc"] - nights["start_utc"]).dt.total_seconds() / 60.0).to_numpy()
    five_min = []
    for i in range(n):  # one short array per night
        values = np.exp(ln_rmssd[i] + rng.normal(0.0, 0.25, max(1, int(span_min[i] // 5))))
        five_min.append(np.round(values * 128.0) / 128.0)  # FIT stores 1/128 ms
    return pd.DataFrame(
        {
            "day": nights["day"].to_numpy(),
            "date": nights["night"].to_numpy(),
            "resting_hr_bpm": np.round(resting),
            "hrv_rmssd_ms": [float(np.round(v.mean() * 128.0) / 128.0) for v in five_min],
            "hrv_5min_ms": five_min,
            "training_stress": stress,
        }
    )
