"""Case-crossover design: build matched windows per exposure and estimate odds ratios.

The design (Maclure M. The case-crossover design: a method for studying transient
effects on the risk of acute events. *Am J Epidemiol* 1991;133(2):144-153,
doi:10.1093/oxfordjournals.aje.a115853) compares the exposure in each
cramp's hazard window with the same athlete's exposure on referent days of the
same time stratum. :func:`build_design` selects the referent days once per
cramp type; :func:`exposure_windows` reads one exposure at its hazard-window
lag (dropping days without data); :func:`estimate` fits the conditional
likelihood, or runs the exact conditional test when events are few. Windows of
several athletes can be stacked (strata stay per event) to pool a squad.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.findings.clogit import fit_clogit, likelihood_ratio_p
from analyzer.findings.exact import exact_binary_test
from analyzer.findings.exposure_rules import at_risk
from analyzer.findings.params import FindingsParams
from analyzer.findings.referents import as_days, time_stratified_referents


def prepare_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """Return the daily table on a gap-free range of local dates.

    Adds a ``day`` column (``datetime64[D]``); dates missing from the input
    become all-``NaN`` rows (missing is not zero). Duplicate dates keep the last row.
    """
    if daily is None or len(daily) == 0 or "date" not in daily.columns:
        return pd.DataFrame({"day": np.array([], dtype="datetime64[D]")})
    frame = daily.copy()
    frame["day"] = as_days(frame["date"])
    frame = frame.dropna(subset=["day"]).drop_duplicates("day", keep="last").set_index("day")
    full = np.arange(
        frame.index.min(), frame.index.max() + np.timedelta64(1, "D"), dtype="datetime64[D]"
    )
    frame = frame.reindex(pd.Index(full, name="day")).reset_index()
    frame["day"] = full
    return frame


def day_axis(daily: pd.DataFrame) -> np.ndarray:
    """The prepared daily table's days as ``datetime64[D]`` (pandas stores seconds)."""
    if "day" not in daily.columns:
        return np.array([], dtype="datetime64[D]")
    return daily["day"].to_numpy().astype("datetime64[D]")


@dataclass
class Design:
    """Case and referent days of one cramp type for one athlete.

    Attributes
    ----------
    cramp_type : str
        ``"exercise"`` or ``"nocturnal"``.
    windows : pandas.DataFrame
        ``event``, ``day``, ``is_case``, ``stratum`` and ``pos`` (row of the
        prepared daily table).
    n_cramps : int
        Cramps of this type logged (before merging cramps of the same day).
    n_outside : int
        Cramp days outside the span of the daily table (no data at all).
    n_not_at_risk : int
        Cramp days inside the span that are not at risk: for exercise cramps
        a day without a recorded session, for nocturnal cramps a day without
        any device data. Their exposures are unknown, so they are not compared.
    n_without_session : int
        Exercise-cramp days with sessions, none of which the cramps were in or
        just after (session-level design only): not compared.
    """

    cramp_type: str
    windows: pd.DataFrame
    n_cramps: int
    n_outside: int
    n_not_at_risk: int = 0
    n_without_session: int = 0


def at_risk_days(daily: pd.DataFrame, cramp_type: str) -> np.ndarray:
    """Referent candidates: the days at risk (:func:`analyzer.findings.exposure_rules.at_risk`).

    Each exposure further skips days where its own inputs are missing
    (``Exposure.requires``).
    """
    return day_axis(daily)[at_risk(daily, cramp_type)]


def build_design(
    daily: pd.DataFrame, index_days, cramp_type: str, params: FindingsParams
) -> Design:
    """Select the time-stratified referents of each cramp day of one type.

    Parameters
    ----------
    daily : pandas.DataFrame
        Output of :func:`prepare_daily`.
    index_days : array_like of dates
        Index day of each cramp of this type (see :mod:`analyzer.findings.events`).
    cramp_type : str
        Exercise cramps take referents only from training days (they cannot
        happen on a rest day); nocturnal cramps from any day.
    params : FindingsParams
        Stratum scheme, weekday matching and washout.
    """
    events = as_days(index_days) if len(index_days) else np.array([], dtype="datetime64[D]")
    days = day_axis(daily)
    inside = (
        (events >= days[0]) & (events <= days[-1]) if days.size else np.zeros(events.size, bool)
    )
    at_risk = at_risk_days(daily, cramp_type)
    usable = inside & np.isin(events, at_risk)
    refs = time_stratified_referents(
        events[usable],
        at_risk,
        scheme=params.stratum_scheme,
        stratum_days=params.stratum_days,
        same_weekday=params.same_weekday,
        washout_days=params.washout_days,
    )
    if days.size:
        refs["pos"] = (as_days(refs["day"]) - days[0]).astype(np.int64)
    else:
        refs["pos"] = np.array([], dtype=np.int64)
    return Design(
        cramp_type,
        refs,
        int(events.size),
        int((~inside).sum()),
        int((inside & ~usable).sum()),
    )


@dataclass
class Windows:
    """Matched windows of one exposure: one row per case or referent day.

    Attributes
    ----------
    event : numpy.ndarray of int
        Matched set (event) of each window.
    is_case : numpy.ndarray of bool
        True for the case window of its set.
    x : numpy.ndarray of float
        Exposure value (no ``NaN``).
    cov : numpy.ndarray of float or None
        Covariates held fixed, shape (n_windows, n_covariates).
    pos : numpy.ndarray of int or None
        Row of the prepared daily table each window's index day is (before the
        lag); ``None`` for windows stacked over athletes.
    unit : numpy.ndarray of int or None
        Session row of each window in a session-level design (-1 for a day).
    """

    event: np.ndarray
    is_case: np.ndarray
    x: np.ndarray
    cov: np.ndarray | None = None
    pos: np.ndarray | None = None
    unit: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def n_events(self) -> int:
        return int(self.is_case.sum())

    def per_event(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Binary exposure: case exposed ``a``, exposed windows ``k``, windows ``n`` per event."""
        _, codes = np.unique(self.event, return_inverse=True)
        k = np.bincount(codes, weights=self.x)
        n = np.bincount(codes)
        a = np.bincount(codes, weights=self.x * self.is_case)
        return a, k, n

    def varies(self) -> bool:
        """Whether the exposure differs between windows of at least one event."""
        _, codes = np.unique(self.event, return_inverse=True)
        high = np.full(codes.max() + 1, -np.inf)
        low = np.full(codes.max() + 1, np.inf)
        np.maximum.at(high, codes, self.x)
        np.minimum.at(low, codes, self.x)
        return bool(np.any(high > low))

    @staticmethod
    def stack(parts: list[Windows]) -> Windows:
        """Stack windows of several athletes, keeping each event its own matched set."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return Windows(np.array([], int), np.array([], bool), np.array([], float))
        offsets = np.cumsum([0] + [int(p.event.max()) + 1 for p in parts[:-1]])
        cov = None if any(p.cov is None for p in parts) else np.vstack([p.cov for p in parts])
        return Windows(
            np.concatenate([p.event + o for p, o in zip(parts, offsets)]),
            np.concatenate([p.is_case for p in parts]),
            np.concatenate([p.x for p in parts]),
            cov,
        )


def exposure_windows(
    design: Design,
    values: np.ndarray,
    lag: int,
    covariates: np.ndarray | None = None,
    session_values: np.ndarray | None = None,
) -> Windows:
    """Read an exposure at its hazard-window lag for every case and referent window.

    In a session-level design (``unit`` in the windows) an exposure with
    ``session_values`` reads each window's own session instead of its day
    (see :mod:`analyzer.findings.sessions`). Windows whose exposure
    (or covariate) is missing, or falls outside the daily table, are dropped;
    then events left without their case or without any referent are dropped too.
    """
    w = design.windows
    event = w["event"].to_numpy()
    is_case = w["is_case"].to_numpy(dtype=bool)
    pos = w["pos"].to_numpy() + lag
    ok = (pos >= 0) & (pos < values.size)
    x = np.full(pos.size, np.nan)
    x[ok] = values[pos[ok]]
    unit = w["unit"].to_numpy(dtype=np.int64) if "unit" in w.columns else None
    if unit is not None and session_values is not None:
        x = np.where(unit >= 0, session_values[np.maximum(unit, 0)], np.nan)
    keep = ~np.isnan(x)
    cov = None
    if covariates is not None:
        cov = np.full((pos.size, covariates.shape[1]), np.nan)
        cov[ok] = covariates[pos[ok]]
        keep &= ~np.isnan(cov).any(axis=1)
    n_events = int(event.max()) + 1 if event.size else 0
    cases = np.bincount(event[keep], weights=is_case[keep], minlength=n_events)
    size = np.bincount(event[keep], minlength=n_events)
    keep &= ((cases == 1) & (size >= 2))[event] if event.size else keep
    return Windows(
        event[keep],
        is_case[keep],
        x[keep],
        None if cov is None else cov[keep],
        w["pos"].to_numpy()[keep],
        None if unit is None else unit[keep],
    )


def _result(status: str, n_events: int = 0, n_referents: int = 0, **values) -> dict:
    base = dict(
        status=status,
        estimate=np.nan,
        ci_low=np.nan,
        ci_high=np.nan,
        p_value=np.nan,
        n_events=n_events,
        n_referents=n_referents,
        exposed_events=np.nan,
        method="",
    )
    base.update(values)
    return base


def estimate(windows: Windows, kind: str, params: FindingsParams) -> dict:
    """Odds ratio, confidence limits and p-value from matched windows.

    Binary exposures: conditional maximum-likelihood odds ratio with the exact
    conditional test and exact limits (``params.binary_test="exact"``, the
    default); with ``"auto"``, Wald limits and a likelihood-ratio test from
    ``params.exact_below_events`` events on, unless the maximum lies at
    infinity.
    Continuous exposures (already scaled per SD): conditional maximum
    likelihood, Wald limits, likelihood-ratio test (nested model without the
    exposure when covariates are present).

    Returns
    -------
    dict
        ``status`` (``"ok"``, ``"no_events"``, ``"never_varies"``,
        ``"not_estimable"``), ``estimate``, ``ci_low``, ``ci_high``,
        ``p_value``, ``n_events``, ``n_referents``, ``exposed_events``, ``method``.
    """
    n_events = windows.n_events
    n_referents = len(windows) - n_events
    if n_events == 0:
        return _result("no_events")
    if not windows.varies():
        return _result("never_varies", n_events, n_referents)
    if kind == "binary":
        return _estimate_binary(windows, n_events, n_referents, params)
    design = (
        windows.x[:, None] if windows.cov is None else np.column_stack([windows.x, windows.cov])
    )
    fit = fit_clogit(design, windows.event, windows.is_case)
    if fit.separated or not np.isfinite(fit.se[0]):
        return _result(
            "not_estimable", n_events, n_referents, method="conditional logistic regression"
        )
    if windows.cov is not None:
        reduced = fit_clogit(windows.cov, windows.event, windows.is_case).loglik
    else:
        reduced = fit.loglik_null
    low, high = fit.wald_ci(params.confidence_level)
    return _result(
        "ok",
        n_events,
        n_referents,
        estimate=float(fit.odds_ratio[0]),
        ci_low=float(low[0]),
        ci_high=float(high[0]),
        p_value=likelihood_ratio_p(fit, reduced),
        method="conditional logistic regression (Wald CI, likelihood-ratio test)",
    )


def _estimate_binary(
    windows: Windows, n_events: int, n_referents: int, params: FindingsParams
) -> dict:
    a, k, n = windows.per_event()
    exposed_events = int(a.sum())
    use_lr = params.binary_test == "auto" and n_events >= params.exact_below_events
    fit = fit_clogit(windows.x, windows.event, windows.is_case) if use_lr else None
    if use_lr and not fit.separated:
        low, high = fit.wald_ci(params.confidence_level)
        return _result(
            "ok",
            n_events,
            n_referents,
            estimate=float(fit.odds_ratio[0]),
            ci_low=float(low[0]),
            ci_high=float(high[0]),
            p_value=likelihood_ratio_p(fit, fit.loglik_null),
            exposed_events=exposed_events,
            method="conditional logistic regression (Wald CI, likelihood-ratio test)",
        )
    exact = exact_binary_test(a, k, n, level=params.confidence_level)
    return _result(
        "ok",
        n_events,
        n_referents,
        estimate=exact.estimate,
        ci_low=exact.ci_low,
        ci_high=exact.ci_high,
        p_value=exact.p_value,
        exposed_events=exposed_events,
        method="exact conditional test (exact CI)",
    )
