"""Conversion between canonical DataFrames and SQLite values.

See :mod:`analyzer.store.sqlschema` for the storage conventions: timestamps
as integer nanoseconds UTC, dates as ISO text, missing as ``NULL``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analyzer.schema import TABLES


def utc_to_ns(value) -> int | None:
    """Return a timestamp (anything :func:`pandas.Timestamp` accepts) as ns since the epoch, UTC.

    Naive values are refused: canonical timestamps are tz-aware.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone; expected UTC")
    return int(stamp.tz_convert("UTC").value)


def date_to_iso(value) -> str | None:
    """Return a local date (``datetime.date``, ISO text or Timestamp) as ``YYYY-MM-DD``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return pd.Timestamp(value).date().isoformat()


_NAT = np.iinfo(np.int64).min


def _column_values(series: pd.Series, kind: str, fill=None) -> list:
    """Return the SQLite values of one conformed column, as a list.

    Missing values become ``fill`` (default ``None``, SQL ``NULL``). Whole-column
    conversions in numpy/pandas; only date or text columns of unusual content
    (ISO text, timestamps, non-text values) fall back to per-value conversion.
    """
    if kind == "utc":
        values = np.asarray(series.array.asi8)
        return _filled(values, values == _NAT, fill)
    if kind == "float":
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return _filled(values, np.isnan(values), fill)
    if kind in ("int", "bool"):
        mask = series.isna().to_numpy()
        return _filled(series.to_numpy(dtype="int64", na_value=0), mask, fill)
    values = series.to_numpy(dtype=object)
    mask = pd.isna(values)
    if mask.all():
        return [fill] * len(values)
    present = values[~mask]
    if kind == "date":
        if pd.api.types.infer_dtype(present, skipna=False) == "date":  # datetime.date objects
            values = _spread(np.datetime_as_string(present.astype("datetime64[D]"), unit="D"), mask)
        else:
            values = _objects([date_to_iso(v) for v in values])
    elif pd.api.types.infer_dtype(present, skipna=False) != "string":
        values = _objects([None if m else str(v) for v, m in zip(values, mask)])
    return _filled(values, mask, fill)


def _objects(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _spread(present: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """An object array with ``present`` where ``mask`` is False (the rest left empty)."""
    out = np.empty(mask.size, dtype=object)
    out[~mask] = present
    return out


def _filled(values: np.ndarray, mask: np.ndarray, fill) -> list:
    """``values`` as Python scalars, with ``fill`` where ``mask`` is True."""
    if not mask.any():
        return values.tolist()
    out = values.astype(object)  # Python scalars, converted in C
    out[mask] = fill
    return out.tolist()


def frame_to_rows(table: str, frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Return the rows of a canonical ``frame`` as tuples of SQLite values.

    Parameters
    ----------
    table : str
        Canonical table name (gives each column's kind).
    frame : DataFrame
        Already conformed to ``table``.
    columns : sequence of str
        Canonical columns to emit, in order.
    """
    return list(zip(*frame_columns(table, frame, columns)))


def frame_columns(
    table: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    constants: Mapping[str, object] | None = None,
    fills: Mapping[str, object] | None = None,
) -> list[list]:
    """Return the SQLite values of the canonical ``columns`` of ``frame``, one list per column.

    Made for ``executemany(sql, zip(*columns))``: no per-row Python work.

    Parameters
    ----------
    constants : mapping, optional
        Columns given one value for every row instead of the frame's (e.g.
        ``{"athlete_id": ...}``); the frame need not hold them.
    fills : mapping, optional
        Values for the missing entries of some columns (e.g. ``{"source": "fit"}``).
    """
    kinds = TABLES[table]
    constants = constants or {}
    fills = fills or {}
    n = len(frame)
    return [
        [constants[col]] * n
        if col in constants
        else _column_values(frame[col], kinds[col], fills.get(col))
        for col in columns
    ]


def rows_to_frame(table: str, rows: Sequence[Sequence], columns: Sequence[str]) -> pd.DataFrame:
    """Return SQLite rows of canonical ``columns`` as a DataFrame with the canonical dtypes.

    Builds each column straight in its canonical dtype (the same as
    :func:`analyzer.schema.conform` gives) without a second conversion pass:
    reads are on the dashboard's interactive path.
    """
    kinds = TABLES[table]
    values = list(zip(*rows)) if rows else [()] * len(columns)
    data = {col: _column_from_sql(vals, kinds[col]) for col, vals in zip(columns, values)}
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _column_from_sql(values: Sequence, kind: str) -> pd.Series:
    if kind == "utc":
        ns = np.fromiter(
            (_NAT if v is None else v for v in values), dtype=np.int64, count=len(values)
        )
        return pd.Series(pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC"))
    if kind == "float":
        return pd.Series(np.array(values, dtype="float64").reshape(-1))
    if kind in ("int", "bool"):
        return pd.Series(pd.array(list(values), dtype="Int64" if kind == "int" else "boolean"))
    if kind == "date":
        dates = [dt.date.fromisoformat(v) if isinstance(v, str) else None for v in values]
        return pd.Series(dates, dtype="object")
    return pd.Series(list(values), dtype="object")


def query_frame(
    conn: sqlite3.Connection,
    table: str,
    where: str = "",
    params: Sequence = (),
    order: str = "",
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run ``SELECT <columns> FROM table [WHERE ...] [ORDER BY ...]`` into a frame.

    ``columns`` defaults to every canonical column (a canonical table); a
    subset gives just those columns, in their canonical dtypes.
    """
    columns = list(TABLES[table]) if columns is None else list(columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f"SELECT {quoted} FROM {table}"
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    return rows_to_frame(table, conn.execute(sql, tuple(params)).fetchall(), columns)
