"""Training monotony and strain (Foster 1998), rolling over days.

Reference
---------
Foster C. Monitoring training in athletes with reference to overtraining syndrome.
*Med Sci Sports Exerc* 1998;30(7):1164-1168.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def monotony(daily_load, ddof: int = 1) -> float:
    """Monotony of one block of days, ``mean(load)/SD(load)``.

    Parameters
    ----------
    daily_load : array-like
        Daily loads of the block (rest days are 0, NaN days are skipped).
    ddof : {0, 1}
        SD convention: 1 = sample SD (Excel ``STDEV``), 0 = population SD. Foster does
        not say which.

    Returns
    -------
    float
        Monotony [-]; NaN when the SD is 0 (identical loads, e.g. an all-rest week).
    """
    values = np.asarray(daily_load, dtype=float)
    values = values[np.isfinite(values)]
    if values.size <= ddof:
        return float("nan")
    sd = float(np.std(values, ddof=ddof))
    return float(np.mean(values)) / sd if sd > 0 else float("nan")


def strain(daily_load, ddof: int = 1) -> float:
    """Strain of one block, ``Σ load × monotony`` (Foster 1998)."""
    values = np.asarray(daily_load, dtype=float)
    return float(np.nansum(values)) * monotony(values, ddof)


def rolling_monotony_strain(
    load, window_d: int = 7, ddof: int = 1, min_valid_fraction: float = 0.7
) -> pd.DataFrame:
    """Daily-updated monotony and strain over the last ``window_d`` days.

    Parameters
    ----------
    load : array-like or pandas.Series
        Daily load, one value per consecutive day; NaN days are skipped.
    window_d : int
        Window [d].
    ddof : {0, 1}
        SD convention, see :func:`monotony`.
    min_valid_fraction : float
        Fraction of the window's days that must have a known load.

    Returns
    -------
    pandas.DataFrame
        ``monotony`` [-] and ``strain`` [load units]. The weekly load in the strain is
        ``window_d × mean`` of the known days (the plain sum when every day is known).
        NaN until the series is ``window_d`` days long.
    """
    series = load.astype(float) if isinstance(load, pd.Series) else pd.Series(load, dtype=float)
    min_periods = max(ddof + 1, math.ceil(min_valid_fraction * window_d))
    rolling = series.rolling(window_d, min_periods=min_periods)
    mean = rolling.mean()
    sd = rolling.std(ddof=ddof)
    mono = (mean / sd.where(sd > 1e-12)).astype(float)
    mono.iloc[: window_d - 1] = np.nan  # warm-up: the first full window
    return pd.DataFrame({"monotony": mono, "strain": window_d * mean * mono}, index=series.index)
