"""1 Hz streams of one session: heart rate, power or speed, cadence, altitude, distance and
temperature.

Heart rate follows the target intensity through a first-order lag
(time constant 40 s; the mono-exponential kinetics of HR after a change in
work rate, e.g. Hettinga FJ et al. Eur J Appl Physiol 2007;101:197-204) and drifts upward
with time and heat (cardiovascular drift: Coyle EF, Gonzalez-Alonso J.
Exerc Sport Sci Rev 2001;29(2):88-92): ``drift = 0.011 bpm/min per deg C
above 12 deg C``, i.e. about 12 bpm per hour at 30 deg C. Cycling speed
solves the steady-state power balance (rolling resistance, gravity and air
drag; Martin JC et al. J Appl Biomech 1998;14:276-291); running speed is
proportional to the intensity relative to threshold and slows uphill.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from analyzer.simulate.model import Physiology

DRIFT_BPM_PER_MIN_PER_C = 0.011
DRIFT_REFERENCE_C = 12.0
HR_TAU_S = 40.0
GRAVITY = 9.81
CDA_M2 = 0.32
CRR = 0.004
AIR_DENSITY = 1.2
BIKE_MASS_KG = 9.0


def session_streams(session: pd.Series, phys: Physiology) -> pd.DataFrame:
    """Return the 1 Hz streams of ``session`` (a row of ``plan_sessions``).

    Columns: ``t_utc``, ``heart_rate_bpm``, ``power_w`` (cycling only),
    ``speed_mps``, ``cadence_rpm``, ``altitude_m``, ``distance_m``,
    ``temperature_c``. The noise is drawn from ``session.stream_seed``, so the
    same session always gives the same streams.
    """
    rng = np.random.default_rng(int(session["stream_seed"]))
    n = int(session["duration_s"])
    target = _target_profile(session["segments"], n)
    target = np.clip(target + _ar1(rng, n, 0.995, 0.004), 0.3, 1.0)
    temperature = session["air_temp_c"] + _ar1(rng, n, 0.999, 0.03)
    hr = _heart_rate(target, temperature, phys, rng)
    route = _Route(rng, session["hilliness"]) if session["sport"] != "swimming" else None
    grade = np.zeros(n)
    for _ in range(2):  # speed depends on grade and grade on position: two passes suffice
        speed, power, cadence = _output(session["sport"], target, grade, phys, _output_rng(session))
        distance = np.concatenate([[0.0], np.cumsum(speed[:-1])])
        if route is not None:
            grade = route.grade(distance)
    altitude = route.altitude(distance) if route is not None else np.full(n, np.nan)
    return pd.DataFrame(
        {
            "t_utc": session["start_utc"] + pd.to_timedelta(np.arange(n), unit="s"),
            "heart_rate_bpm": hr,
            "power_w": power,
            "speed_mps": speed,
            "cadence_rpm": cadence,
            "altitude_m": altitude,
            "distance_m": distance,
            "temperature_c": temperature,
        }
    )


def _output_rng(session: pd.Series) -> np.random.Generator:
    """The generator of a session's output noise (the same draws in each pass)."""
    return np.random.default_rng([int(session["stream_seed"]), 1])


def _output(
    sport: str, target: np.ndarray, grade: np.ndarray, phys: Physiology, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Speed, power (NaN unless cycling) and cadence at 1 Hz for the target intensity."""
    n = len(target)
    if sport == "cycling":
        power = np.clip(
            phys.ftp_w * target / phys.lthr_hrr * (1 + _ar1(rng, n, 0.9, 0.04)), 0, None
        )
        speed = _cycling_speed(power, grade, phys.mass_kg + BIKE_MASS_KG)
        cadence = 88 + 6 * (target - 0.6) + _ar1(rng, n, 0.95, 1.0)
        return speed, power, cadence
    power = np.full(n, np.nan)
    if sport == "running":
        speed = phys.threshold_speed_mps * target / phys.lthr_hrr * (1 - 4.0 * grade)
        speed = np.clip(speed + _ar1(rng, n, 0.9, 0.03), 1.2, None)
        cadence = 80 + 12 * target + _ar1(rng, n, 0.95, 0.8)  # strides per minute, as FIT stores it
        return speed, power, cadence
    # Pool swimming: speed from intensity, stroke rate as cadence.
    speed = np.clip(0.9 + 0.5 * target + _ar1(rng, n, 0.9, 0.02), 0.5, None)
    cadence = 24 + 12 * target + _ar1(rng, n, 0.95, 0.8)
    return speed, power, cadence


class _Route:
    """A rolling route: altitude is a sum of three sinusoids of the distance covered."""

    WAVELENGTHS_M = np.array([1500.0, 4000.0, 11000.0])
    AMPLITUDES_M = np.array([6.0, 20.0, 50.0])

    def __init__(self, rng: np.random.Generator, hilliness: float) -> None:
        self.base_m = 50.0 + 400.0 * hilliness
        self.amplitude_m = (0.1 + hilliness) * self.AMPLITUDES_M
        self.phase = rng.uniform(0, 2 * np.pi, 3)

    def altitude(self, distance_m: np.ndarray) -> np.ndarray:
        k = 2 * np.pi / self.WAVELENGTHS_M
        return self.base_m + (self.amplitude_m * np.sin(np.outer(distance_m, k) + self.phase)).sum(
            axis=1
        )

    def grade(self, distance_m: np.ndarray) -> np.ndarray:
        k = 2 * np.pi / self.WAVELENGTHS_M
        return (self.amplitude_m * k * np.cos(np.outer(distance_m, k) + self.phase)).sum(axis=1)


def _target_profile(segments: list[tuple[float, float]], n: int) -> np.ndarray:
    durations = np.array([d for d, _ in segments], dtype=float)
    edges = np.round(np.cumsum(durations) * n / durations.sum()).astype(int)
    levels = np.array([h for _, h in segments])
    return levels[np.searchsorted(edges, np.arange(n), side="right").clip(0, len(levels) - 1)]


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise with marginal standard deviation ``sd``."""
    shocks = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    shocks[0] = rng.normal(0.0, sd)
    return lfilter([1.0], [1.0, -phi], shocks)


def _heart_rate(
    target: np.ndarray, temperature: np.ndarray, phys: Physiology, rng: np.random.Generator
) -> np.ndarray:
    reserve = phys.hr_max_bpm - phys.hr_rest_bpm
    steady = phys.hr_rest_bpm + target * reserve
    minutes = np.arange(len(target)) / 60.0
    drift = DRIFT_BPM_PER_MIN_PER_C * np.clip(temperature - DRIFT_REFERENCE_C, 0, None) * minutes
    steady = steady + drift
    # First-order lag: hr[i] = hr[i-1] + g (steady[i] - hr[i-1]), from a warm-up level.
    gain = 1 - np.exp(-1 / HR_TAU_S)
    start = phys.hr_rest_bpm + 0.2 * reserve
    hr, _ = lfilter([gain], [1.0, gain - 1.0], steady, zi=[(1 - gain) * start])
    return np.clip(hr + _ar1(rng, len(hr), 0.8, 1.2), phys.hr_rest_bpm, phys.hr_max_bpm + 3)


def _cycling_speed(power: np.ndarray, grade: np.ndarray, mass_kg: float) -> np.ndarray:
    """Steady speed where ``P = v (m g (Crr + grade) + 0.5 rho CdA v^2)``, by Newton's method."""
    resist = mass_kg * GRAVITY * (CRR + grade)
    k = 0.5 * AIR_DENSITY * CDA_M2
    v = np.full(len(power), 8.0)
    for _ in range(30):
        f = v * resist + k * v**3 - power
        v = np.clip(v - f / (resist + 3 * k * v**2), 1.0, 25.0)
    return v
