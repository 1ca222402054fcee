"""Rate ratios of cramps before and after a change (medication start or stop).

    RR = (n_after / T_after) / (n_before / T_before)

Exact conditional test: given ``N = n_before + n_after``, ``n_after`` is
Binomial(N, T_after / (T_after + T_before)) when the rate does not change;
Clopper-Pearson limits ``(p_L, p_U)`` for ``n_after / N`` give the exact limits
``p / (1 - p) * T_before / T_after`` (Breslow NE, Day NE.
*Statistical Methods in Cancer Research II*, IARC 1987, ch. 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class RateRatio:
    """Rate ratio after/before with exact test and limits.

    Attributes
    ----------
    estimate : float
        Rate ratio after/before (``NaN`` when there are no events at all;
        ``inf`` when there are none before).
    ci_low, ci_high : float
        Exact (Clopper-Pearson based) confidence limits.
    p_value : float
        Two-sided exact conditional p-value (``scipy.stats.binomtest``'s
        minimum-likelihood convention).
    wald_low, wald_high : float
        Wald limits ``log RR +/- z sqrt(1/n_a + 1/n_b)`` (``NaN`` with a zero count).
    """

    n_before: int
    days_before: float
    n_after: int
    days_after: float
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    wald_low: float
    wald_high: float


def rate_ratio(
    n_before: int, days_before: float, n_after: int, days_after: float, level: float = 0.95
) -> RateRatio:
    """Compare the event rate after a change with the rate before it.

    Parameters
    ----------
    n_before, n_after : int
        Events before / after the change.
    days_before, days_after : float
        Person-time at risk before / after (covered days) [days]. Must be > 0.
    level : float
        Confidence level.
    """
    if days_before <= 0 or days_after <= 0:
        raise ValueError("both periods need a positive length")
    n_total = n_before + n_after
    ratio_time = days_before / days_after
    if n_total == 0:
        return RateRatio(
            n_before, days_before, n_after, days_after, np.nan, 0.0, np.inf, 1.0, np.nan, np.nan
        )
    p0 = days_after / (days_after + days_before)
    test = stats.binomtest(n_after, n_total, p0)
    ci = test.proportion_ci(confidence_level=level, method="exact")
    with np.errstate(divide="ignore"):
        estimate = (n_after / days_after) / (n_before / days_before) if n_before else np.inf
        low = ci.low / (1 - ci.low) * ratio_time
        high = ci.high / (1 - ci.high) * ratio_time if ci.high < 1 else np.inf
    wald_low = wald_high = np.nan
    if n_before and n_after:
        z = stats.norm.ppf(0.5 + level / 2)
        half = z * np.sqrt(1 / n_after + 1 / n_before)
        wald_low, wald_high = estimate * np.exp(-half), estimate * np.exp(half)
    return RateRatio(
        n_before,
        float(days_before),
        n_after,
        float(days_after),
        float(estimate),
        float(low),
        float(high),
        float(test.pvalue),
        float(wald_low),
        float(wald_high),
    )
