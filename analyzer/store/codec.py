"""Conversion between canonical DataFrames and SQLite values.

See :mod:`analyzer.store.sqlschema` for the storage conventions: timestamps
as integer nanoseconds UTC, dates as ISO text, missing as ``NULL``.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence

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


def _column_values(series: pd.Series, kind: str) -> list:
    """Return the SQLite values of one conformed column."""
    if kind == "utc":
        values = series.array.asi8
        mask = series.isna().to_numpy()
        return [None if m else int(v) for v, m in zip(values, mask)]
    if kind == "date":
        return [date_to_iso(v) for v in series]
    if kind in ("float",):
        arr = series.to_numpy(dtype="float64", na_value=np.nan)
        return [None if np.isnan(v) else float(v) for v in arr]
    if kind in ("int", "bool"):
        return [None if pd.isna(v) else int(v) for v in series]
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in series]


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
    kinds = TABLES[table]
    values = [_column_values(frame[col], kinds[col]) for col in columns]
    return list(zip(*values)) if values else []


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


_NAT = np.iinfo(np.int64).min


def _column_from_sql(values: Sequence, kind: str) -> pd.Series:
    if kind == "utc":
        ns = np.fromiter((_NAT if v is None else v for v in values), dtype=np.int64, count=len(values))
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
