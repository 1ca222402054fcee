"""Acute:chronic workload ratios: rolling coupled, rolling uncoupled and EWMA.

Shown as a descriptive "load spike" indicator only: the 0.8-1.3 "sweet spot" is not
validated (Impellizzeri et al. *Sports Med* 2021;51:581-592; Lolli et al. *BJSM* 2019).

References
----------
Hulin BT et al. The acute:chronic workload ratio predicts injury. *BJSM* 2016;50:231-236.
Windt J, Gabbett TJ. Is it all for naught? What does mathematical coupling mean for
acute:chronic workload ratios? *BJSM* 2019;53(16):988-990 (uncoupled form).
Williams S, West S, Cross MJ, Stokes KA. Better way to determine the acute:chronic workload
ratio? *BJSM* 2017;51(3):209-210 (EWMA, ``λ = 2/(N + 1)``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analyzer.indicators.pmc import ewma


def _rolling_mean(load: pd.Series, window_d: int, min_valid_fraction: float) -> pd.Series:
    min_periods = max(1, math.ceil(min_valid_fraction * window_d))
    return load.rolling(window_d, min_periods=min_periods).mean()


def _warm(ratio: pd.Series, warmup_d: int) -> pd.Series:
    ratio = ratio.replace([np.inf, -np.inf], np.nan)
    ratio.iloc[: max(0, warmup_d - 1)] = np.nan
    return ratio


def _as_series(load) -> pd.Series:
    return load.astype(float) if isinstance(load, pd.Series) else pd.Series(load, dtype=float)


def acwr_rolling_coupled(
    load,
    acute_d: int = 7,
    chronic_d: int = 28,
    min_valid_fraction: float = 0.7,
    warmup_d: int | None = None,
) -> pd.Series:
    """Rolling-average ACWR with the acute week inside the chronic window.

    ``mean(L_{t−6..t}) / mean(L_{t−27..t})`` (Hulin et al. 2016).

    Parameters
    ----------
    load : array-like or pandas.Series
        Daily load, one value per consecutive day; NaN (no data) is skipped, not read as 0.
    acute_d, chronic_d : int
        Window lengths [d].
    min_valid_fraction : float
        Fraction of each window's days that must have a known load.
    warmup_d : int, optional
        No value before this many days of history (default: ``chronic_d``).
    """
    series = _as_series(load)
    acute = _rolling_mean(series, acute_d, min_valid_fraction)
    chronic = _rolling_mean(series, chronic_d, min_valid_fraction)
    return _warm(acute / chronic, chronic_d if warmup_d is None else warmup_d)


def acwr_rolling_uncoupled(
    load,
    acute_d: int = 7,
    chronic_d: int = 28,
    min_valid_fraction: float = 0.7,
    warmup_d: int | None = None,
) -> pd.Series:
    """Rolling-average ACWR with the chronic window before the acute week.

    ``mean(L_{t−6..t}) / mean(L_{t−27..t−7})`` (Windt & Gabbett 2019; Lolli et al. 2019).
    Parameters as :func:`acwr_rolling_coupled`.
    """
    series = _as_series(load)
    acute = _rolling_mean(series, acute_d, min_valid_fraction)
    chronic = _rolling_mean(series, chronic_d - acute_d, min_valid_fraction).shift(acute_d)
    return _warm(acute / chronic, chronic_d if warmup_d is None else warmup_d)


def ewma_lambda(window_d: int) -> float:
    """EWMA decay ``λ = 2/(N + 1)`` for an N-day window (Williams et al. 2017)."""
    return 2.0 / (window_d + 1.0)


def acwr_ewma(
    load,
    acute_d: int = 7,
    chronic_d: int = 28,
    seed: str = "first_load",
    missing_as_zero: bool = True,
    warmup_d: int | None = None,
    min_valid_fraction: float = 0.7,
    measured=None,
) -> pd.DataFrame:
    """EWMA acute and chronic load and their ratio (Williams et al. 2017).

    ``E_t = λ·L_t + (1 − λ)·E_{t−1}`` with ``λ = 2/(N + 1)``.

    Parameters
    ----------
    load : array-like or pandas.Series
        Daily load, one value per consecutive day.
    acute_d, chronic_d : int
        N of the acute and chronic EWMA [d] (7 → λ = 0.25, 28 → λ = 0.068966).
    seed : {"first_load", "zero"}
        Williams et al. leave seeding open: ``"first_load"`` (R package ``ACWR``) sets
        ``E_0 = L_0``; ``"zero"`` starts from 0. On the ``ACWR`` test series the ratio is
        1.2497 vs 1.3994.
    missing_as_zero : bool
        Days without data enter as 0 (True) or hold the average (False).
    warmup_d : int, optional
        No ratio before this many days of history (default: ``chronic_d``).
    min_valid_fraction : float
        Fraction of the last ``chronic_d`` days that must have a known load for
        a ratio, as for the rolling ratios: after weeks without any data the
        chronic average has decayed towards 0 and the first session back would
        read as a spike of ``λ_a/λ_c`` (3.6 for 7 and 28 days) whatever its load.
    measured : array-like of bool, optional
        Which days' load was measured, when ``load`` already holds a stand-in for the
        others (0 for days without data); default: the days whose load is not NaN.

    Returns
    -------
    pandas.DataFrame
        ``acute_ewma``, ``chronic_ewma`` [load units] and ``acwr_ewma`` [-].
    """
    series = _as_series(load)
    if seed not in ("first_load", "zero"):
        raise ValueError(f"seed must be 'first_load' or 'zero'; got {seed!r}")
    start = None if seed == "first_load" else 0.0
    acute = ewma(series.to_numpy(), ewma_lambda(acute_d), start, missing_as_zero)
    chronic = ewma(series.to_numpy(), ewma_lambda(chronic_d), start, missing_as_zero)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = pd.Series(acute / chronic, index=series.index)
    ratio = _warm(ratio, chronic_d if warmup_d is None else warmup_d)
    known = series.notna() if measured is None else pd.Series(np.asarray(measured, dtype=bool))
    known_d = known.astype(float).rolling(chronic_d, min_periods=1).sum().to_numpy()
    ratio = ratio.where(known_d >= math.ceil(min_valid_fraction * chronic_d))
    return pd.DataFrame(
        {"acute_ewma": acute, "chronic_ewma": chronic, "acwr_ewma": ratio.to_numpy()},
        index=series.index,
    )
