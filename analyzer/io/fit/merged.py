"""All layouts of one message type decoded as one, for the columns a caller wants.

A device may define the same message type many times with its fields in a
different order or with different fields (a fit_tool file: 346 record
layouts for 4,555 records). Decoding layout by layout then costs a fixed
amount of Python per layout. For a decode of a few wanted columns
(:meth:`FitFile.arrays <analyzer.io.fit.FitFile.arrays>` with ``fields``),
the fields that give them are gathered from every record at its own
layout's offset into one synthetic layout, where a layout without the field
gets the field's invalid value, and the synthetic layout is decoded once
(:func:`.decode.decode_rows`). The result is the same as decoding each
layout and merging the rows; when the layouts disagree on a field's size,
type or byte order, or repeat a field, the caller decodes layout by layout.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from analyzer.io.boundedcache import weighted_cache

from . import profile
from .decode import Layout, LayoutFrame, decode_rows, gather_rows
from .plan import layout_plan, selected_fields


@weighted_cache(lambda global_num, endian, fields, wanted: len(fields))
def _needed(global_num: int, endian: str, fields: tuple, wanted: frozenset[str]):
    """``{number: (offset, size, base type)}`` of the fields a wanted decode reads, or ``None``.

    The selected fields and the reference fields of their sub-fields;
    ``None`` when the layout repeats one of them (its own rule applies then).
    """
    chosen = selected_fields(global_num, endian, fields, wanted)
    if any(not fp.primary for fp in chosen):
        return None
    numbers = {fp.number for fp in chosen}
    for fp in chosen:
        for sub in (fp.spec.subfields or ()) if fp.spec is not None else ():
            numbers.update(ref.def_num for ref in sub.ref_fields)
    out = {}
    offset = 0
    for number, size, bt_id in fields:
        if number in numbers and size:
            if number in out:
                return None
            out[number] = (offset, size, bt_id)
        offset += size
    return out


def merged_frame(
    data: np.ndarray,
    positions: np.ndarray,
    record_layout: np.ndarray,
    layouts: list[Layout],
    records: np.ndarray,
    wanted: frozenset[str],
) -> LayoutFrame | None:
    """Decode the records of several layouts of one message type as one layout.

    Parameters
    ----------
    data : ndarray of uint8
        The whole file.
    positions : ndarray of int64
        Byte offset of each of ``records``.
    record_layout : ndarray of int64
        Index into ``layouts`` of each of ``records``.
    layouts : list of Layout
        The message type's layouts (same global message number).
    records : ndarray of int64
        The message type's records (indexes in the file's record list), in file order.
    wanted : frozenset of str
        The columns to decode.

    Returns
    -------
    LayoutFrame or None
        The decoded rows (in the order of ``records``), or ``None`` when the
        layouts cannot be decoded as one (byte order, field sizes or types
        differ, or a field is repeated).
    """
    endian = layouts[0].endian
    if any(layout.endian != endian for layout in layouts):
        return None
    slots: dict[int, tuple[int, int]] = {}
    offsets = []
    for layout in layouts:
        needed = _needed(layout.global_num, endian, layout.fields, wanted)
        if needed is None:
            return None
        for number, (_, size, bt_id) in needed.items():
            if slots.setdefault(number, (size, bt_id)) != (size, bt_id):
                return None
        offsets.append(needed)
    fields = tuple((number, size, bt_id) for number, (size, bt_id) in slots.items())
    width = sum(size for _, size, _ in fields)
    rows = np.empty((records.size, width), dtype=np.uint8)
    start = 0
    for number, size, bt_id in fields:
        rows[:, start : start + size] = _invalid_bytes(bt_id, size, endian)
        at = np.array([o[number][0] if number in o else -1 for o in offsets], dtype=np.int64)
        field_at = at[record_layout]
        present = field_at >= 0
        chosen = np.flatnonzero(present) if not present.all() else slice(None)
        rows[chosen, start : start + size] = gather_rows(
            data, positions[chosen] + field_at[chosen], size
        )
        start += size
    synthetic = Layout(layouts[0].global_num, endian, fields, (), width)
    frame = decode_rows(rows, records, synthetic, wanted)
    frame.warnings = [
        w
        for layout in layouts
        for w in layout_plan(layout.global_num, endian, layout.fields).warnings
    ]
    return frame


@lru_cache(maxsize=1024)
def _invalid_bytes(bt_id: int, size: int, endian: str) -> np.ndarray:
    """The bytes of a field of ``size`` bytes whose every element is invalid."""
    bt = profile.base_type(bt_id)
    if size % bt.size or bt.kind in ("byte", "float"):
        return np.full(size, 0xFF, dtype=np.uint8)  # all ones: invalid bytes, uint8 and NaN
    if bt.kind == "string":
        return np.zeros(size, dtype=np.uint8)
    element = np.array([bt.invalid], dtype=profile.numpy_code(bt, endian))
    return np.frombuffer(np.tile(element, size // bt.size).tobytes(), dtype=np.uint8)
