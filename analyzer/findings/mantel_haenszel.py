"""Mantel-Haenszel odds ratio over strata, with the Robins-Breslow-Greenland variance.

For matched sets (one case, ``M_i`` referents; ``a_i`` = case exposed, ``k_i``
exposed windows of ``n_i = M_i + 1``) the pooled estimate is
(Maclure M. *Am J Epidemiol* 1991;133(2):144-153, doi:10.1093/oxfordjournals.aje.a115853):

    OR_MH = sum a_i (n_i - k_i) / n_i  /  sum (1 - a_i) k_i / n_i

The same function pools any set of 2x2 tables, e.g. all events of a squad.
Mantel N, Haenszel W. *J Natl Cancer Inst* 1959;22:719-748; Robins J, Breslow N,
Greenland S. *Biometrics* 1986;42:311-323.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class MantelHaenszelResult:
    """Pooled odds ratio, its log-scale standard error and Wald limits."""

    odds_ratio: float
    se_log: float
    ci_low: float
    ci_high: float
    n_strata: int


def mantel_haenszel_tables(a, b, c, d, level: float = 0.95) -> MantelHaenszelResult:
    """Mantel-Haenszel odds ratio of 2x2 tables ``[[a, b], [c, d]]`` per stratum.

    Parameters
    ----------
    a, b : array_like
        Cases exposed / unexposed in each stratum.
    c, d : array_like
        Referents (controls) exposed / unexposed in each stratum.
    level : float
        Confidence level of the limits.
    """
    a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
    n = a + b + c + d
    ok = n > 0
    a, b, c, d, n = a[ok], b[ok], c[ok], d[ok], n[ok]
    r, s = a * d / n, b * c / n
    p, q = (a + d) / n, (b + c) / n
    sum_r, sum_s = r.sum(), s.sum()
    if sum_r == 0 or sum_s == 0:
        estimate = np.nan if sum_r == sum_s else (np.inf if sum_s == 0 else 0.0)
        return MantelHaenszelResult(estimate, np.nan, np.nan, np.nan, int(ok.sum()))
    var = (
        (p * r).sum() / (2 * sum_r**2)
        + (p * s + q * r).sum() / (2 * sum_r * sum_s)
        + (q * s).sum() / (2 * sum_s**2)
    )
    se = float(np.sqrt(var))
    estimate = sum_r / sum_s
    z = stats.norm.ppf(0.5 + level / 2)
    return MantelHaenszelResult(
        float(estimate),
        se,
        float(estimate * np.exp(-z * se)),
        float(estimate * np.exp(z * se)),
        int(ok.sum()),
    )


def mantel_haenszel_matched(case_exposed, n_exposed, n_windows, level: float = 0.95):
    """Mantel-Haenszel odds ratio of 1:M matched sets (see module docstring).

    Parameters
    ----------
    case_exposed : array_like of {0, 1}
        Whether each event's case window is exposed.
    n_exposed : array_like of int
        Exposed windows per event, case included.
    n_windows : array_like of int
        Windows per event, case included (``M_i + 1``).
    """
    a = np.asarray(case_exposed, dtype=float)
    k = np.asarray(n_exposed, dtype=float)
    n = np.asarray(n_windows, dtype=float)
    return mantel_haenszel_tables(a, 1 - a, k - a, (n - 1) - (k - a), level=level)
