"""Conditional logistic regression for 1:M matched sets (case-crossover).

Each stratum is one event: one case window and ``M_i >= 1`` referent windows.
The conditional likelihood (Breslow NE, Day NE. *Statistical Methods in Cancer
Research I*, IARC 1980, ch. 7; Maclure M. *Am J Epidemiol* 1991;133:144-153)

    L(beta) = prod_i exp(x_i0 beta) / sum_j exp(x_ij beta)

is maximised by Newton-Raphson with step halving. Gradient and Hessian
of the log-likelihood:

    g = sum_i [x_i0 - sum_j w_ij x_ij],     w = softmax_j(x_ij beta)
    H = -sum_i sum_j w_ij (x_ij - xbar_i)(x_ij - xbar_i)^T

Everything is vectorized over windows with ``numpy.bincount`` per stratum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Beyond this |log OR| the likelihood is treated as having no finite maximum
#: (complete or quasi-complete separation, e.g. every case exposed).
SEPARATION_LOG_OR = 12.0


@dataclass(frozen=True)
class ClogitFit:
    """Result of :func:`fit_clogit`.

    Attributes
    ----------
    coef : numpy.ndarray
        Log odds ratios, one per covariate.
    se : numpy.ndarray
        Standard errors of ``coef`` from the observed information (``NaN`` when
        the information is singular).
    loglik, loglik_null : float
        Conditional log-likelihood at ``coef`` and at zero.
    n_events : int
        Strata (events) used: each has one case and at least one referent.
    n_referents : int
        Referent windows in those strata.
    converged : bool
        Newton-Raphson met its tolerance.
    separated : bool
        The maximum lies at infinity for some covariate (estimates unusable;
        use :func:`analyzer.findings.exact.exact_binary_test` for a binary one).
    """

    coef: np.ndarray
    se: np.ndarray
    loglik: float
    loglik_null: float
    n_events: int
    n_referents: int
    converged: bool
    separated: bool

    @property
    def odds_ratio(self) -> np.ndarray:
        """``exp(coef)``."""
        return np.exp(self.coef)

    def wald_ci(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wald confidence limits of the odds ratios."""
        z = stats.norm.ppf(0.5 + level / 2)
        return np.exp(self.coef - z * self.se), np.exp(self.coef + z * self.se)

    def wald_p(self) -> np.ndarray:
        """Two-sided Wald p-values of ``coef == 0``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * stats.norm.sf(np.abs(self.coef / self.se))


def _group(strata: np.ndarray, is_case: np.ndarray):
    """Keep strata with exactly one case and >= 1 referent; return codes 0..S-1."""
    codes, strata_codes = np.unique(strata, return_inverse=True)
    n_cases = np.bincount(strata_codes, weights=is_case.astype(float), minlength=codes.size)
    n_rows = np.bincount(strata_codes, minlength=codes.size)
    good = (n_cases == 1) & (n_rows >= 2)
    keep = good[strata_codes]
    _, new_codes = np.unique(strata_codes[keep], return_inverse=True)
    return keep, new_codes, int(good.sum())


def _loglik_parts(x: np.ndarray, beta: np.ndarray, codes: np.ndarray, n_strata: int, case_rows):
    """Return (loglik, window weights w) of the conditional likelihood."""
    eta = x @ beta
    shift = np.full(n_strata, -np.inf)
    np.maximum.at(shift, codes, eta)
    expo = np.exp(eta - shift[codes])
    denom = np.bincount(codes, weights=expo, minlength=n_strata)
    loglik = float(eta[case_rows].sum() - (shift + np.log(denom)).sum())
    return loglik, expo / denom[codes]


def _score_information(x, w, codes, n_strata, case_rows):
    xbar = np.column_stack(
        [np.bincount(codes, weights=w * x[:, k], minlength=n_strata) for k in range(x.shape[1])]
    )
    grad = x[case_rows].sum(axis=0) - xbar.sum(axis=0)
    info = (x * w[:, None]).T @ x - xbar.T @ xbar
    return grad, info


def fit_clogit(
    x,
    strata,
    is_case,
    *,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> ClogitFit:
    """Fit a conditional logistic regression to 1:M matched sets.

    Parameters
    ----------
    x : array_like, shape (n_windows,) or (n_windows, n_covariates)
        Exposure value of each window (binary 0/1 or continuous). No ``NaN``.
    strata : array_like of int or str, shape (n_windows,)
        Matched-set (event) label of each window.
    is_case : array_like of bool, shape (n_windows,)
        True for the case window of its stratum.
    max_iter : int
        Newton-Raphson iterations at most.
    tol : float
        Convergence when the largest Newton step is below this.

    Returns
    -------
    ClogitFit
        Strata without exactly one case or without referents are dropped.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if np.isnan(x).any():
        raise ValueError("x holds NaN: drop windows with missing exposure first")
    is_case = np.asarray(is_case, dtype=bool)
    keep, codes, n_strata = _group(np.asarray(strata), is_case)
    x, is_case = x[keep], is_case[keep]
    p = x.shape[1]
    if n_strata == 0:
        nan = np.full(p, np.nan)
        return ClogitFit(nan, nan, np.nan, np.nan, 0, 0, False, False)
    case_rows = np.flatnonzero(is_case)
    beta = np.zeros(p)
    loglik_null, w = _loglik_parts(x, beta, codes, n_strata, case_rows)
    loglik, converged = loglik_null, False
    for _ in range(max_iter):
        grad, info = _score_information(x, w, codes, n_strata, case_rows)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        halvings = 0
        while True:
            new_beta = beta + step
            new_loglik, new_w = _loglik_parts(x, new_beta, codes, n_strata, case_rows)
            if new_loglik >= loglik - 1e-12 or halvings >= 30:
                break
            step, halvings = step / 2, halvings + 1
        beta, loglik, w = new_beta, new_loglik, new_w
        if np.max(np.abs(step)) < tol or np.any(np.abs(beta) > 2 * SEPARATION_LOG_OR):
            converged = np.max(np.abs(step)) < tol
            break
    _, info = _score_information(x, w, codes, n_strata, case_rows)
    se = _standard_errors(info)
    separated = bool(np.any(np.abs(beta) > SEPARATION_LOG_OR) or np.any(~np.isfinite(se)))
    return ClogitFit(
        coef=beta,
        se=se,
        loglik=loglik,
        loglik_null=loglik_null,
        n_events=n_strata,
        n_referents=int(x.shape[0] - n_strata),
        converged=bool(converged),
        separated=separated,
    )


def _standard_errors(info: np.ndarray) -> np.ndarray:
    """Square roots of the diagonal of the inverse information; NaN if singular.

    A negative variance (an information matrix that is not positive definite, as
    near separation) has no standard error either: NaN, without a warning.
    """
    if np.linalg.cond(info) > 1e12:
        return np.full(info.shape[0], np.nan)
    variance = np.diag(np.linalg.inv(info))
    return np.sqrt(np.where(variance >= 0, variance, np.nan))


def likelihood_ratio_p(full: ClogitFit, reduced_loglik: float, df: int = 1) -> float:
    """Likelihood-ratio p-value of ``full`` against a nested model's log-likelihood."""
    stat = max(0.0, 2 * (full.loglik - reduced_loglik))
    return float(stats.chi2.sf(stat, df))
