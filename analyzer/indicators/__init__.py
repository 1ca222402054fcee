"""Fatigue and overuse indicators: pure functions from canonical tables to session and daily tables.

Modules, one idea each: :mod:`trimp` (Banister/Edwards/Lucia TRIMP, sRPE, hrTSS), :mod:`power`
(NP/IF/TSS), :mod:`pmc` (Banister model, CTL/ATL/TSB), :mod:`acwr`, :mod:`monotony`,
:mod:`streaks` (hard days, days since rest), :mod:`stream` (decoupling, drift, HRR),
:mod:`session` (per-session table), :mod:`habit` (relative to the previous 90 days),
:mod:`recovery` (resting HR and lnRMSSD baselines), :mod:`sleep` (nights and sleep debt),
:mod:`daily` (the daily table), :mod:`recent` (the last four weeks at a glance, for a roster)
and :mod:`params` (every disputed convention).
"""

from analyzer.indicators.daily import DAILY_COLUMNS, daily_table
from analyzer.indicators.params import DEFAULT_PARAMS, IndicatorParams
from analyzer.indicators.session import SESSION_COLUMNS, session_metrics, sessions_table

__all__ = [
    "DAILY_COLUMNS",
    "DEFAULT_PARAMS",
    "IndicatorParams",
    "SESSION_COLUMNS",
    "daily_table",
    "session_metrics",
    "sessions_table",
]
