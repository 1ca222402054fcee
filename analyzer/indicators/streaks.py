"""Day patterns: hard days in a row and days since the last rest day."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def hard_day_flags(
    load, factor: float = 1.5, baseline_d: int = 28, min_valid_fraction: float = 0.7
) -> pd.Series:
    """Flag days whose load is at least ``factor`` × the mean load of the preceding days.

    The baseline is the mean daily load of the ``baseline_d`` days before the day
    (the day itself excluded, missing days skipped). No flag (NaN) while the baseline
    is warming up or when the day's load is missing.

    Returns
    -------
    pandas.Series
        1.0 (hard), 0.0 (not hard) or NaN (unknown).
    """
    series = load.astype(float) if isinstance(load, pd.Series) else pd.Series(load, dtype=float)
    min_periods = max(1, math.ceil(min_valid_fraction * baseline_d))
    baseline = series.rolling(baseline_d, min_periods=min_periods).mean().shift(1)
    baseline.iloc[:baseline_d] = np.nan
    hard = (series >= factor * baseline) & (series > 0)
    return hard.astype(float).where(series.notna() & baseline.notna())


def consecutive_true(flags) -> np.ndarray:
    """Length of the run of 1.0 flags ending on each day; NaN on unknown days.

    An unknown day breaks the run: the count restarts after it.
    """
    values = np.asarray(flags, dtype=float)
    true = values == 1.0
    index = np.arange(values.size)
    last_break = np.maximum.accumulate(np.where(~true, index, -1)) if values.size else index
    out = (index - last_break).astype(float)
    out[np.isnan(values)] = np.nan
    return out


def days_since_rest(load, rest_max_load: float = 0.0) -> np.ndarray:
    """Days since the last known rest day (0 on a rest day).

    A rest day has a known load ``<= rest_max_load``. Missing days are neither rest nor
    training: they do not reset the count, but the count is NaN on them. NaN before the
    first known rest day.
    """
    values = np.asarray(load, dtype=float)
    index = np.arange(values.size)
    rest = np.isfinite(values) & (values <= rest_max_load)
    last_rest = np.maximum.accumulate(np.where(rest, index, -1)) if values.size else index
    out = (index - last_rest).astype(float)
    out[(last_rest < 0) | ~np.isfinite(values)] = np.nan
    return out
