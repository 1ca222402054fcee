"""Decoded FIT columns (:meth:`FitFile.arrays <analyzer.io.fit.FitFile.arrays>`) as table columns.

The canonical tables are built from numpy arrays, never from a DataFrame per
message type: the rules here turn one decoded column into the float, UTC
(int64 ns) or text values a canonical column holds, with "missing" kept as
NaN, ``NAT_NS`` or ``None`` (never zero).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.fastframe import NAT_NS
from analyzer.io.fit import MessageArrays


def numeric(columns: MessageArrays, name: str) -> np.ndarray:
    """Column ``name`` as float64 (NaN where missing or not a number; all NaN when absent).

    Date columns give their int64 ns as floats; an ``object`` column (enum
    names, tuples, strings) gives its numbers and NaN for anything else.
    """
    values = columns.get(name)
    if values is None:
        return np.full(columns.n, np.nan)
    if values.dtype.kind == "f":
        return values
    if values.dtype.kind == "M":
        return values.view(np.int64).astype("float64")
    if values.dtype.kind in "iu":
        return values.astype("float64")
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    return numbers.to_numpy(dtype="float64", na_value=np.nan)


def first_numeric(columns: MessageArrays, *names: str) -> np.ndarray:
    """The first of ``names`` present as float64, gaps filled from the later ones (a new array)."""
    out = None
    for name in names:
        if name not in columns:
            continue
        values = numeric(columns, name)
        if out is None:
            out = np.array(values, dtype="float64")
        else:
            gap = np.isnan(out)
            out[gap] = values[gap]
    return np.full(columns.n, np.nan) if out is None else out


def times_ns(columns: MessageArrays, name: str) -> np.ndarray:
    """A date column as int64 ns since the Unix epoch (``NAT_NS`` where missing or absent)."""
    values = columns.get(name)
    if values is None:
        return np.full(columns.n, NAT_NS, dtype=np.int64)
    if values.dtype.kind == "M":
        return values.view(np.int64)
    series = pd.Series(values, dtype=object if values.dtype == object else None)
    return np.asarray(pd.to_datetime(series, utc=True, errors="coerce").array.as_unit("ns").asi8)


def texts(columns: MessageArrays, name: str) -> np.ndarray:
    """Column ``name`` as an ``object`` array of ``str`` (``None`` where missing or absent)."""
    out = np.empty(columns.n, dtype=object)
    out[:] = None
    values = columns.get(name)
    if values is not None:
        out[:] = [_text(v) for v in values.tolist()]
    return out


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)
