"""Realistic simulated heart-rate and power streams with the artefacts chest straps produce.

Written for the physiology estimation tests, independently of the estimators: a session is a
warm-up, a main part and a cool-down, heart rate follows effort with a first-order lag
(time constant about 30 s, Achten & Jeukendrup 2003), and the recording carries the
artefacts of real straps: spikes of a few readings (static, 220-250 bpm), dropouts
(missing readings, zeros, or implausibly low values while contact is lost) and, with
``smart_recording``, a reading only every 1-7 s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HR_TAU_S = 30.0


def lagged(target: np.ndarray, start: float, tau_s: float = HR_TAU_S) -> np.ndarray:
    """Heart rate approaching ``target`` second by second with time constant ``tau_s``."""
    out = np.empty(target.size)
    value = start
    step = 1.0 - np.exp(-1.0 / tau_s)
    for i, goal in enumerate(target):
        value += step * (goal - value)
        out[i] = value
    return out


def effort_profile(blocks: list[tuple[int, float]]) -> np.ndarray:
    """Target heart rate per second from ``(seconds, bpm)`` blocks."""
    return np.concatenate([np.full(seconds, bpm, dtype=float) for seconds, bpm in blocks])


def with_artefacts(
    hr: np.ndarray,
    rng: np.random.Generator,
    n_spikes: int = 4,
    n_dropouts: int = 3,
    noise_bpm: float = 1.5,
) -> np.ndarray:
    """The recorded stream: noise, short spikes and dropouts added to the true heart rate."""
    recorded = hr + rng.normal(0.0, noise_bpm, hr.size)
    for _ in range(n_spikes):
        at = int(rng.integers(0, max(1, hr.size - 3)))
        recorded[at : at + int(rng.integers(1, 4))] = rng.uniform(220.0, 250.0)
    for kind in range(n_dropouts):
        at = int(rng.integers(0, max(1, hr.size - 30)))
        length = int(rng.integers(5, 30))
        recorded[at : at + length] = (np.nan, 0.0, rng.uniform(35.0, 45.0))[kind % 3]
    return recorded


def session_frame(
    activity_id: str,
    start: pd.Timestamp,
    heart_rate_bpm: np.ndarray,
    power_w: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
    smart_recording: bool = False,
) -> pd.DataFrame:
    """Canonical ``samples`` rows of one session recorded at 1 Hz (or sparser)."""
    seconds = np.arange(heart_rate_bpm.size)
    if smart_recording:
        assert rng is not None
        keep = np.zeros(seconds.size, dtype=bool)
        at = 0
        while at < seconds.size:
            keep[at] = True
            at += int(rng.integers(1, 8))
        seconds = seconds[keep]
    frame = pd.DataFrame(
        {
            "activity_id": activity_id,
            "t_utc": start + pd.to_timedelta(seconds, unit="s"),
            "heart_rate_bpm": heart_rate_bpm[seconds],
        }
    )
    if power_w is not None:
        frame["power_w"] = power_w[seconds]
    return frame


def training_block(
    rng: np.random.Generator,
    hr_max_bpm: float,
    hr_rest_bpm: float,
    n_sessions: int,
    n_max_efforts: int = 2,
    start: str = "2026-01-05 07:00",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sessions of a runner whose true HR max is reached in ``n_max_efforts`` of them.

    Easy runs sit at 65-75 % of HR reserve, tempo runs at 80-88 %, and the max efforts end
    with a 3-min all-out climb whose target is ``hr_max_bpm`` (held for over a minute).

    Returns
    -------
    (activities, samples) : canonical tables
    """
    reserve = hr_max_bpm - hr_rest_bpm
    acts, parts = [], []
    first = pd.Timestamp(start, tz="UTC")
    hardest = set(rng.choice(n_sessions, size=n_max_efforts, replace=False).tolist())
    for i in range(n_sessions):
        level = rng.uniform(0.65, 0.75) if i % 3 else rng.uniform(0.80, 0.88)
        blocks = [(600, hr_rest_bpm + 0.55 * reserve), (int(rng.integers(1800, 3600)), 0.0)]
        blocks[1] = (blocks[1][0], hr_rest_bpm + level * reserve)
        if i in hardest:
            blocks.append((180, hr_max_bpm + 8.0))  # HR saturates at max: the target overshoots
        blocks.append((300, hr_rest_bpm + 0.45 * reserve))
        true_hr = np.minimum(lagged(effort_profile(blocks), hr_rest_bpm + 20.0), hr_max_bpm)
        recorded = with_artefacts(true_hr, rng)
        activity_id = f"run-{i:03d}"
        when = first + pd.Timedelta(days=2 * i)
        acts.append({"activity_id": activity_id, "start_utc": when, "sport": "running"})
        parts.append(
            session_frame(activity_id, when, recorded, rng=rng, smart_recording=i % 4 == 3)
        )
    return pd.DataFrame(acts), pd.concat(parts, ignore_index=True)
