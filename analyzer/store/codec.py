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

from analyzer.schema import TABLES, conform


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


def rows_to_frame(table: str, rows: Iterable[Sequence], columns: Sequence[str]) -> pd.DataFrame:
    """Return SQLite rows of canonical ``columns`` as a conformed canonical DataFrame."""
    raw = pd.DataFrame.from_records(list(rows), columns=list(columns))
    kinds = TABLES[table]
    out = {}
    for col in columns:
        kind = kinds.get(col)
        series = raw[col]
        if kind == "utc":
            series = pd.to_datetime(pd.to_numeric(series, errors="coerce"), unit="ns", utc=True)
        elif kind == "date":
            series = series.map(lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else None)
        elif kind == "float":
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        out[col] = series
    return conform(table, pd.DataFrame(out, index=raw.index))


def query_frame(
    conn: sqlite3.Connection, table: str, where: str = "", params: Sequence = (), order: str = ""
) -> pd.DataFrame:
    """Run ``SELECT <canonical columns> FROM table [WHERE ...] [ORDER BY ...]`` into a frame."""
    columns = list(TABLES[table])
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f"SELECT {quoted} FROM {table}"
    if where:
        sql += f" WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    return rows_to_frame(table, conn.execute(sql, tuple(params)).fetchall(), columns)
