"""Multiple comparisons: Benjamini-Hochberg adjusted p-values, plain and weighted."""

from __future__ import annotations

import numpy as np


def bh_adjust(p_values, weights=None) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), optionally weighted.

    Unweighted: ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the sorted
    p-values (Benjamini Y, Hochberg Y. *J R Stat Soc B* 1995;57(1):289-300).

    Weighted (Genovese CR, Roeder K, Wasserman L. False discovery control with
    p-value weighting. *Biometrika* 2006;93(3):509-524): the weights are
    rescaled to average 1 over the tests that have a p-value, BH runs on
    ``p_i / w_i``, and a test with weight ``w_i`` is rejected at level ``q``
    when ``p_i <= q w_i k / m``. Weights fixed before seeing the data keep the
    false discovery rate at ``q`` under independence or positive dependence
    (Ramdas AK, Barber RF, Wainwright MJ, Jordan MI. *Ann Stat*
    2019;47(5):2790-2821), so under no effect at all the chance of any finding
    stays at most ``q``. Adjusted values are never reported below the raw
    p-value (a conservative choice: an up-weighted test never looks stronger
    than its own p-value).

    Parameters
    ----------
    p_values : array_like
        Raw p-values of one family of tests. ``NaN`` entries (tests that could
        not be run) stay ``NaN`` and do not count in the family size ``m``.
    weights : array_like, optional
        Positive pre-specified weight of each test (default: all equal, which
        is the plain procedure).

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = valid.size
    if m == 0:
        return out
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    if weights is None:
        w = np.ones(m)
    else:
        w = np.broadcast_to(np.asarray(weights, dtype=float), p.shape)[valid]
        if np.any(~np.isfinite(w) | (w <= 0)):
            raise ValueError("weights must be finite and positive")
        w = w * (m / w.sum())
    ratio = p[valid] / w
    order = np.argsort(ratio, kind="stable")
    ranks = np.arange(1, m + 1)
    scaled = np.minimum(1.0, ratio[order] * m / ranks)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum.accumulate(scaled[::-1])[::-1]
    if weights is not None:
        adjusted = np.maximum(adjusted, p[valid])
    out[valid] = adjusted
    return out


def family_weights(primary, tested, share: float | None) -> np.ndarray:
    """Pre-specified weights of a family split into primary and exploratory tests.

    The primary tests share ``share`` of the family's total weight equally,
    the exploratory tests the remaining ``1 - share``; the weights average 1
    over the tests that have a p-value (``tested``), as weighted
    Benjamini-Hochberg needs (see :func:`bh_adjust`). When either group has no
    test, or ``share`` is ``None``, every test weighs 1 (plain BH).

    Parameters
    ----------
    primary : array_like of bool
        Whether each test is one of the pre-specified primary hypotheses.
    tested : array_like of bool
        Whether each test has a p-value.
    share : float or None
        Share of the weight given to the primary tests.

    Returns
    -------
    numpy.ndarray
        One weight per test (untested ones get 1; they do not enter the family).
    """
    primary = np.asarray(primary, dtype=bool)
    tested = np.asarray(tested, dtype=bool)
    weights = np.ones(primary.shape)
    n_primary = int((primary & tested).sum())
    n_other = int((~primary & tested).sum())
    if share is None or n_primary == 0 or n_other == 0:
        return weights
    m = n_primary + n_other
    weights[primary] = share * m / n_primary
    weights[~primary] = (1 - share) * m / n_other
    return weights
