"""Exact conditional inference for one binary exposure in 1:M matched sets.

Given the number of exposed windows ``k_i`` among the ``n_i = M_i + 1`` windows
of event ``i``, the case is exposed with probability
``k_i psi / (k_i psi + n_i - k_i)`` (``psi`` the odds ratio), independently
over events. The sufficient statistic ``T = sum_i a_i`` (exposed cases) thus has
a Poisson-binomial distribution, which gives an exact test and exact
confidence limits (Breslow & Day 1980, ch. 7; Mehta CR, Patel NR. *Stat Med*
1995;14:2143-2160). For 1:1 pairs this reduces to the binomial test on the
discordant pairs and Clopper-Pearson limits converted to ``p / (1 - p)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

_LOG_PSI_BOUND = 25.0


@dataclass(frozen=True)
class ExactResult:
    """Exact conditional test of one binary exposure.

    Attributes
    ----------
    estimate : float
        Conditional maximum-likelihood odds ratio (``inf`` or ``0`` when every
        informative case is / none is exposed).
    ci_low, ci_high : float
        Exact confidence limits (``0`` / ``inf`` when unbounded).
    p_value : float
        Two-sided exact p-value ("minimum likelihood": the probability, under
        no association, of outcomes no more likely than the one observed;
        the convention of ``scipy.stats.binomtest``).
    n_informative : int
        Events whose windows differ in exposure (the only ones that carry
        information).
    exposed_cases : int
        Observed ``T``.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    n_informative: int
    exposed_cases: int


def poisson_binomial_pmf(probs: np.ndarray) -> np.ndarray:
    """PMF of a sum of independent Bernoulli(``probs``) variables.

    Events sharing a probability (same exposed count and window count) are
    pooled into one binomial, and the binomials are convolved: exact, and fast
    when a squad contributes thousands of events with few distinct probabilities.
    """
    probs = np.clip(np.asarray(probs, dtype=float), 1e-300, 1 - 1e-16)
    values, counts = np.unique(probs, return_counts=True)
    # Binomial(count, value) PMFs of all groups at once, via log-gamma, one row per group.
    j = np.arange(counts.max() + 1 if counts.size else 1)
    n = counts[:, None]
    with np.errstate(invalid="ignore"):
        log_pmf = (
            special.gammaln(n + 1)
            - special.gammaln(j + 1)
            - special.gammaln(n - j + 1)
            + j * np.log(values)[:, None]
            + (n - j) * np.log1p(-values)[:, None]
        )
    rows = np.where(j <= n, np.exp(log_pmf), 0.0)
    pmf = np.ones(1)
    for row, c in zip(rows, counts):
        pmf = np.convolve(pmf, row[: c + 1])
    return pmf


def _case_probs(k: np.ndarray, n: np.ndarray, log_psi: float) -> np.ndarray:
    psi = np.exp(log_psi)
    return k * psi / (k * psi + n - k)


def exact_binary_test(case_exposed, n_exposed, n_windows, level: float = 0.95) -> ExactResult:
    """Exact conditional test and confidence limits for a binary exposure.

    Parameters
    ----------
    case_exposed : array_like of {0, 1}
        Whether each event's case window is exposed.
    n_exposed : array_like of int
        Exposed windows per event, case included (``k_i``).
    n_windows : array_like of int
        Windows per event, case included (``n_i = M_i + 1``).
    level : float
        Confidence level.
    """
    a = np.asarray(case_exposed, dtype=int)
    k = np.asarray(n_exposed, dtype=float)
    n = np.asarray(n_windows, dtype=float)
    informative = (k > 0) & (k < n)
    a, k, n = a[informative], k[informative], n[informative]
    t = int(a.sum())
    if a.size == 0:
        return ExactResult(np.nan, 0.0, np.inf, 1.0, 0, 0)
    pmf0 = poisson_binomial_pmf(_case_probs(k, n, 0.0))
    p_value = float(min(1.0, pmf0[pmf0 <= pmf0[t] * (1 + 1e-7)].sum()))
    alpha = 1 - level

    def upper_tail(log_psi: float) -> float:  # P(T >= t) - alpha/2, increasing in psi
        return poisson_binomial_pmf(_case_probs(k, n, log_psi))[t:].sum() - alpha / 2

    def lower_tail(log_psi: float) -> float:  # P(T <= t) - alpha/2, decreasing in psi
        return poisson_binomial_pmf(_case_probs(k, n, log_psi))[: t + 1].sum() - alpha / 2

    b = _LOG_PSI_BOUND
    ci_low = 0.0 if t == 0 else float(np.exp(optimize.brentq(upper_tail, -b, b, xtol=1e-7)))
    ci_high = (
        np.inf if t == a.size else float(np.exp(optimize.brentq(lower_tail, -b, b, xtol=1e-7)))
    )
    return ExactResult(
        estimate=_conditional_mle(k, n, t),
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        n_informative=int(a.size),
        exposed_cases=t,
    )


def _conditional_mle(k: np.ndarray, n: np.ndarray, t: int) -> float:
    """Solve E_psi[T] = t (the conditional likelihood equation)."""
    if t == 0:
        return 0.0
    if t == k.size:
        return np.inf

    def score(log_psi: float) -> float:
        return _case_probs(k, n, log_psi).sum() - t

    b = _LOG_PSI_BOUND
    return float(np.exp(optimize.brentq(score, -b, b, xtol=1e-12)))
