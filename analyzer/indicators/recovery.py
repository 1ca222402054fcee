"""Resting heart rate and HRV (lnRMSSD) against a rolling personal baseline.

References
----------
Task Force of the ESC and NASPE. Heart rate variability: standards of measurement.
*Circulation* 1996;93:1043-1065 (RMSSD).
Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
variability in elite endurance athletes. *Sports Med* 2013;43(9):773-781 (7-day rolling lnRMSSD).
Plews DJ et al. Monitoring training with HRV: how much compliance is needed? *IJSPP*
2014;9(5):783-790 (at least 3 valid days a week).
Buchheit M. Monitoring training status with HR measures. *Front Physiol* 2014;5:73.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rmssd_ms(rr_ms) -> float:
    """Root mean square of successive RR differences [ms].

    Parameters
    ----------
    rr_ms : array-like
        Consecutive RR (NN) intervals [ms]; NaN intervals are dropped with their neighbours'
        differences.
    """
    rr = np.asarray(rr_ms, dtype=float)
    diffs = np.diff(rr)
    diffs = diffs[np.isfinite(diffs)]
    if diffs.size == 0:
        return float("nan")
    return float(np.sqrt(np.mean(diffs**2)))


def ln_rmssd(rmssd) -> np.ndarray | float:
    """Natural log of RMSSD (NaN where RMSSD is missing or not positive)."""
    values = np.asarray(rmssd, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), np.nan)
    return out if out.ndim else float(out)


def baseline_stats(baseline_values, ddof: int = 1) -> tuple[float, float]:
    """Mean and SD of a baseline period (NaN values skipped)."""
    values = np.asarray(baseline_values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size <= ddof:
        return float("nan"), float("nan")
    return float(np.mean(values)), float(np.std(values, ddof=ddof))


def swc_band(baseline_values, width_sd: float = 0.5) -> tuple[float, float]:
    """Smallest-worthwhile-change band ``μ_b ± 0.5·σ_b`` of a baseline period."""
    mean, sd = baseline_stats(baseline_values)
    return mean - width_sd * sd, mean + width_sd * sd


def zscore_against(value, baseline_values):
    """``(x − μ_b)/σ_b`` against a fixed baseline period (sample SD)."""
    mean, sd = baseline_stats(baseline_values)
    if not np.isfinite(sd) or sd == 0:
        return np.nan
    return (np.asarray(value, dtype=float) - mean) / sd


def rolling_mean_min_valid(values: pd.Series, window_d: int, min_valid_d: int) -> pd.Series:
    """Rolling mean over ``window_d`` days (current day included) with a minimum of valid days."""
    return values.astype(float).rolling(window_d, min_periods=min_valid_d).mean()


def rolling_baseline(values: pd.Series, window_d: int = 28, min_valid_d: int = 14) -> pd.DataFrame:
    """Personal baseline of the preceding ``window_d`` days, excluding the current day.

    Parameters
    ----------
    values : pandas.Series
        One value per consecutive day (NaN = not measured).
    window_d : int
        Baseline window [d].
    min_valid_d : int
        Warm-up: days with a value the window must hold; otherwise NaN.

    Returns
    -------
    pandas.DataFrame
        ``mean``, ``sd`` (sample SD) and ``z`` = (today − mean)/sd.
    """
    series = values.astype(float)
    rolling = series.rolling(window_d, min_periods=min_valid_d)
    mean = rolling.mean().shift(1)
    sd = rolling.std(ddof=1).shift(1)
    z = (series - mean) / sd.where(sd > 0)
    return pd.DataFrame({"mean": mean, "sd": sd, "z": z}, index=series.index)
