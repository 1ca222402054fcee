"""Multiple comparisons: Benjamini-Hochberg adjusted p-values."""

from __future__ import annotations

import numpy as np


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate).

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the sorted p-values
    (Benjamini Y, Hochberg Y. *J R Stat Soc B* 1995;57(1):289-300). Valid under
    independence or positive dependence of the tests.

    Parameters
    ----------
    p_values : array_like
        Raw p-values of one family of tests. ``NaN`` entries (tests that could
        not be run) stay ``NaN`` and do not count in the family size ``m``.

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
    order = valid[np.argsort(p[valid], kind="stable")]
    ranks = np.arange(1, m + 1)
    scaled = np.minimum(1.0, p[order] * m / ranks)
    out[order] = np.minimum.accumulate(scaled[::-1])[::-1]
    return out
