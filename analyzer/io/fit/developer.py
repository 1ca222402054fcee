"""Developer fields: what a ``field_description`` message says each one is.

A FIT file may carry fields that no profile names (a power meter's or an app's own data). A
``developer_data_id`` message opens a developer's index, and one ``field_description`` message
per field gives its number, base type, name, units, scale and offset; a definition message then
lists the developer fields of its data messages by (developer index, field number). Which
description applies is the last one of the same segment written before the definition (FIT SDK,
*Flexible & Interoperable Data Transfer (FIT) Protocol*, "Developer Data"; Garmin's decoders read
it the same way). A field no description names is read as bytes and called
``unknown_dev_<index>_<number>``.
"""

from __future__ import annotations

import bisect

import numpy as np

from . import profile
from .decode import DevFieldSpec, LayoutFrame

_BASE_TYPE_BY_NAME = {bt.name: ident for ident, bt in profile.BASE_TYPES.items()}


class DevFieldResolver:
    """(segment, definition offset, developer index, field number) -> :class:`DevFieldSpec`."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int, int], list[tuple[int, DevFieldSpec]]] = {}
        self._sorted = True

    def add(self, segments, positions, specs: list[DevFieldSpec | None]) -> None:
        """Record decoded descriptions: each one's segment, byte position and spec (or ``None``)."""
        for segment, position, spec in zip(np.asarray(segments).tolist(), positions, specs):
            if spec is None:
                continue
            key = (int(segment), spec.dev_data_index, spec.number)
            self._entries.setdefault(key, []).append((int(position), spec))
            self._sorted = False

    def __call__(self, segment: int, offset: int, dev_index: int, number: int) -> DevFieldSpec:
        if not self._sorted:
            for entries in self._entries.values():
                entries.sort(key=lambda e: e[0])
            self._sorted = True
        entries = self._entries.get((segment, dev_index, number), [])
        at = bisect.bisect_left([pos for pos, _ in entries], offset)
        if at:
            return entries[at - 1][1]
        name = f"unknown_dev_{dev_index}_{number}"
        return DevFieldSpec(dev_index, number, name, profile.BYTE_BASE_TYPE, None, None, None)


def description_specs(frame: LayoutFrame) -> list[DevFieldSpec | None]:
    """Developer-field specs from decoded ``field_description`` rows."""
    cols = frame.columns
    n = frame.records.size

    def get(name):
        column = cols.get(name)
        return column.values.tolist() if column is not None else [None] * n

    out = []
    for index, number, base, field_name, units, scale, offset in zip(
        get("developer_data_index"),
        get("field_definition_number"),
        get("fit_base_type_id"),
        get("field_name"),
        get("units"),
        get("scale"),
        get("offset"),
    ):
        if not (_is_number(index) and _is_number(number)):
            out.append(None)  # missing, or mis-declared as an array or string
            continue
        field_name = field_name if isinstance(field_name, str) else None
        units = units if isinstance(units, str) else None
        scale = scale if _is_number(scale) else None
        offset = offset if _is_number(offset) else None
        base_id = (
            _BASE_TYPE_BY_NAME.get(base, base) if not _missing(base) else profile.BYTE_BASE_TYPE
        )
        if not isinstance(base_id, (int, float)) or int(base_id) not in profile.BASE_TYPES:
            base_id = profile.BYTE_BASE_TYPE
        name = field_name or f"unknown_dev_{int(index)}_{int(number)}"
        out.append(
            DevFieldSpec(
                int(index),
                int(number),
                name,
                int(base_id),
                units,
                None if _missing(scale) or not scale else float(scale),
                None if _missing(offset) or not offset else float(offset),
            )
        )
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
