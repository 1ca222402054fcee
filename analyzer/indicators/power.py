"""Normalized Power, Intensity Factor and Training Stress Score.

References
----------
Allen H, Coggan A. *Training and Racing with a Power Meter*. VeloPress, 2006/2010/2019.
GoldenCheetah ``src/Metrics/Coggan.cpp`` (zero-initialised 30-sample buffer).
"""

from __future__ import annotations

import numpy as np


def normalized_power(
    power_w, sample_interval_s: float = 1.0, window_s: float = 30.0, warmup: str = "full_window"
) -> float:
    """Normalized Power: fourth root of the mean fourth power of the 30-s rolling mean power.

    Parameters
    ----------
    power_w : array-like
        Power at a regular interval [W] (resample irregular streams first, see
        :func:`resample_regular`). NaN counts as 0 W (coasting/no reading).
    sample_interval_s : float
        Interval between samples [s].
    window_s : float
        Rolling window [s].
    warmup : {"full_window", "zero_padded"}
        ``"full_window"`` averages only complete windows (a constant 200 W gives 200 W);
        ``"zero_padded"`` is GoldenCheetah's ring buffer that starts at zero and averages
        every sample (a constant 200 W hour gives 199.6730 W).

    Returns
    -------
    float
        Normalized Power [W]; NaN when the stream is shorter than one window
        (``"full_window"``) or empty.
    """
    power = np.nan_to_num(np.asarray(power_w, dtype=float), nan=0.0)
    window = max(1, int(round(window_s / sample_interval_s)))
    if power.size == 0:
        return float("nan")
    cumulative = np.concatenate(([0.0], np.cumsum(power)))
    if warmup == "zero_padded":
        index = np.arange(1, power.size + 1)
        rolling = (cumulative[index] - cumulative[np.maximum(index - window, 0)]) / window
    elif warmup == "full_window":
        if power.size < window:
            return float("nan")
        rolling = (cumulative[window:] - cumulative[:-window]) / window
    else:
        raise ValueError(f"warmup must be 'full_window' or 'zero_padded'; got {warmup!r}")
    return float(np.mean(rolling**4) ** 0.25)


def intensity_factor(normalized_power_w, ftp_w: float):
    """Intensity Factor, ``NP / FTP`` [-] (NaN without a positive FTP).

    ``normalized_power_w`` may be a scalar or an array [W].
    """
    ftp = float(ftp_w) if ftp_w is not None else float("nan")
    power = np.asarray(normalized_power_w, dtype=float)
    out = power / ftp if np.isfinite(ftp) and ftp > 0 else np.full_like(power, np.nan)
    return out if out.ndim else float(out)


def training_stress_score(duration_s, normalized_power_w, ftp_w: float):
    """Training Stress Score, ``s·NP·IF / (FTP·3600) · 100`` = hours · IF² · 100.

    Parameters
    ----------
    duration_s : numeric
        Session (moving) duration [s].
    normalized_power_w : numeric
        Normalized Power [W].
    ftp_w : float
        Functional threshold power [W].
    """
    intensity = intensity_factor(normalized_power_w, ftp_w)
    out = np.asarray(duration_s, dtype=float) / 3600.0 * np.asarray(intensity) ** 2 * 100.0
    return out if out.ndim else float(out)


def resample_regular(
    t_s,
    values,
    interval_s: float = 1.0,
    max_gap_s: float = 10.0,
    gap_value: float = 0.0,
    max_duration_s: float | None = None,
) -> np.ndarray:
    """Resample an irregular stream onto a regular grid by holding the last sample.

    Parameters
    ----------
    t_s : array-like
        Sample times [s], sorted.
    values : array-like
        Values at those times.
    interval_s : float
        Grid interval [s].
    max_gap_s : float
        A grid point more than this after the last sample gets ``gap_value``
        (a pause: no pedalling) [s].
    gap_value : float
        Value used inside pauses.
    max_duration_s : float, optional
        The grid covers at most this long after the first sample (the
        session's recorded duration): later samples do not count. It bounds
        the memory the grid takes whatever the timestamps say (one damaged
        timestamp years away would otherwise make a grid of years).

    Returns
    -------
    numpy.ndarray
        Values on the grid ``t_s[0], t_s[0] + interval_s, ...`` up to the last
        sample, or up to ``t_s[0] + max_duration_s``.
    """
    t = np.asarray(t_s, dtype=float)
    v = np.asarray(values, dtype=float)
    if t.size == 0:
        return np.empty(0)
    span = t[-1] - t[0]
    if max_duration_s is not None and np.isfinite(max_duration_s):
        span = min(span, max(float(max_duration_s), 0.0))
    grid = t[0] + np.arange(int(np.floor(span / interval_s)) + 1) * interval_s
    last = np.searchsorted(t, grid, side="right") - 1
    out = v[last]
    out[(grid - t[last]) > max_gap_s] = gap_value
    return out
