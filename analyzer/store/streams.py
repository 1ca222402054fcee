"""Column-wise compressed storage of streams (``samples``, ``rr_intervals``).

One blob holds the numeric columns of one session: ``t_utc`` as int64
nanoseconds, delta-encoded (1 Hz streams then compress to almost nothing),
followed by each float column that has at least one value, as float64 (exact,
``NaN`` = missing). Columns that are all missing are not stored; the
``columns`` list kept beside the blob says which ones are. The whole is
compressed with zlib (level 1: fast; streams are read far more often than
written).
"""

from __future__ import annotations

import json
import zlib

import numpy as np
import pandas as pd

from analyzer.errors import LibraryDamagedError
from analyzer.schema import TABLES, conform, empty_table

_ZLIB_LEVEL = 1


def numeric_columns(table: str) -> list[str]:
    """Return the float columns of a stream table (what a blob can hold besides time)."""
    return [col for col, kind in TABLES[table].items() if kind == "float"]


def encode_stream(table: str, frame: pd.DataFrame) -> tuple[int, str, bytes]:
    """Encode the time and numeric columns of a conformed stream ``frame``.

    Returns
    -------
    n_rows : int
    columns : str
        JSON list of the stored column names, ``t_utc`` first.
    payload : bytes
        zlib-compressed concatenation of the columns.
    """
    frame = frame.sort_values("t_utc", kind="stable")
    times = frame["t_utc"].array.asi8.astype("<i8")
    deltas = np.diff(times, prepend=np.int64(0)).astype("<i8")
    parts = [deltas.tobytes()]
    stored = ["t_utc"]
    for col in numeric_columns(table):
        values = frame[col].to_numpy(dtype="<f8", na_value=np.nan)
        if np.isnan(values).all():
            continue
        stored.append(col)
        parts.append(values.tobytes())
    payload = zlib.compress(b"".join(parts), _ZLIB_LEVEL)
    return len(frame), json.dumps(stored), payload


def decode_stream(table: str, n_rows: int, columns: str, payload: bytes) -> dict[str, np.ndarray]:
    """Decode one blob into ``{column: array}`` (``t_utc`` as int64 ns).

    Raises
    ------
    LibraryDamagedError
        If the blob cannot be what :func:`encode_stream` wrote (the file is damaged).
    """
    try:
        raw = zlib.decompress(payload)
        names = json.loads(columns)
    except (zlib.error, TypeError, ValueError) as exc:
        raise LibraryDamagedError(
            f"the library is damaged: a stored stream cannot be decoded ({exc}); "
            "restore a backup of it"
        ) from exc
    width = 8 * n_rows
    if not isinstance(names, list) or len(raw) != width * len(names):
        raise LibraryDamagedError(
            f"the library is damaged: a stored stream holds {len(raw)} bytes where {n_rows} rows "
            f"of {columns} were written; restore a backup of it"
        )
    out = {}
    for i, name in enumerate(names):
        chunk = raw[i * width : (i + 1) * width]
        if name == "t_utc":
            out[name] = np.cumsum(np.frombuffer(chunk, dtype="<i8"))
        else:
            out[name] = np.frombuffer(chunk, dtype="<f8")
    return out


def streams_to_frame(
    table: str, pieces: list[tuple[dict[str, str], dict[str, np.ndarray]]]
) -> pd.DataFrame:
    """Assemble decoded blobs into one canonical table.

    Parameters
    ----------
    pieces : list of (key columns, decoded arrays)
        Key columns are the text columns of the blob's row (``activity_id``,
        ``athlete_id``) repeated over its rows.
    """
    frames = []
    for keys, arrays in pieces:
        n = len(arrays["t_utc"])
        data = {col: np.repeat(np.array([value], dtype=object), n) for col, value in keys.items()}
        data["t_utc"] = pd.to_datetime(arrays["t_utc"], unit="ns", utc=True)
        for col in numeric_columns(table):
            data[col] = arrays.get(col, np.full(n, np.nan))
        frames.append(pd.DataFrame(data))
    if not frames:
        return empty_table(table)
    return conform(table, pd.concat(frames, ignore_index=True))
