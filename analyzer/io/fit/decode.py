"""Decode all data messages of one definition layout at once with numpy.

Definitions with the same global message, byte order and field list share a
*layout*; the bytes of all records of a layout are gathered into one
``(n_records, record_size)`` uint8 matrix (one fancy-index over a sliding
window of the file, no Python loop per record) and each field is read from
it as a strided numpy view.

What this module returns per layout is still *per definition*: decoded field
columns, sub-field columns, and the raw values of components. Everything
that depends on the order of messages across layouts (compressed timestamps,
accumulated components, the ``hr`` event timestamps) is done when a
message's rows are assembled, in :mod:`.frames`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import profile
from .values import Column, RawField, from_values, read_raw, render


@dataclass(frozen=True)
class DevFieldSpec:
    """A developer field as described by its ``field_description`` message."""

    dev_data_index: int
    number: int
    name: str
    base_type_id: int
    units: str | None
    scale: float | None
    offset: float | None

    @property
    def type(self):  # render() reads ``spec.type.name``
        return profile.base_type(self.base_type_id)


@dataclass(frozen=True)
class Layout:
    """Records sharing a global message number, byte order and field list."""

    global_num: int
    endian: str
    fields: tuple[tuple[int, int, int], ...]
    dev_fields: tuple[tuple[int, int, DevFieldSpec], ...]
    size: int


@dataclass
class ComponentValues:
    """Raw values of one component of one field, for the rows of one layout."""

    target: int
    order: tuple[int, int]
    spec: object  # fitdecode ComponentField
    raw: np.ndarray
    valid: np.ndarray


@dataclass
class LayoutFrame:
    """Decoded rows of one layout (in file order)."""

    records: np.ndarray
    columns: dict[str, Column] = field(default_factory=dict)
    components: list[ComponentValues] = field(default_factory=list)
    field_order: tuple[int, ...] = ()
    dev_names: dict[tuple[int, int], str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def gather_rows(data: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
    """Return the payload bytes of the records at ``positions`` as an (n, width) uint8 matrix.

    Column ``j < size`` is payload byte ``j``; ``width`` is ``size`` or
    ``size + 1`` (then the last column is the next record's header, unused).
    Records that follow each other without a gap (a 1 Hz stream) are read as
    a reshaped view of the file, runs of them joined with one copy; scattered
    records are gathered with one fancy index over a sliding window.
    """
    n = positions.size
    if size == 0 or n == 0:
        return np.zeros((n, size), dtype=np.uint8)
    stride = size + 1
    breaks = np.flatnonzero(np.diff(positions) != stride) + 1
    last_end = int(positions[-1]) + 1 + stride
    if breaks.size * 64 < n and last_end <= data.size:
        starts = np.concatenate([[0], breaks])
        stops = np.concatenate([breaks, [n]])
        runs = [
            data[positions[a] + 1 : positions[a] + 1 + (b - a) * stride].reshape(b - a, stride)
            for a, b in zip(starts.tolist(), stops.tolist())
        ]
        return runs[0] if len(runs) == 1 else np.concatenate(runs)
    if n * size <= 1 << 16:  # few bytes: index them directly (cheaper than a window view)
        return data[positions[:, None] + np.arange(1, size + 1)]
    window = sliding_window_view(data, size)
    return window[positions + 1]


@lru_cache(maxsize=4096)
def _numeric_dtype(fields: tuple, endian: str, width: int) -> tuple[np.dtype | None, frozenset]:
    """Structured dtype with one numpy field ``f<i>`` per numeric native field (cached per layout)."""
    names, formats, offsets = [], [], []
    offset = 0
    for i, (_, size, bt_id) in enumerate(fields):
        bt = profile.base_type(bt_id)
        if size and bt.kind in ("int", "float") and size % bt.size == 0:
            names.append(f"f{i}")
            k = size // bt.size
            code = profile.numpy_code(bt, endian)
            formats.append(code if k == 1 else (code, (k,)))
            offsets.append(offset)
        offset += size
    if not names:
        return None, frozenset()
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": width})
    return dtype, frozenset(names)


def _numeric_view(rows: np.ndarray, layout: Layout) -> tuple[np.ndarray | None, frozenset]:
    """A structured view of ``rows`` with one numpy field per native numeric field."""
    dtype, names = _numeric_dtype(layout.fields, layout.endian, rows.shape[1])
    if dtype is None or rows.shape[0] == 0:
        return None, names
    return np.ascontiguousarray(rows).view(dtype)[:, 0], names


def _read_fields(rows: np.ndarray, layout: Layout) -> tuple[list, list[str]]:
    """Return ``[(number, spec_or_None, RawField)]`` for the native fields, and warnings."""
    mesg = profile.message_type(layout.global_num)
    out = []
    warnings = []
    seen = set()
    offset = 0
    records, numeric = _numeric_view(rows, layout)
    for i, (number, size, bt_id) in enumerate(layout.fields):
        start = offset
        offset += size
        if size == 0 or number in seen:
            continue
        seen.add(number)
        bt = profile.base_type(bt_id)
        if size % bt.size:
            # As the FIT SDK and fitdecode do (fitdecode#13, COROS files):
            # a size that is not a multiple of the base type reads as bytes.
            warnings.append(
                f"field {number} of message {profile.message_name(layout.global_num)} has "
                f"size {size}, not a multiple of its type {bt.name}; read as bytes"
            )
            bt = profile.BYTE
        spec = mesg.fields.get(number) if mesg is not None else None
        if records is not None and f"f{i}" in numeric:
            raw = from_values(records[f"f{i}"], bt)
        else:
            raw = read_raw(rows, start, size, bt, layout.endian)
        out.append((number, spec, raw))
    return out, warnings


def _component_raw(raw: RawField, component) -> tuple[np.ndarray, np.ndarray] | None:
    """Raw integer values of ``component`` extracted from the source field ``raw``."""
    bits, shift = component.bits, component.bit_offset or 0
    mask = (1 << bits) - 1
    if raw.base.kind == "int" and raw.n_elements == 1:
        return (raw.ints >> shift) & mask, raw.valid.copy()
    if raw.base.kind != "byte":
        return None
    width = raw.data.shape[1]
    if shift >= 8 * width:
        return None  # the profile lists more components than the bytes hold
    first, last = shift // 8, min((shift + bits - 1) // 8, width - 1)
    value = np.zeros(raw.data.shape[0], dtype=np.int64)
    for j in range(last, first - 1, -1):
        value = (value << 8) | raw.data[:, j].astype(np.int64)
    return (value >> (shift - 8 * first)) & mask, raw.valid.copy()


def _subfield_masks(spec, raws: dict[int, RawField], n: int) -> list[tuple[object, np.ndarray]]:
    """Rows where each sub-field of ``spec`` applies (first match wins, as in the SDK)."""
    remaining = np.ones(n, dtype=bool)
    out = []
    for sub in spec.subfields or ():
        hit = np.zeros(n, dtype=bool)
        for ref in sub.ref_fields:
            ref_raw = raws.get(ref.def_num)
            if ref_raw is None or ref_raw.ints is None:
                continue
            hit |= (ref_raw.ints == ref.raw_value) & ref_raw.valid
        hit &= remaining
        remaining &= ~hit
        if hit.any():
            out.append((sub, hit))
    out.append((None, remaining))
    return out


def _add_components(frame: LayoutFrame, position: int, owner, raw: RawField, rows: np.ndarray) -> None:
    for index, component in enumerate(owner.components or ()):
        extracted = _component_raw(raw, component)
        if extracted is None:
            continue
        values, valid = extracted
        frame.components.append(
            ComponentValues(component.def_num, (position, index), component, values, valid & rows)
        )


def _put(frame: LayoutFrame, name: str, column: Column) -> None:
    """Store a column; a second column of the same name only fills missing rows."""
    existing = frame.columns.get(name)
    if existing is None:
        frame.columns[name] = column
        return
    if existing.kind != column.kind:
        return
    if existing.kind == "obj":
        empty = np.array([v is None for v in existing.values.tolist()], dtype=bool)
    else:
        empty = np.isnan(existing.values)
    existing.values[empty] = column.values[empty]


def decode_layout(data: np.ndarray, positions: np.ndarray, records: np.ndarray, layout: Layout) -> LayoutFrame:
    """Decode every record of ``layout``.

    Parameters
    ----------
    data : ndarray of uint8
        The whole file.
    positions : ndarray of int64
        Byte offset of each record of this layout.
    records : ndarray of int64
        Index of each of these records in the file's record list.
    layout : Layout
    """
    rows = gather_rows(data, positions, layout.size)
    n = positions.size
    frame = LayoutFrame(records=records)
    fields, frame.warnings = _read_fields(rows, layout)
    frame.field_order = tuple(number for number, _, _ in fields)
    raws = {number: raw for number, _, raw in fields}
    for position, (number, spec, raw) in enumerate(fields):
        if spec is None:
            _put(frame, f"unknown_{number}", render(raw, None))
            continue
        name = spec.name
        if spec.type.name in ("date_time", "local_date_time") and (
            raw.base.kind != "int" or raw.n_elements != 1
        ):
            name = f"{name}_raw"  # a date field declared with a non-integer type: keep, but not as a date
        _put(frame, name, render(raw, spec))
        if not spec.subfields:
            _add_components(frame, position, spec, raw, np.ones(n, dtype=bool))
            continue
        for sub, hit in _subfield_masks(spec, raws, n):
            if sub is None:
                _add_components(frame, position, spec, raw, hit)
            else:
                _put(frame, sub.name, render(raw, sub, rows=hit))
                _add_components(frame, position, sub, raw, hit)
    _decode_dev_fields(frame, rows, layout)
    return frame


def _decode_dev_fields(frame: LayoutFrame, rows: np.ndarray, layout: Layout) -> None:
    offset = sum(size for _, size, _ in layout.fields)
    for number, size, spec in layout.dev_fields:
        start = offset
        offset += size
        if size == 0:
            continue
        bt = profile.base_type(spec.base_type_id)
        if size % bt.size:
            bt = profile.BYTE
        raw = read_raw(rows, start, size, bt, layout.endian)
        name = spec.name
        if name in frame.columns:
            name = f"{name} (developer {spec.dev_data_index})"
        if name in frame.columns:
            continue
        frame.dev_names[(spec.dev_data_index, number)] = name
        frame.columns[name] = render(raw, spec)


def layout_timestamps(data: np.ndarray, positions: np.ndarray, layout: Layout) -> np.ndarray | None:
    """Raw ``timestamp`` (field 253) of each record as float64 (NaN if invalid), or ``None``."""
    offset = 0
    for number, size, bt_id in layout.fields:
        if number == profile.TIMESTAMP_FIELD:
            bt = profile.base_type(bt_id)
            if bt.kind != "int" or size != bt.size:
                return None
            rows = gather_rows(data, positions + offset, size)
            raw = read_raw(rows, 0, size, bt, layout.endian)
            values = raw.data.astype(np.float64)
            values[~raw.valid] = np.nan
            return values
        offset += size
    return None
