"""Assemble the rows of one message type, from all its layouts, into a DataFrame.

Here live the steps that need the messages in file order:

* **compressed-timestamp headers**: a 5-bit offset rolled over against the
  last full timestamp (FIT protocol, "Compressed Timestamp Header");
  ``t = last + ((offset - last) mod 32)``, vectorised as a grouped cumulative
  sum that restarts at each full timestamp and each chained segment;
* **accumulated components** (e.g. ``record.compressed_speed_distance`` ->
  ``distance``, ``hr.event_timestamp_12`` -> ``event_timestamp``): each value
  adds the wrapped difference to the previous one, restarting at the
  definitions that declare the source field, as the SDK does;
* conversion of ``date_time`` values to tz-aware UTC (``local_date_time``
  values to naive wall-clock datetimes). Values below ``0x10000000`` are
  seconds since the device was switched on, not dates (FIT profile, types
  ``date_time`` and ``local_date_time``): they are ``NaT`` in the datetime
  column and kept, as integers, in a companion column ``<field>_relative_s``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.fastframe import (
    HAVE_BLOCKS,
    NAT_NS,
    column_labels,
    frame_from_blocks,
    utc_array_from_ns,
)

from . import profile
from .decode import LayoutFrame
from .values import Column, as_objects, missing_column


def merge_layouts(
    frames: list[LayoutFrame], n: int, slots: list[np.ndarray | slice]
) -> dict[str, Column]:
    """Place each layout's columns at its rows (``slots``) of an ``n``-row message table."""
    kinds: dict[str, set[str]] = {}
    for frame in frames:
        for name, column in frame.columns.items():
            kinds.setdefault(name, set()).add(column.kind)
    if len(frames) == 1 and n == frames[0].records.size:
        return dict(frames[0].columns)  # one layout: its rows are the message's rows
    merged: dict[str, Column] = {}
    for name, kind_set in kinds.items():
        kind = kind_set.pop() if len(kind_set) == 1 else "obj"
        out = missing_column(kind, n)
        for frame, slot in zip(frames, slots):
            column = frame.columns.get(name)
            if column is None:
                continue
            out.values[slot] = column.values if column.kind == kind else as_objects(column)
        merged[name] = out
    return merged


def compressed_timestamps(
    full: np.ndarray, compressed: np.ndarray, offsets: np.ndarray, segments: np.ndarray
) -> np.ndarray:
    """Timestamps (FIT seconds) of compressed-header records, NaN elsewhere.

    Parameters
    ----------
    full : ndarray of float64
        Raw ``timestamp`` field of every record (NaN if absent/invalid).
    compressed : ndarray of bool
        Records with a compressed-timestamp header.
    offsets : ndarray of int64
        Their 5-bit time offsets.
    segments : ndarray of int64
        Chained-segment index of every record (the reference resets to 0).
    """
    out = np.full(full.shape[0], np.nan)
    is_full = ~compressed & ~np.isnan(full)
    events = np.flatnonzero(is_full | compressed)
    if not compressed.any():
        return out
    ev_full = is_full[events]
    ev_seg = segments[events]
    new_group = ev_full.copy()
    new_group[0] = True
    new_group[1:] |= ev_seg[1:] != ev_seg[:-1]
    base = np.where(ev_full, np.nan_to_num(full[events]), 0).astype(np.int64)
    low = np.where(ev_full, base & 31, offsets[events])
    prev_low = np.empty_like(low)
    prev_low[0] = 0
    prev_low[1:] = low[:-1]
    prev_low[new_group] = base[new_group] & 31
    delta = np.where(ev_full, 0, (offsets[events] - prev_low) & 31)
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    total = np.cumsum(delta)
    before = total[starts] - delta[starts]
    acc = base[starts][group] + total - before[group]
    is_comp = compressed[events]
    out[events[is_comp]] = acc[is_comp]
    return out


def accumulate(raw: np.ndarray, valid: np.ndarray, groups: np.ndarray, bits: int) -> np.ndarray:
    """Accumulate wrapped ``bits``-bit counters (FIT SDK accumulated components).

    ``raw``/``valid``/``groups`` are flat, in file order; the accumulator
    restarts at 0 whenever ``groups`` changes. Invalid entries do not count.
    """
    out = np.full(raw.shape[0], np.nan)
    idx = np.flatnonzero(valid)
    if idx.size == 0:
        return out
    values = raw[idx]
    grp = groups[idx]
    first = np.ones(idx.size, dtype=bool)
    first[1:] = grp[1:] != grp[:-1]
    prev = np.empty_like(values)
    prev[0] = 0
    prev[1:] = values[:-1]
    prev[first] = 0
    delta = (values - prev) & ((1 << bits) - 1)
    total = np.cumsum(delta)
    starts = np.flatnonzero(first)
    gid = np.cumsum(first) - 1
    out[idx] = total - (total[starts] - delta[starts])[gid]
    return out


#: Beyond this a (mis-typed) date_time value cannot be a date: 2^33 s is year 2262.
_MAX_FIT_SECONDS = 2.0**33


def fit_s_to_datetime64(seconds: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """FIT seconds -> datetime64[ns] since the Unix epoch (NaT where not ``ok``).

    Exact for whole seconds.
    """
    ns = np.where(ok, seconds, 0.0)
    ns += profile.FIT_EPOCH_S
    ns *= 1e9
    stamps = ns.astype(np.int64)
    if not ok.all():
        stamps[~ok] = NAT_NS
    return stamps.view("datetime64[ns]")


def is_fit_date(seconds: np.ndarray) -> np.ndarray:
    """Which FIT ``date_time`` seconds are dates (not device-relative, not past year 2262)."""
    return (seconds >= profile.DEVICE_RELATIVE_MAX) & (seconds < _MAX_FIT_SECONDS)


def fit_s_to_unix_ns(seconds) -> np.ndarray:
    """FIT ``date_time`` seconds -> int64 ns since the Unix epoch (:data:`NAT_NS` if not a date)."""
    seconds = np.asarray(seconds, dtype="float64")
    return fit_s_to_datetime64(seconds, is_fit_date(seconds)).view(np.int64)


def fit_s_to_utc_index(seconds: np.ndarray) -> pd.DatetimeIndex:
    """FIT seconds -> tz-aware UTC datetimes (NaT when missing or device-relative)."""
    return pd.DatetimeIndex(fit_s_to_datetime64(seconds, is_fit_date(seconds)), tz="UTC")


def fit_s_to_utc_array(seconds: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """:func:`fit_s_to_utc_index` as the ``datetime64[ns, UTC]`` array of a DataFrame column."""
    return utc_array_from_ns(fit_s_to_unix_ns(seconds))


def local_fit_s_to_datetime64(seconds: np.ndarray) -> np.ndarray:
    """FIT ``local_date_time`` seconds -> naive datetime64 of the device's wall clock.

    As for ``date_time``, values below 0x10000000 are not dates (FIT profile,
    type ``local_date_time``): NaT.
    """
    return fit_s_to_datetime64(seconds, is_fit_date(seconds))


def relative_seconds(seconds: np.ndarray):
    """Device-relative ``date_time`` values (< 0x10000000) as nullable ints, or ``None``."""
    rel = (seconds > -_MAX_FIT_SECONDS) & (seconds < profile.DEVICE_RELATIVE_MAX)
    if not rel.any():
        return None
    values = np.where(rel, np.nan_to_num(seconds), 0).astype(np.int64)
    return pd.arrays.IntegerArray(values, ~rel)


def all_missing(column: Column) -> bool:
    """Whether every value of ``column`` is missing."""
    if column.kind == "obj":  # element-wise ``is None`` in C (None, str, bool, numbers, tuples)
        return not np.not_equal(column.values, None).any()
    return bool(np.isnan(column.values).all())


#: Above this many values a frame keeps one block per column rather than stacking them.
_STACK_MAX_VALUES = 1 << 15


def _blocks(columns: list[np.ndarray], at: list[int], dtype) -> list[tuple[np.ndarray, np.ndarray]]:
    """Blocks (2-D ``(columns, rows)`` arrays and their column positions) holding ``columns``.

    Small frames stack their columns into one block (one pandas block is
    cheaper to build and to use); large ones keep each column as a
    ``(1, rows)`` view of its array, as ``pd.DataFrame(dict)`` does, rather
    than copying megabytes into a fresh block.
    """
    if len(columns) == 1 or len(columns) * columns[0].shape[0] > _STACK_MAX_VALUES:
        return [
            (values.reshape(1, -1), np.array([position])) for values, position in zip(columns, at)
        ]
    block = np.empty((len(columns), columns[0].shape[0]), dtype=dtype)
    for row, values in enumerate(columns):
        block[row] = values
    return [(block, np.asarray(at))]


def to_dataframe(columns: dict[str, Column]) -> pd.DataFrame:
    """Build the message DataFrame: ``timestamp`` first, datetimes converted.

    Fields that are missing in every message (defined by the device but never
    filled, i.e. invalid everywhere) are left out, as the FIT SDK's decoder
    does; ask for them with ``frame.get(name)``. ``"obj"`` columns (enum
    names, strings, tuples) stay ``object`` columns of Python values with
    ``None`` for missing: pandas is not asked to infer a string dtype, which
    costs more than the decoding of a small file.

    The frame is assembled from its blocks in one call: all float columns as
    one 2-D float64 block, all object columns as one object block, each
    datetime or nullable-integer column as its own array. Building a frame
    column by column from a dict costs pandas 15-25 us per column (type
    checks, one block each), more than decoding them.
    """
    n = next(iter(columns.values())).values.shape[0] if columns else 0
    names: list[str] = []
    floats: list[np.ndarray] = []
    float_at: list[int] = []
    objects: list[np.ndarray] = []
    object_at: list[int] = []
    arrays: list[tuple[object, np.ndarray]] = []
    order = sorted(columns, key=lambda name: (name != "timestamp",))
    for name in order:
        column = columns[name]
        if all_missing(column):
            continue
        at = len(names)
        names.append(name)
        if column.kind == "dt":
            arrays.append((fit_s_to_utc_array(column.values), np.array([at])))
            rel = relative_seconds(column.values)
            if rel is not None:
                names.append(f"{name}_relative_s")
                arrays.append((rel, np.array([at + 1])))
        elif column.kind == "ldt":
            arrays.append((local_fit_s_to_datetime64(column.values).reshape(1, -1), np.array([at])))
            rel = relative_seconds(column.values)
            if rel is not None:
                names.append(f"{name}_relative_s")
                arrays.append((rel, np.array([at + 1])))
        elif column.kind == "obj":
            objects.append(column.values)
            object_at.append(at)
        else:
            floats.append(column.values)
            float_at.append(at)
    if floats:
        arrays.extend(_blocks(floats, float_at, np.float64))
    if objects:
        arrays.extend(_blocks(objects, object_at, object))
    if not names or not HAVE_BLOCKS:
        return _frame_from_dict(names, arrays, n)
    return frame_from_blocks(arrays, n, column_labels(tuple(names)))


def _frame_from_dict(names: list[str], arrays: list, n: int) -> pd.DataFrame:
    """The same frame through the ordinary constructor (no columns, or pandas < 3)."""
    data: dict[str, object] = {}
    for values, at in arrays:
        if isinstance(values, np.ndarray):
            for row, position in enumerate(at.tolist()):
                # object columns stay object (pandas 3 would infer its str dtype)
                data[names[position]] = pd.Series(values[row], dtype=values.dtype, copy=False)
        else:
            data[names[int(at[0])]] = values
    data = {name: data[name] for name in names}
    return pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
