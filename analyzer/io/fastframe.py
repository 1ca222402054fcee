"""DataFrames built straight from numpy blocks, for readers that make many small tables.

``pd.DataFrame(dict)`` costs pandas 15-25 us per column (type checks, one
block per column, consolidation) and 60-120 us to infer the dtype of a string
Index of column labels; a small FIT file decodes faster than that. The
helpers here build a frame in its final form from 2-D blocks through
pandas' public low-level constructor
(``pandas.api.internals.create_dataframe_from_blocks``, pandas >= 3), wrap
exact nanoseconds as a UTC datetime array without re-validating them, and
cache column labels. Used by the FIT decoder's message frames
(:mod:`analyzer.io.fit.frames`) and the canonical tables built from them
(:mod:`analyzer.io.fit_tables.table_frames`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.boundedcache import weighted_cache

try:  # pandas >= 3: a frame straight from its blocks (public, documented, low-level)
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - pandas 2.x
    _from_blocks = None

#: Whether :func:`frame_from_blocks` is available (pandas >= 3).
HAVE_BLOCKS = _from_blocks is not None
UTC = pd.DatetimeTZDtype("ns", "UTC")
#: int64 nanoseconds that stand for NaT.
NAT_NS = np.iinfo(np.int64).min
#: The dtype pandas gives an Index of strings (``str`` in pandas 3): named, it skips the inference.
LABEL_DTYPE = pd.Index(["timestamp"]).dtype

_simple_new = getattr(pd.arrays.DatetimeArray, "_simple_new", None)


def utc_array_from_ns(ns: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """int64 ns since the Unix epoch (:data:`NAT_NS`: missing) -> ``datetime64[ns, UTC]`` array.

    The nanoseconds are exact and in range, so the array is wrapped around
    them directly (``DatetimeArray._simple_new``, what pandas itself does
    with validated values): ``pd.DatetimeIndex(..., tz="UTC")`` spends about
    20 us re-validating them and ``pd.to_datetime(..., unit="s")`` about
    150 us, per column.
    """
    stamps = np.asarray(ns, dtype=np.int64).view("datetime64[ns]")
    if _simple_new is not None:
        return _simple_new(stamps, dtype=UTC)
    return pd.DatetimeIndex(stamps, tz="UTC").array  # pragma: no cover - other pandas versions


@weighted_cache(len)
def _cached_labels(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(names), dtype=LABEL_DTYPE)


def column_labels(names: tuple[str, ...]) -> pd.Index:
    """The column labels ``names`` as an Index, built once per distinct tuple of names.

    Callers get a ``view`` (a new Index object on the same immutable data),
    so that renaming one frame's columns never touches another's.
    """
    return _cached_labels(names).view()


def clear_label_cache() -> None:
    """Forget the cached column labels (benchmarks time a first file of its kind)."""
    _cached_labels.cache_clear()


def frame_from_blocks(blocks: list[tuple[object, np.ndarray]], n: int, labels: pd.Index):
    """A DataFrame of ``n`` rows from its blocks, in one pandas call.

    Parameters
    ----------
    blocks : list of (array, positions)
        Each a 2-D ``(columns, rows)`` numpy array or a 1-D extension array,
        with the positions of its columns among ``labels``.
    n : int
        Number of rows (the index is a ``RangeIndex``).
    labels : Index
        Column labels (:func:`column_labels`).
    """
    return _from_blocks(blocks, pd.RangeIndex(n), labels)


def nones(n: int) -> np.ndarray:
    """An ``object`` array of ``n`` ``None``."""
    values = np.empty(n, dtype=object)
    values[:] = None
    return values
