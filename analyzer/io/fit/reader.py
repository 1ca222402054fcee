"""``read_fit``: the public entry point of the FIT reader, and :class:`FitFile`."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Collection
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from analyzer.errors import FitError, FitRecordError
from analyzer.io.caps import MAX_FIT_BYTES

from . import profile
from .components import apply_components
from .decode import (
    Layout,
    LayoutFrame,
    decode_layout,
    field_elements,
    read_timestamps,
    timestamp_slot,
)
from .developer import DevFieldResolver, description_specs
from .frames import (
    all_missing,
    compressed_timestamps,
    fit_s_to_datetime64,
    is_fit_date,
    local_fit_s_to_datetime64,
    merge_layouts,
    to_dataframe,
)
from .merged import merged_frame
from .offsets import recorded_utc_offset_s
from .values import Column
from .walk import walk

#: The fields :attr:`FitFile.utc_offset_s` reads.
_OFFSET_FIELDS = frozenset({"timestamp", "local_timestamp"})
#: Largest file read_fit accepts (:data:`analyzer.io.caps.MAX_FIT_BYTES`, which caps a gzipped
#: FIT file's expansion too); the cap on data messages (:data:`.walk.MAX_DATA_MESSAGES`) bounds
#: the tables built from it.
MAX_FILE_BYTES = MAX_FIT_BYTES


class FitFile:
    """A decoded FIT file.

    Built by :func:`read_fit`. The file is walked once on construction;
    each message type is decoded (all its messages at once) the first time
    :meth:`messages` (a DataFrame) or :meth:`arrays` (the same columns as
    numpy arrays, for code that needs no DataFrame) asks for it, then cached.

    Attributes
    ----------
    source : str
        File name used in messages.
    sha256 : str
        SHA-256 of the file's bytes.
    warnings : list of str
        Problems that did not stop decoding (bad CRC, truncation, ...).
    """

    def __init__(self, data: bytes, source: str = "<bytes>", *, check_crc: bool = True) -> None:
        self.source = source
        self._data = data
        self._array = np.frombuffer(data, dtype=np.uint8)
        self._walk = walk(data, source, check_crc=check_crc)
        self.warnings: list[str] = [f"{source}: {w}" for w in self._walk.warnings]
        self._frames: dict[int, LayoutFrame] = {}
        self._messages: dict[str, pd.DataFrame] = {}
        self._columns: dict[str, dict[str, Column] | None] = {}
        self._arrays: dict[str, MessageArrays] = {}
        self._timestamps: np.ndarray | None = None
        with self.decoding("the definitions"):
            self._build_layouts()

    # -- public -----------------------------------------------------------------

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self._data).hexdigest()

    @property
    def n_segments(self) -> int:
        """Number of (chained) FIT files read."""
        return len(self._walk.segments)

    def message_names(self) -> list[str]:
        """Names of the message types present, in order of first appearance."""
        return list(self.message_counts())

    def message_counts(self) -> dict[str, int]:
        """Number of data messages of each type, in order of first appearance (a new dict)."""
        return dict(self._counts)

    @cached_property
    def _counts(self) -> dict[str, int]:
        return {profile.message_name(g): int(r.size) for g, r in self._records_by_global.items()}

    def messages(self, name: str) -> pd.DataFrame:
        """All messages of type ``name`` as a DataFrame, one row per message in file order.

        Columns are the profile field names (``unknown_<n>`` for fields the
        profile does not know, the ``field_description`` name for developer
        fields), with scale and offset applied, invalid values missing, enum
        values as names, and ``date_time`` fields (``timestamp`` first) as
        tz-aware UTC. An absent message type gives an empty DataFrame.
        """
        if name not in self._messages:
            with self.decoding(f"{name} messages"):
                self._messages[name] = self._build_messages(name)
        return self._messages[name]

    def arrays(self, name: str, fields: Collection[str] | None = None) -> MessageArrays:
        """The columns of :meth:`messages` ``(name)`` as numpy arrays, without a DataFrame.

        For code that only computes with a few columns (the canonical
        tables): the same decoded values, in file order, with the same columns
        left out (fields missing in every message). With ``fields``, only
        those columns are decoded (and given), with the sub-fields and
        components that fill them; developer fields only without ``fields``.
        Numbers are float64
        (NaN where missing); ``date_time`` fields are ``datetime64[ns]`` in
        UTC and ``local_date_time`` fields ``datetime64[ns]`` on the wall
        clock (NaT where missing or device-relative; the ``_relative_s``
        companions of :meth:`messages` are not given); enum names, strings,
        tuples and bytes are ``object`` arrays with ``None`` where missing.
        An absent message type gives an empty mapping with ``n == 0``.

        The arrays are read-only views, shared with later calls (and with the
        message DataFrame): decoding happens once per message type, whichever
        of the two asks first.
        """
        wanted = None if fields is None else frozenset(fields)
        cached = self._arrays.get((name, wanted))
        if cached is None:
            columns = self._message_columns(name, wanted)
            if wanted is not None and columns is not None:
                columns = {k: v for k, v in columns.items() if k in wanted}
            number = profile.message_number(name)
            rows = self._records_by_global.get(number) if number is not None else None
            n = 0 if rows is None else int(rows.size)
            cached = MessageArrays(_column_arrays(columns or {}), n)
            self._arrays[(name, wanted)] = cached
        return cached

    def element_matrix(self, name: str, field: str) -> np.ndarray:
        """The elements of numeric field ``field`` of message type ``name`` as a float64 matrix.

        One row per message in file order, one column per element (as many as
        the longest definition holds), scaled as in :meth:`messages`, NaN
        where an element is invalid or the message has no such field. For
        array fields (``hrv.time``) read without building a tuple per message;
        the field's own values only (no components or sub-fields).
        """
        number = profile.message_number(name)
        rows = self._records_by_global.get(number) if number is not None else None
        if rows is None:
            return np.zeros((0, 0))
        with self.decoding(f"{name}.{field}"):
            parts = []
            for layout_id in self._layouts_by_global[number]:
                layout = self._layouts[layout_id]
                records = self._layout_records[layout_id]
                values = field_elements(self._array, self._walk.positions[records], layout, field)
                if values is not None:
                    parts.append((np.searchsorted(rows, records), values))
            width = max((values.shape[1] for _, values in parts), default=0)
            out = np.full((rows.size, width), np.nan)
            for at, values in parts:
                out[at, : values.shape[1]] = values
        return out

    def _message_columns(
        self, name: str, wanted: frozenset[str] | None = None
    ) -> dict[str, Column] | None:
        """Decoded columns of message type ``name`` (components and header times applied), cached.

        ``wanted``: only these columns (see :meth:`arrays`); a full decode
        already made serves too. ``None`` when the file has no message of that type.
        """
        full = self._columns.get((name, None))
        if full is not None or (name, None) in self._columns:
            return full
        if (name, wanted) not in self._columns:
            with self.decoding(f"{name} messages"):
                self._columns[(name, wanted)] = self._decode_columns(name, wanted)
        return self._columns[(name, wanted)]

    @contextmanager
    def decoding(self, what: str):
        """Turn an unexpected failure on malformed content into a :class:`FitRecordError`.

        The reader is written to cope with any byte sequence; this is the net
        under it, so that callers only ever see the FitError family. Code that
        computes with the decoded values of a file (the canonical tables) runs
        under the same net: ``with fit.decoding("the canonical tables"): ...``.
        """
        try:
            yield
        except FitError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            raise FitRecordError(
                self.source,
                f"cannot decode {what}: {type(exc).__name__}: {exc}",
                recovered=f"{self._walk.positions.size} data messages were located",
            ) from exc

    @cached_property
    def utc_offset_s(self) -> float | None:
        """Local wall clock minus UTC, in seconds, as the device recorded it.

        Taken from the first ``activity`` message with both ``local_timestamp``
        and ``timestamp``, else ``monitoring_info``, else ``timestamp_correlation``
        (Garmin wellness/HRV files), when it is a plausible offset
        (:mod:`.offsets`); an implausible one adds a warning. ``None`` when the
        file has none. Computed once per file.
        """
        problem = None
        for name in ("activity", "monitoring_info", "timestamp_correlation"):
            if profile.message_number(name) not in self._records_by_global:
                continue  # absent: nothing to decode
            columns = self._message_columns(name, _OFFSET_FIELDS) or {}
            local, utc = columns.get("local_timestamp"), columns.get("timestamp")
            if local is None or utc is None or local.kind != "ldt" or utc.kind != "dt":
                continue
            offset, why = recorded_utc_offset_s(name, local.values, utc.values)
            if offset is not None:
                return offset
            problem = problem or why
        if problem:
            self.warnings.append(
                f"{self.source}: {problem}; the local days of this file come from the "
                "athlete's time zone"
            )
        return None

    # -- layouts ---------------------------------------------------------------

    def _build_layouts(self) -> None:
        """One layout per distinct shape; for shapes with developer fields, per shape and
        the ``field_description`` messages before the definition in its segment, which
        decide what the developer fields are (resolved when first decoded)."""
        walk_ = self._walk
        n_defs = walk_.def_shapes.size
        has_dev = np.array([bool(shape.dev_fields) for shape in walk_.shapes], dtype=bool)
        segment = np.full(n_defs, -1, dtype=np.int64)
        described = np.full(n_defs, -1, dtype=np.int64)
        if has_dev.any():
            dev_defs = np.flatnonzero(has_dev[walk_.def_shapes])
            segment[dev_defs] = walk_.def_segments[dev_defs]
            described[dev_defs] = np.searchsorted(
                self._description_positions(), walk_.def_offsets[dev_defs]
            )
        keys = np.stack([walk_.def_shapes, segment, described], axis=1)
        if n_defs:
            unique, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
            order = np.argsort(first, kind="stable")  # layouts in order of first appearance
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            def_layout = rank[inverse.ravel()]
            first_defs = first[order]
        else:
            def_layout = np.zeros(0, dtype=np.int64)
            first_defs = np.zeros(0, dtype=np.int64)
        self._layouts: list[Layout] = []
        self._layout_first_def = first_defs.tolist()
        for shape_index in walk_.def_shapes[first_defs].tolist():
            shape = walk_.shapes[shape_index]
            dev = None if shape.dev_fields else ()
            self._layouts.append(
                Layout(shape.global_num, shape.endian, shape.fields, dev, shape.size)
            )
        self._group_records(def_layout)

    def _description_positions(self) -> np.ndarray:
        """Byte offsets of the ``field_description`` records (of definitions without developer
        fields of their own), sorted."""
        walk_ = self._walk
        plain = np.array(
            [
                shape.global_num == profile.MESG_FIELD_DESCRIPTION and not shape.dev_fields
                for shape in walk_.shapes
            ],
            dtype=bool,
        )
        if not plain.any() or not walk_.positions.size:
            return np.zeros(0, dtype=np.int64)
        records = plain[walk_.def_shapes[walk_.definition_ids]]
        return walk_.positions[records]

    def _resolved(self, layout_id: int) -> Layout:
        """The layout with its developer fields named and typed (resolved once)."""
        layout = self._layouts[layout_id]
        if layout.dev_fields is None:
            walk_ = self._walk
            first = self._layout_first_def[layout_id]
            segment, offset = int(walk_.def_segments[first]), int(walk_.def_offsets[first])
            resolve = self._developer_fields
            shape = walk_.shapes[walk_.def_shapes[first]]
            dev = tuple(
                (num, size, resolve(segment, offset, idx, num))
                for num, size, idx in shape.dev_fields
            )
            layout = self._layouts[layout_id] = dataclasses.replace(layout, dev_fields=dev)
        return layout

    def _group_records(self, def_layout: np.ndarray) -> None:
        walk_ = self._walk
        n_layouts = len(self._layouts)
        record_layout = (
            def_layout[walk_.definition_ids] if walk_.positions.size else np.zeros(0, np.int64)
        )
        self._record_layout = record_layout
        order = np.argsort(record_layout, kind="stable")
        counts = np.bincount(record_layout, minlength=n_layouts)
        self._layout_records = np.split(order, np.cumsum(counts)[:-1]) if n_layouts else []
        by_global: dict[int, list[int]] = {}
        first_seen: dict[int, int] = {}
        for layout_id, records in enumerate(self._layout_records):
            if records.size == 0:
                continue
            g = self._layouts[layout_id].global_num
            by_global.setdefault(g, []).append(layout_id)
            first_seen[g] = min(first_seen.get(g, records[0]), int(records[0]))
        self._layouts_by_global = by_global
        self._records_by_global = {
            g: np.sort(np.concatenate([self._layout_records[i] for i in ids]))
            for g, ids in sorted(by_global.items(), key=lambda item: first_seen[item[0]])
        }

    @cached_property
    def _developer_fields(self) -> DevFieldResolver:
        """What each developer field is: the last ``field_description`` before its definition."""
        resolver = DevFieldResolver()
        for layout_id in self._layouts_by_global.get(profile.MESG_FIELD_DESCRIPTION, []):
            if self._layouts[layout_id].dev_fields is None:
                continue  # a description with developer fields of its own is not used
            frame = self._frame(layout_id)
            rows = frame.records
            resolver.add(
                self._walk.record_segments[rows],
                self._walk.positions[rows],
                description_specs(frame),
            )
        return resolver

    # -- messages ----------------------------------------------------------------

    def _frame(self, layout_id: int, wanted: frozenset[str] | None = None) -> LayoutFrame:
        frame = self._frames.get((layout_id, None)) or self._frames.get((layout_id, wanted))
        if frame is None:
            records = self._layout_records[layout_id]
            positions = self._walk.positions[records]
            layout = self._layouts[layout_id] if wanted is not None else self._resolved(layout_id)
            frame = decode_layout(self._array, positions, records, layout, wanted)
            self.warnings.extend(
                f"{self.source}: {w}"
                for w in frame.warnings
                if f"{self.source}: {w}" not in self.warnings
            )
            self._frames[(layout_id, wanted)] = frame
        return frame

    def _merged_frame(
        self, layout_ids: list[int], rows: np.ndarray, wanted: frozenset[str]
    ) -> LayoutFrame | None:
        """The wanted columns of all layouts of a message type, decoded as one (:mod:`.merged`)."""
        local = np.full(len(self._layouts), -1, dtype=np.int64)
        local[layout_ids] = np.arange(len(layout_ids))
        frame = merged_frame(
            self._array,
            self._walk.positions[rows],
            local[self._record_layout[rows]],
            [self._layouts[i] for i in layout_ids],
            rows,
            wanted,
        )
        if frame is not None:
            self.warnings.extend(
                f"{self.source}: {w}"
                for w in dict.fromkeys(frame.warnings)
                if f"{self.source}: {w}" not in self.warnings
            )
        return frame

    def full_timestamps(self) -> np.ndarray:
        """Raw ``timestamp`` field of every record (FIT seconds; NaN if none).

        Read for all layouts at once: the records whose layouts hold the field
        with the same size, type and byte order are gathered together, each at
        its own layout's offset.
        """
        if self._timestamps is None:
            positions = self._walk.positions
            out = np.full(positions.size, np.nan)
            slots = [timestamp_slot(layout.fields, layout.endian) for layout in self._layouts]
            offsets = np.array([-1 if slot is None else slot[0] for slot in slots], np.int64)
            kinds = {slot[1:] for slot in slots if slot is not None}
            for size, bt_id, endian in kinds:
                same = [
                    i for i, slot in enumerate(slots) if slot and slot[1:] == (size, bt_id, endian)
                ]
                records = np.flatnonzero(np.isin(self._record_layout, same))
                at = positions[records] + offsets[self._record_layout[records]]
                out[records] = read_timestamps(self._array, at, size, bt_id, endian)
            self._timestamps = out
        return self._timestamps

    def anchor_timestamps(self, name: str) -> np.ndarray:
        """For each message ``name``: the last timestamp (FIT seconds) before it in the file.

        Full ``timestamp`` fields and compressed-header times count; NaN when
        no earlier message of the same chained segment had one.
        """
        number = profile.message_number(name)
        rows = self._records_by_global.get(number) if number is not None else None
        if rows is None:
            return np.zeros(0)
        walk_ = self._walk
        times = self.full_timestamps().copy()
        if walk_.compressed.any():
            comp = compressed_timestamps(
                times, walk_.compressed, walk_.time_offsets, walk_.record_segments
            )
            times = np.where(np.isnan(times), comp, times)
        n = times.size
        idx = np.where(~np.isnan(times), np.arange(n), -1)
        np.maximum.accumulate(idx, out=idx)
        before = np.full(n, -1)
        before[1:] = idx[:-1]
        same_segment = before >= 0
        same_segment[same_segment] = (
            walk_.record_segments[before[same_segment]] == walk_.record_segments[same_segment]
        )
        out = np.where(same_segment, times[np.maximum(before, 0)], np.nan)
        return out[rows]

    def _build_messages(self, name: str) -> pd.DataFrame:
        columns = self._message_columns(name)
        return pd.DataFrame() if columns is None else to_dataframe(columns)

    def _decode_columns(self, name: str, wanted: frozenset[str] | None) -> dict[str, Column] | None:
        number = profile.message_number(name)
        layout_ids = self._layouts_by_global.get(number, []) if number is not None else []
        if not layout_ids:
            return None
        if wanted is not None and number == profile.MESG_HR and "event_timestamp" in wanted:
            wanted = wanted | {"timestamp", "fractional_timestamp"}  # what dates the beats
        rows = self._records_by_global[number]
        frames = None
        if wanted is not None and len(layout_ids) > 1:  # one decode for all layouts
            frame = self._merged_frame(layout_ids, rows, wanted)
            frames = [frame] if frame is not None else None
        if frames is None:
            frames = [self._frame(i, wanted) for i in layout_ids]
        if len(frames) == 1:
            slots = [slice(None)]  # one layout: its records are the message's rows
        else:
            slots = [np.searchsorted(rows, frame.records) for frame in frames]
        columns = merge_layouts(frames, rows.size, slots)
        layouts = [self._layouts[i] for i in layout_ids]
        apply_components(self, number, layouts, frames, slots, rows, columns, wanted)
        self._apply_compressed_timestamps(rows, columns)
        return columns

    def _apply_compressed_timestamps(self, rows: np.ndarray, columns: dict) -> None:
        walk_ = self._walk
        if not walk_.compressed[rows].any():
            return
        times = compressed_timestamps(
            self.full_timestamps(), walk_.compressed, walk_.time_offsets, walk_.record_segments
        )[rows]
        column = columns.get("timestamp")
        if column is None or column.kind != "dt":
            columns["timestamp"] = Column("dt", times)
        else:
            missing = np.isnan(column.values)
            column.values[missing] = times[missing]


class MessageArrays(dict):
    """The columns of one message type as numpy arrays (:meth:`FitFile.arrays`).

    A ``dict`` of field name -> array, plus ``n``, the number of messages
    (every array has ``n`` rows; ``n`` also counts the messages when no
    field has a value).
    """

    __slots__ = ("n",)

    def __init__(self, columns: dict[str, np.ndarray], n: int) -> None:
        super().__init__(columns)
        self.n = n


def _column_arrays(columns: dict[str, Column]) -> dict[str, np.ndarray]:
    """Read-only arrays of decoded columns, ``timestamp`` first (as ``to_dataframe``)."""
    out: dict[str, np.ndarray] = {}
    for name in sorted(columns, key=lambda name: (name != "timestamp",)):
        column = columns[name]
        if all_missing(column):
            continue
        if column.kind == "dt":  # what to_dataframe makes of it, without the pandas wrapper
            values = fit_s_to_datetime64(column.values, is_fit_date(column.values))
        elif column.kind == "ldt":
            values = local_fit_s_to_datetime64(column.values)
        else:
            values = column.values.view()
        values.flags.writeable = False
        out[name] = values
    return out


def _read_source(source) -> tuple[bytes, str]:
    """Return the bytes and a display name of a path, bytes or binary file object."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FitError(
                    path.name,
                    f"file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} this reader accepts",
                )
            return path.read_bytes(), path.name
        except OSError as exc:
            raise FitError(path.name, f"cannot read file: {exc.strerror or exc}") from exc
    if hasattr(source, "read"):
        name = Path(getattr(source, "name", "<stream>") or "<stream>").name
        data = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise FitError(name, "file object must be opened in binary mode")
        if len(data) > MAX_FILE_BYTES:
            raise FitError(
                name, f"file is larger than the {MAX_FILE_BYTES:,} bytes this reader accepts"
            )
        return bytes(data), name
    raise TypeError(
        f"read_fit() needs a path, bytes or a binary file object, not {type(source).__name__}"
    )


def clear_layout_caches() -> None:
    """Forget everything cached per definition layout across files: shapes, plans, labels.

    They are built once per distinct definition layout (a device writes the
    same few layouts in every file) and reused by every later file; clearing
    them makes the next file decode as if it were the first of its device
    (``benchmarks/fit_decode.py`` times both).
    """
    from analyzer.io.fastframe import clear_label_cache

    from . import decode, merged, plan, walk

    for cached in (
        walk._shape,
        plan.layout_plan,
        plan.numeric_dtype,
        plan.selected_fields,
        decode.timestamp_slot,
        merged._needed,
        merged._invalid_bytes,
    ):
        cached.cache_clear()
    clear_label_cache()


def read_fit(
    source: str | os.PathLike | bytes | BinaryIO, *, name: str | None = None, check_crc: bool = True
) -> FitFile:
    """Read a FIT file.

    Parameters
    ----------
    source : path, bytes or binary file object
        The FIT file.
    name : str, optional
        Name used in warnings and errors (default: the file's name).
    check_crc : bool, default True
        Check header and file CRCs; a mismatch keeps the data and adds a warning.

    Returns
    -------
    FitFile

    Raises
    ------
    FitError
        (or a subclass) when the file cannot be read at all, e.g. it has no FIT header.
    """
    data, display = _read_source(source)
    if len(data) > MAX_FILE_BYTES:
        raise FitError(
            name or display,
            f"file is {len(data):,} bytes, more than the {MAX_FILE_BYTES:,} this reader accepts",
        )
    return FitFile(data, name or display, check_crc=check_crc)
