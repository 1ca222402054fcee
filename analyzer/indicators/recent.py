"""An athlete's recent weeks at a glance: load, sleep and data coverage, with simple flags.

For a coach's roster: the last ``days`` days of an athlete's daily table
(:func:`analyzer.indicators.daily_table`), counted against thresholds the
caller passes (the roster uses the findings' own pre-specified thresholds, so
the roster and the findings agree on what "high" and "short" mean).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RECENT_DAYS = 28


def recent_flags(
    daily: pd.DataFrame,
    *,
    days: int = RECENT_DAYS,
    acwr_high: float = 1.5,
    short_sleep_h: float = 6.0,
) -> dict:
    """Load and sleep over an athlete's last ``days`` days of data, with simple flags.

    Parameters
    ----------
    daily : DataFrame
        The athlete's daily table (``analyzer.indicators.daily_table``).
    days : int
        Window ending on the athlete's last date with data [d].
    acwr_high : float
        EWMA acute:chronic workload ratio above which a day counts as high [-].
    short_sleep_h : float
        A night with less sleep than this is short [h].

    Returns
    -------
    dict
        ``last_date``, ``load_28d`` [a.u.] (sum of the known daily loads, NaN
        when none is known), ``acwr_high_days``, ``short_nights``,
        ``nights_recorded``, ``sleep_debt_7n_h`` (latest) [h] and
        ``coverage_pct`` (days with any device data among the ``days``) [%].
    """
    if daily.empty:
        return {
            "last_date": None,
            "load_28d": np.nan,
            "acwr_high_days": 0,
            "short_nights": 0,
            "nights_recorded": 0,
            "sleep_debt_7n_h": np.nan,
            "coverage_pct": 0.0,
        }
    dates = pd.to_datetime(daily["date"].astype(str))
    last = dates.max()
    recent = daily.loc[dates > last - pd.Timedelta(days=days)]
    asleep = pd.to_numeric(recent.get("sleep_asleep_min"), errors="coerce")
    debt = pd.to_numeric(recent.get("sleep_debt_7n_h"), errors="coerce").dropna()
    acwr = pd.to_numeric(recent.get("acwr_ewma"), errors="coerce")
    covered = (
        recent["coverage"].ne("none")
        if "coverage" in recent.columns
        else pd.Series(False, index=recent.index)
    )
    return {
        "last_date": last.date(),
        "load_28d": float(pd.to_numeric(recent["load"], errors="coerce").sum(min_count=1)),
        "acwr_high_days": int((acwr > acwr_high).sum()),
        "short_nights": int((asleep < short_sleep_h * 60).sum()),
        "nights_recorded": int(asleep.notna().sum()),
        "sleep_debt_7n_h": float(debt.iloc[-1]) if len(debt) else np.nan,
        "coverage_pct": 100.0 * float(covered.sum()) / days,
    }
