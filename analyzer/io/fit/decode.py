"""Decode all data messages of one definition layout at once with numpy.

Definitions with the same global message, byte order and field list share a
*layout*; the bytes of all records of a layout are gathered into one
``(n_records, record_size)`` uint8 matrix (one fancy-index over a view of
the file as overlapping record-sized items, no Python loop per record). The
*plain numeric* fields (scalars, no enum) are then decoded together through
a structured view as the rows of one float64 matrix (invalid sentinels,
scale and offset as whole-matrix operations); the other fields one by one.
Everything about a layout that does not depend on its records (names,
kinds, sentinels, scales) is computed once per distinct layout and cached
(:func:`.plan.layout_plan`), since a device writes the same few layouts in
every file.

What this module returns per layout is still *per definition*: decoded field
columns, sub-field columns, and the raw values of components. Everything
that depends on the order of messages across layouts (compressed timestamps,
accumulated components, the ``hr`` event timestamps) is done when a
message's rows are assembled, in :mod:`.frames`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analyzer.io.boundedcache import weighted_cache

from . import profile
from .plan import (
    FieldPlan,
    LayoutPlan,
    layout_plan,
    numeric_dtype,
    numeric_matrix,
    selected_fields,
)
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
    """Records sharing a global message number, byte order and field list.

    ``dev_fields`` is ``None`` while the developer fields of a layout that has
    some are not resolved yet (a decode of wanted columns never needs them).
    """

    global_num: int
    endian: str
    fields: tuple[tuple[int, int, int], ...]
    dev_fields: tuple[tuple[int, int, DevFieldSpec], ...] | None
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
    """Return the payload bytes of the records at ``positions`` as an (n, size) uint8 matrix.

    The file is viewed as overlapping ``size``-byte items, one starting at
    every byte (a zero-copy strided view), and the records are taken from it
    with one fancy index: numpy copies each record as one fixed-size item,
    without a Python loop over records or runs of records.
    """
    n = positions.size
    if size == 0 or n == 0:
        return np.zeros((n, size), dtype=np.uint8)
    items = np.ndarray(
        (data.size - size,), dtype=np.dtype((np.void, size)), buffer=data, offset=1, strides=(1,)
    )
    return items[positions].view(np.uint8).reshape(n, size)


def _numeric_view(rows: np.ndarray, layout: Layout) -> tuple[np.ndarray | None, frozenset]:
    """A structured view of ``rows`` with one numpy field per native numeric field."""
    dtype, names = numeric_dtype(layout.global_num, layout.fields, layout.endian, rows.shape[1])
    if dtype is None or rows.shape[0] == 0:
        return None, names
    return np.ascontiguousarray(rows).view(dtype)[:, 0], names


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


#: Up to this many rows, sub-fields whose reference values do not occur are skipped
#: after a set look-up (``event.data`` has dozens of sub-fields, most never used).
_SUBFIELD_SET_ROWS = 512


def _reference_codes(raws: _RawFields, number: int, n: int, cache: dict) -> tuple:
    """``(ints, valid, codes present or None)`` of a reference field, once per field."""
    entry = cache.get(number)
    if entry is None:
        raw = raws.get(number)
        ints = raw.ints if raw is not None else None
        if ints is None:
            entry = (None, None, frozenset())
        else:
            present = set(ints[raw.valid].tolist()) if n <= _SUBFIELD_SET_ROWS else None
            entry = (ints, raw.valid, present)
        cache[number] = entry
    return entry


def _subfield_masks(spec, raws: _RawFields, n: int) -> list[tuple[object, np.ndarray]]:
    """Rows where each sub-field of ``spec`` applies (first match wins, as in the SDK)."""
    remaining = np.ones(n, dtype=bool)
    out = []
    cache: dict = {}
    for sub in spec.subfields or ():
        hit = None
        for ref in sub.ref_fields:
            ints, valid, present = _reference_codes(raws, ref.def_num, n, cache)
            if ints is None or (present is not None and ref.raw_value not in present):
                continue
            match = (ints == ref.raw_value) & valid
            hit = match if hit is None else hit | match
        if hit is None:
            continue
        hit &= remaining
        remaining &= ~hit
        if hit.any():
            out.append((sub, hit))
    out.append((None, remaining))
    return out


def _add_components(
    frame: LayoutFrame, position: int, owner, raw: RawField, rows: np.ndarray
) -> None:
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


class _RawFields:
    """Raw values of a layout's native fields, built when asked for (components, sub-fields)."""

    def __init__(
        self, rows: np.ndarray, records: np.ndarray | None, plan: LayoutPlan, endian: str
    ) -> None:
        self._rows = rows
        self._records = records
        self._endian = endian
        self._by_number = {fp.number: fp for fp in plan.fields if fp.primary}
        self._cache: dict[int, RawField] = {}

    def get(self, number: int) -> RawField | None:
        """Raw values of field ``number`` (its last occurrence), or ``None`` when absent."""
        fp = self._by_number.get(number)
        return None if fp is None else self.of(fp)

    def of(self, fp: FieldPlan) -> RawField:
        """Raw values of the field occurrence ``fp``."""
        raw = self._cache.get(fp.index)
        if raw is None:
            raw = self._cache[fp.index] = self._read(fp)
        return raw

    def _read(self, fp: FieldPlan) -> RawField:
        name = f"f{fp.index}"
        if (
            self._records is not None
            and fp.base.kind in ("int", "float")
            and name in self._records.dtype.names
        ):
            return from_values(self._records[name], fp.base)
        return read_raw(self._rows, fp.start, fp.size, fp.base, self._endian)


def decode_layout(
    data: np.ndarray,
    positions: np.ndarray,
    records: np.ndarray,
    layout: Layout,
    wanted: frozenset[str] | None = None,
) -> LayoutFrame:
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
    wanted : frozenset of str, optional
        Decode only the columns of these names (the fields, sub-fields and
        components that give them; no developer fields); default: everything.
    """
    return decode_rows(gather_rows(data, positions, layout.size), records, layout, wanted)


def decode_rows(
    rows: np.ndarray, records: np.ndarray, layout: Layout, wanted: frozenset[str] | None = None
) -> LayoutFrame:
    """Decode the records of ``layout`` given as an (n, record size) uint8 matrix.

    As :func:`decode_layout`, from the gathered payload bytes.
    """
    n = rows.shape[0]
    plan = layout_plan(layout.global_num, layout.endian, layout.fields)
    frame = LayoutFrame(records=records, warnings=list(plan.warnings))
    frame.field_order = tuple(fp.number for fp in plan.fields)
    fields = selected_fields(layout.global_num, layout.endian, layout.fields, wanted)
    view, _ = _numeric_view(rows, layout)
    use_matrix = plan.matrix_fields and view is not None and any(fp.row >= 0 for fp in fields)
    matrix = numeric_matrix(view, plan) if use_matrix else None
    raws = _RawFields(rows, view, plan, layout.endian)
    for fp in fields:
        spec = fp.spec
        if wanted is None or fp.name in wanted:
            if fp.row >= 0 and matrix is not None:
                column = Column(plan.kinds[fp.row], matrix[fp.row])
            else:
                column = render(raws.of(fp), spec)
            _put(frame, fp.name, column)
        if spec is None or not fp.primary:
            continue
        if not spec.subfields:
            if spec.components:
                _add_components(
                    frame, fp.position, spec, raws.get(fp.number), np.ones(n, dtype=bool)
                )
            continue
        raw = raws.get(fp.number)
        for sub, hit in _subfield_masks(spec, raws, n):
            if sub is None:
                _add_components(frame, fp.position, spec, raw, hit)
            else:
                if wanted is None or sub.name in wanted:
                    _put(frame, sub.name, render(raw, sub, rows=hit))
                _add_components(frame, fp.position, sub, raw, hit)
    if wanted is None:
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


@weighted_cache(lambda fields, endian: len(fields))
def timestamp_slot(fields: tuple, endian: str) -> tuple[int, int, int, str] | None:
    """Where a layout holds its ``timestamp`` (field 253): (offset, size, base type, byte order).

    ``None`` when it has none, or not as a plain integer.
    """
    offset = 0
    for number, size, bt_id in fields:
        if number == profile.TIMESTAMP_FIELD:
            bt = profile.base_type(bt_id)
            if bt.kind != "int" or size != bt.size:
                return None
            return offset, size, bt_id, endian
        offset += size
    return None


def read_timestamps(
    data: np.ndarray, positions: np.ndarray, size: int, bt_id: int, endian: str
) -> np.ndarray:
    """Raw integer timestamps of ``size`` bytes at each of ``positions`` (+1, after the header).

    float64, NaN where invalid.
    """
    bt = profile.base_type(bt_id)
    rows = gather_rows(data, positions, size)
    raw = read_raw(rows, 0, size, bt, endian)
    values = raw.data.astype(np.float64)
    values[~raw.valid] = np.nan
    return values


def field_elements(
    data: np.ndarray, positions: np.ndarray, layout: Layout, name: str
) -> np.ndarray | None:
    """The elements of numeric field ``name`` of each record, scaled, as a float64 (n, k) matrix.

    NaN where an element is invalid; ``None`` when the layout has no such
    numeric field (its last occurrence, as :func:`decode_layout` reads it).
    """
    plan = layout_plan(layout.global_num, layout.endian, layout.fields)
    fp = next((f for f in plan.fields if f.primary and f.name == name), None)
    if fp is None or fp.base.kind not in ("int", "float"):
        return None
    rows = gather_rows(data, positions, layout.size)
    raw = read_raw(rows, fp.start, fp.size, fp.base, layout.endian)
    values = raw.data.astype(np.float64).reshape(positions.size, -1)
    scale, offset = getattr(fp.spec, "scale", None), getattr(fp.spec, "offset", None)
    if scale:
        values /= scale
    if offset:
        values -= offset
    values[~raw.valid.reshape(values.shape)] = np.nan
    return values
