"""Canonical tables built straight from numpy columns, in one pandas call per table.

``pd.DataFrame(dict)`` costs pandas 150-300 us for a five-column table of a
few hundred rows: it inspects every ``object`` array (pandas 3 turns arrays
of Python strings into its ``str`` dtype, which :func:`analyzer.schema.conform`
then turns back into ``object``), makes one block per column and
consolidates them. A Garmin daily file yields two such tables, and a year of
them is ~15,000 files. :func:`canonical_frame` builds the table in its final,
canonical form from its blocks instead (all text columns one ``object``
block, all float columns one ``float64`` block, each UTC column its own
array): ~25 us, and ``conform`` then has nothing left to do.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from analyzer.io.fastframe import (
    HAVE_BLOCKS,
    NAT_NS,
    column_labels,
    frame_from_blocks,
    nones,
    utc_array_from_ns,
)
from analyzer.schema import TABLES, conform


def canonical_frame(name: str, columns: dict[str, object], n: int) -> pd.DataFrame:
    """Table ``name`` of :data:`analyzer.schema.TABLES` with ``n`` rows, from numpy columns.

    Parameters
    ----------
    name : str
        A canonical table.
    columns : dict
        Column name -> values, each of length ``n`` (a scalar is repeated):
        ``float`` columns float64 (NaN missing), ``utc`` columns int64 ns since
        the Unix epoch (``int64`` minimum where missing), ``str``/``date``
        columns ``object`` arrays of Python values with ``None`` where missing.
        Columns of the table left out are all missing; others are ignored.

    Returns
    -------
    DataFrame
        Equal to ``conform(name, frame)`` of the same columns, with a
        ``RangeIndex``; ``conform`` returns it unchanged (its fast path).
    """
    if not HAVE_BLOCKS:  # pragma: no cover - pandas 2.x
        series = {col: _normalised(columns.get(col), kind, n) for col, kind in TABLES[name].items()}
        return conform(name, pd.DataFrame(series, index=pd.RangeIndex(n)))
    floats, objects, others = _block_layout(name)
    blocks: list[tuple[object, np.ndarray]] = []
    for (names, at), dtype, missing in ((floats, np.float64, np.nan), (objects, object, None)):
        if names:
            block = np.empty((len(names), n), dtype=dtype)  # an object block starts all None
            for row, col in enumerate(names):
                values = columns.get(col)
                if values is not None or missing is not None:
                    block[row] = missing if values is None else values  # a scalar is repeated
            blocks.append((block, at))
    for col, kind, at in others:
        blocks.append((_normalised(columns.get(col), kind, n), at))
    return frame_from_blocks(blocks, n, column_labels(tuple(TABLES[name])))


@cache
def _block_layout(name: str):
    """Columns of table ``name`` by block: floats and text/dates (names, positions), the others."""
    spec = list(TABLES[name].items())

    def group(kinds):
        picked = [(col, i) for i, (col, kind) in enumerate(spec) if kind in kinds]
        return tuple(col for col, _ in picked), np.array([i for _, i in picked], dtype=np.intp)

    others = tuple(
        (col, kind, np.array([i]))
        for i, (col, kind) in enumerate(spec)
        if kind not in ("float", "str", "date")
    )
    return group(("float",)), group(("str", "date")), others


def _normalised(values, kind: str, n: int):
    """One column as :func:`canonical_frame` stores it (a scalar or None repeated ``n`` times)."""
    if kind in ("str", "date"):
        if values is None:
            return nones(n)
        return np.full(n, values, dtype=object) if np.ndim(values) == 0 else values
    if kind == "float":
        if values is None or np.ndim(values) == 0:
            return np.full(n, np.nan if values is None else values, dtype=np.float64)
        return np.asarray(values, dtype=np.float64)
    if kind == "utc":
        if values is None or np.ndim(values) == 0:
            values = np.full(n, NAT_NS if values is None else values, dtype=np.int64)
        return utc_array_from_ns(values)
    if kind == "int" and values is not None and np.ndim(values) == 1:
        ints = np.asarray(values)
        if ints.dtype.kind in "iu":  # no missing value: the nullable array wraps the ints
            return pd.arrays.IntegerArray(ints.astype(np.int64), np.zeros(n, dtype=bool))
    dtype = "Int64" if kind == "int" else "boolean"  # nullable extension arrays
    return pd.array([None] * n if values is None else values, dtype=dtype)
