"""The rules that turn the daily table into an exposure's daily values.

Each rule reads the indicators' daily table (one row per local date) and
gives one value a day: 1.0 exposed, 0.0 not exposed, ``NaN`` missing (never
0), or the underlying measure itself for a per-SD estimate. A session
measure (intensity or duration relative to habit, temperature) is 0 on a
rest day with device data, and missing on a day without any
(:func:`covered_days`, :func:`training_days`). The ``session_*`` and
:func:`per_session` rules give the same exposure for each session of the
session table (:func:`analyzer.findings.sessions.session_units`), read when
exercise cramps are compared session by session.

The hard-day rule compares the day's load with the mean load of the 28 days
before it (21 of them with data), the chronic load of the acute:chronic
workload ratio; the pre-specified exposures built from these rules, and why
that ratio is treated descriptively (Lolli et al. *BJSM* 2019;53:921-922), are
in :mod:`analyzer.findings.exposures`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def daily_column(daily: pd.DataFrame, name: str) -> np.ndarray:
    """The daily table's column ``name`` as floats; all missing when the table lacks it."""
    if name not in daily.columns:
        return np.full(len(daily), np.nan)
    return pd.to_numeric(daily[name], errors="coerce").to_numpy(dtype=float)


def training_days(daily: pd.DataFrame) -> np.ndarray:
    """True on days with at least one recorded session, whether or not its load is known.

    Falls back on ``load > 0`` for a daily table without ``session_count``.
    """
    if "session_count" in daily.columns:
        return np.nan_to_num(daily_column(daily, "session_count")) > 0
    return np.nan_to_num(daily_column(daily, "load")) > 0


def covered_days(daily: pd.DataFrame) -> np.ndarray:
    """Boolean mask of days with any device data, from the daily table's ``coverage``.

    Accepts a numeric coverage (covered when > 0), a boolean, or text (covered
    when not empty and not ``"none"``); without the column, a day is covered
    when any numeric indicator is present.
    """
    if "coverage" in daily.columns:
        cov = daily["coverage"]
        numeric = pd.to_numeric(cov, errors="coerce")
        if numeric.notna().any():
            return numeric.fillna(0).to_numpy() > 0
        text = cov.astype("object").where(cov.notna(), "").astype(str).str.strip().str.lower()
        return ~text.isin(["", "none", "nan", "false", "0", "missing"]).to_numpy()
    numeric = daily.drop(columns=[c for c in ("day", "date") if c in daily.columns])
    numeric = numeric.apply(pd.to_numeric, errors="coerce")
    return numeric.notna().any(axis=1).to_numpy()


def at_risk(daily: pd.DataFrame, cramp_type: str) -> np.ndarray:
    """True on the days a cramp of ``cramp_type`` could have happened and been compared.

    Exercise-associated cramps need a session: their days at risk are the
    :func:`training_days` (whether or not the load is known, so the exposures
    that need no load are still compared). Nocturnal cramps need a night with
    device data: their days at risk are the :func:`covered_days` (a night
    belongs to its wake-up date). Days without any device data are never at
    risk, so missing data never counts as a day without cramps.
    """
    if cramp_type == "exercise":
        return training_days(daily)
    return covered_days(daily)


def _rest_day(daily: pd.DataFrame) -> np.ndarray:
    """True on days with device data but no session: not exposed to session measures."""
    return covered_days(daily) & ~training_days(daily)


def _binary(values: np.ndarray, exposed: np.ndarray) -> np.ndarray:
    """1.0 where ``exposed``, 0.0 where not, ``NaN`` where ``values`` is missing."""
    out = np.where(exposed, 1.0, 0.0)
    out[np.isnan(values)] = np.nan
    return out


def above(column: str, threshold: float, session: bool = False, below: bool = False):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = daily_column(daily, column)
        with np.errstate(invalid="ignore"):
            out = _binary(x, x < threshold if below else x > threshold)
        if session:
            out[np.isnan(x) & _rest_day(daily)] = 0.0
        return out

    return values


def above_quantile(column: str, quantile: float, session: bool = False):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = daily_column(daily, column)
        finite = x[np.isfinite(x)]
        if finite.size < 10:
            return np.full(x.size, np.nan)
        return above(column, float(np.quantile(finite, quantile)), session)(daily)

    return values


def at_least(column: str, threshold: float):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = daily_column(daily, column)
        with np.errstate(invalid="ignore"):
            return _binary(x, x >= threshold)

    return values


def load_ratio(daily: pd.DataFrame) -> np.ndarray:
    """The day's load over the mean load of the 28 days before it (21 of them with data)."""
    load = daily_column(daily, "load")
    chronic = _chronic_load(daily)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chronic > 0, load / chronic, np.nan)


def hard_day(threshold: float):
    def values(daily: pd.DataFrame) -> np.ndarray:
        ratio = load_ratio(daily)
        with np.errstate(invalid="ignore"):
            return _binary(ratio, ratio >= threshold)

    return values


def raw(column: str):
    return lambda daily: daily_column(daily, column)


def per_session(rule):
    """A daily rule applied to the session table instead (same columns)."""
    return lambda units, daily: rule(units)


def _chronic_load(daily: pd.DataFrame) -> np.ndarray:
    """Mean daily load of the 28 days before each day (21 of them with data)."""
    load = pd.Series(daily_column(daily, "load"))
    return load.shift(1).rolling(28, min_periods=21).mean().to_numpy()


def session_load_ratio(units: pd.DataFrame, daily: pd.DataFrame) -> np.ndarray:
    """The day's load up to and including each session over the 28-day mean before the day."""
    chronic = _chronic_load(daily)[units["pos"].to_numpy()]
    so_far = units["load_so_far"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chronic > 0, so_far / chronic, np.nan)


def session_hard_day(threshold: float):
    def values(units: pd.DataFrame, daily: pd.DataFrame) -> np.ndarray:
        ratio = session_load_ratio(units, daily)
        with np.errstate(invalid="ignore"):
            return _binary(ratio, ratio >= threshold)

    return values


def constant(values: np.ndarray):
    """An exposure whose daily values do not depend on the daily table (a medication log)."""
    return lambda daily: values
