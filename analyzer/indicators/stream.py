"""Within-session stream indicators: aerobic decoupling, cardiac drift, heart-rate recovery.

References
----------
Friel J. Aerobic endurance and decoupling (TrainingPeaks); GoldenCheetah
``AerobicDecoupling.cpp`` (output:HR efficiency, halves by sample count).
Coyle EF, Gonzalez-Alonso J. Cardiovascular drift during prolonged exercise: new perspectives.
*Exerc Sport Sci Rev* 2001;29(2):88-92. doi:10.1097/00003677-200104000-00009.
Cole CR, Blackstone EH, Pashkow FJ, Snader CE, Lauer MS. Heart-rate recovery immediately after
exercise as a predictor of mortality. *N Engl J Med* 1999;341(18):1351-1357.
doi:10.1056/NEJM199910283411804.
"""

from __future__ import annotations

import numpy as np


def decoupling_pct(output_first, hr_first, output_second, hr_second) -> float:
    """Aerobic decoupling of the two halves' means, ``100·(EF₁ − EF₂)/EF₁``, ``EF = output/HR``.

    The drop in efficiency (output per beat), the form GoldenCheetah's
    ``AerobicDecoupling.cpp`` settled on; the rise of the HR:output ratio overstates it
    (200 W@140 → 200 W@147 bpm: 4.7619 % here, 5.0000 % as an HR:output rise).

    Parameters
    ----------
    output_first, output_second : float
        Mean power [W] or speed [m/s] of each half.
    hr_first, hr_second : float
        Mean heart rate of each half [bpm].
    """
    ef_first = output_first / hr_first
    ef_second = output_second / hr_second
    if not np.isfinite(ef_first) or ef_first == 0:
        return float("nan")
    return float(100.0 * (ef_first - ef_second) / ef_first)


def cardiac_drift_pct(hr_early_bpm: float, hr_late_bpm: float) -> float:
    """Cardiac drift, ``100·(HR_late − HR_early)/HR_early`` [%] (at steady output)."""
    if not np.isfinite(hr_early_bpm) or hr_early_bpm <= 0:
        return float("nan")
    return float(100.0 * (hr_late_bpm - hr_early_bpm) / hr_early_bpm)


def steady_halves(t_s, heart_rate_bpm, output, warmup_s: float = 600.0, min_s: float = 1200.0):
    """Split a session after its warm-up into two halves by sample count.

    Only samples with HR > 0 and a finite output are used (GoldenCheetah's rule);
    the first ``warmup_s`` seconds are dropped.

    Returns
    -------
    tuple of (hr_1, output_1, hr_2, output_2) means, or None
        None when less than ``min_s`` seconds remain after the warm-up.
    """
    t = np.asarray(t_s, dtype=float)
    hr = np.asarray(heart_rate_bpm, dtype=float)
    out = np.asarray(output, dtype=float)
    keep = (t >= t[0] + warmup_s) & (hr > 0) & np.isfinite(out) if t.size else np.zeros(0, bool)
    if keep.sum() < 4 or t[keep][-1] - t[keep][0] < min_s:
        return None
    hr, out = hr[keep], out[keep]
    half = hr.size // 2
    return hr[:half].mean(), out[:half].mean(), hr[half:].mean(), out[half:].mean()


def heart_rate_recovery_bpm(
    t_s, heart_rate_bpm, delay_s: float = 60.0, output=None, max_gap_s: float = 10.0
) -> float:
    """Heart-rate recovery: HR at the session's peak minus HR ``delay_s`` later [bpm].

    Only reported where the stream shows a recovery: samples must exist around
    ``t_peak + delay_s`` (within ``max_gap_s``), and the athlete must have stopped or eased
    off -- with an output stream, mean output over the delay below half that of the minute
    before the peak; without one, the recording ends within ``delay_s`` after the delay.
    Cole et al. (1999): ≤ 12 bpm after one minute is abnormal in a clinical exercise test; for
    athletes compare with their own history.

    Parameters
    ----------
    t_s : array-like
        Sample times [s], sorted.
    heart_rate_bpm : array-like
        Heart rate [bpm].
    delay_s : float
        Delay after the peak [s] (60 for HRR60, 120 for HRR120).
    output : array-like, optional
        Power [W] or speed [m/s] at the same samples.
    max_gap_s : float
        Largest distance of a sample from ``t_peak + delay_s`` [s].
    """
    t = np.asarray(t_s, dtype=float)
    hr = np.asarray(heart_rate_bpm, dtype=float)
    valid = np.isfinite(hr) & np.isfinite(t)
    if valid.sum() < 2:
        return float("nan")
    t, hr = t[valid], hr[valid]
    peak = int(np.argmax(hr))
    target = t[peak] + delay_s
    nearest = np.min(np.abs(t - target))
    if target > t[-1] or nearest > max_gap_s:
        return float("nan")
    eased_off = _eased_off(t, output, valid, t[peak], target)
    if eased_off is None:  # no output stream: only a peak at the end of the recording counts
        eased_off = t[-1] - target <= delay_s
    if not eased_off:
        return float("nan")
    return float(hr[peak] - np.interp(target, t, hr))


def _eased_off(t, output, valid, t_peak: float, target: float) -> bool | None:
    """Whether mean output after the peak fell below half of the minute before; None if unknown."""
    if output is None:
        return None
    power = np.asarray(output, dtype=float)[valid]
    before = power[(t >= t_peak - 60.0) & (t <= t_peak)]
    after = power[(t > t_peak) & (t <= target)]
    if np.all(np.isnan(before)) or np.all(np.isnan(after)):
        return None
    return bool(np.nanmean(after) < 0.5 * np.nanmean(before))
