"""The decoding plan of a definition layout, built once per distinct layout.

Everything about a layout that does not depend on its records -- column
names, which fields are *plain numeric*, their invalid sentinels, scales and
offsets, the structured dtype that reads them -- is computed here once and
cached (a device writes the same few layouts in every file, so later files
reuse it; the caches are bounded by the fields they hold,
:mod:`analyzer.io.boundedcache`). :func:`numeric_matrix` then decodes the plain numeric fields of
all records of a layout as the rows of one float64 matrix: one cast per
field, then the invalid sentinels, scale and offset as whole-matrix
operations (FIT SDK: ``value = raw / scale - offset``; an invalid raw value
is missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from analyzer.io.boundedcache import weighted_cache

from . import profile, profile_arrays


@weighted_cache(lambda global_num, fields, endian, width: len(fields))
def numeric_dtype(
    global_num: int, fields: tuple, endian: str, width: int
) -> tuple[np.dtype | None, frozenset]:
    """Structured dtype, one numpy field ``f<i>`` per numeric native field (cached per layout).

    Each field is read as :func:`read_as` says (its base type and the bytes
    of it that count).
    """
    names, formats, offsets = [], [], []
    offset = 0
    for i, (number, size, bt_id) in enumerate(fields):
        bt, used = read_as(global_num, number, size, bt_id)
        if used and bt.kind in ("int", "float"):
            names.append(f"f{i}")
            k = used // bt.size
            code = profile.numpy_code(bt, endian)
            formats.append(code if k == 1 else (code, (k,)))
            offsets.append(offset)
        offset += size
    if not names:
        return None, frozenset()
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": width})
    return dtype, frozenset(names)


def read_as(global_num: int, number: int, size: int, bt_id: int) -> tuple[profile.BaseType, int]:
    """The base type a field is read as, and how many of its bytes are read.

    * A size that is not a multiple of the base type: the field is read as
      ``size`` uint8 elements, as the FIT SDK's decoder does (a COROS
      ``event.data`` declared uint32 with one byte is one uint8).
    * A numeric field the profile defines as a single value
      (:data:`.profile_arrays.ARRAY_FIELDS` does not list it) recorded with
      several elements: only the first element is read, so that its column
      stays numeric.
    """
    bt = profile.base_type(bt_id)
    if size % bt.size:
        return profile.UINT8, size
    if size > bt.size and bt.kind in ("int", "float") and _profile_scalar(global_num, number):
        return bt, bt.size
    return bt, size


def _profile_scalar(global_num: int, number: int) -> bool:
    """Whether the profile knows the field and defines it as one value."""
    mesg = profile.message_type(global_num)
    return (
        mesg is not None
        and number in mesg.fields
        and (global_num, number) not in profile_arrays.ARRAY_FIELDS
    )


class FieldPlan(NamedTuple):
    """How one native field of a layout is decoded (part of a cached :class:`LayoutPlan`)."""

    position: int  # index among the decoded fields (orders components as the SDK does)
    number: int
    index: int  # index in ``Layout.fields`` (numeric view field ``f<index>``)
    start: int  # byte offset in the record
    size: int  # bytes read (read_as)
    base: profile.BaseType  # the base type read (read_as)
    spec: object  # fitdecode Field, or None for a field the profile does not know
    name: str  # column name
    row: int  # row of the field in the numeric matrix, -1 when rendered on its own
    primary: bool  # the last occurrence of its field number (expands components, sub-fields)


@dataclass(frozen=True)
class LayoutPlan:
    """Everything about a layout that does not depend on its records, computed once.

    The *plain numeric* fields (a scalar int or float, no enum, not ``bool``,
    not a 64-bit integer kept exact) are decoded together as the rows of one
    float64 matrix: one cast per field, then invalid sentinels, scale and
    offset as three whole-matrix operations. Other fields (enums, strings,
    bytes, arrays, ...) are rendered one by one by :func:`.values.render`.
    """

    fields: tuple[FieldPlan, ...]
    matrix_fields: tuple[str, ...]  # numeric view field of each matrix row
    kinds: tuple[str, ...]  # column kind of each matrix row ("num", "dt", "ldt")
    invalid: np.ndarray  # raw invalid sentinel per row (NaN for floats)
    scale: np.ndarray | None  # per row (1 where none), None when no row is scaled
    offset: np.ndarray | None  # per row (0 where none), None when no row has an offset
    has_float: bool
    warnings: tuple[str, ...]


def _matrix_kind(spec, bt: profile.BaseType, size: int) -> str | None:
    """Column kind if the field is plain numeric (see :class:`LayoutPlan`), else ``None``.

    Mirrors :func:`.values.render` for the fields it would return as
    ``"num"``/``"dt"``/``"ldt"`` columns.
    """
    if bt.kind not in ("int", "float") or size != bt.size:
        return None
    scale = getattr(spec, "scale", None)
    offset = getattr(spec, "offset", None)
    if bt.kind == "int" and bt.size == 8:
        return None  # exact Python ints (unscaled) or above float64's exact range
    if spec is None:
        return "num"
    if spec.type.name == "bool" or profile.enum_of(spec):
        return None
    if not all(isinstance(value, (int, float, type(None))) for value in (scale, offset)):
        return None
    return {"date_time": "dt", "local_date_time": "ldt"}.get(spec.type.name, "num")


@weighted_cache(lambda global_num, endian, fields: len(fields))
def layout_plan(global_num: int, endian: str, fields: tuple) -> LayoutPlan:
    """Build (once per distinct layout) the decoding plan of its native fields.

    A field number defined more than once in one definition keeps, per
    message, its last valid value, as the FIT SDK's decoder does (a later
    occurrence overwrites an earlier one unless it is invalid): the
    occurrences are planned last first, and each later-planned one only fills
    values still missing. Only the last occurrence expands components and
    sub-fields.
    """
    mesg = profile.message_type(global_num)
    plans: list[FieldPlan] = []
    warnings: list[str] = []
    matrix_fields, kinds, invalid, scale, offset = [], [], [], [], []
    starts = np.cumsum([0] + [size for _, size, _ in fields]).tolist()
    occurrences: dict[int, int] = {}
    for number, size, _ in fields:
        if size:
            occurrences[number] = occurrences.get(number, 0) + 1
    message = profile.message_name(global_num)
    for number, count in occurrences.items():
        if count > 1:
            times = "twice" if count == 2 else f"{count} times"
            warnings.append(
                f"field {number} of message {message} is defined {times} in one definition; "
                "the last valid value of each message is kept, as the FIT SDK does"
            )
    planned: set[int] = set()
    for i in _last_first(fields):
        number, size, bt_id = fields[i]
        spec = mesg.fields.get(number) if mesg is not None else None
        bt, used = read_as(global_num, number, size, bt_id)
        declared = profile.base_type(bt_id)
        if size % declared.size:
            warnings.append(
                f"field {number} of message {message} has size {size}, not a multiple of its "
                f"type {declared.name}; read as {size} uint8 elements, as the FIT SDK does"
            )
        elif used < size:
            warnings.append(
                f"field {spec.name} of message {message} has {size // bt.size} elements where "
                "the profile defines one value; the first element was kept"
            )
        if spec is None:
            name = f"unknown_{number}"
        else:
            name = spec.name
            if spec.type.name in ("date_time", "local_date_time") and (
                bt.kind != "int" or used != bt.size
            ):
                # a date field declared with a non-integer type: keep, but not as a date
                name = f"{name}_raw"
        kind = _matrix_kind(spec, bt, used)
        row = -1
        if kind is not None:
            row = len(matrix_fields)
            matrix_fields.append(f"f{i}")
            kinds.append(kind)
            invalid.append(np.nan if bt.kind == "float" else float(bt.invalid))
            scale.append(float(getattr(spec, "scale", None) or 1.0))
            offset.append(float(getattr(spec, "offset", None) or 0.0))
        primary = number not in planned
        planned.add(number)
        plans.append(
            FieldPlan(len(plans), number, i, starts[i], used, bt, spec, name, row, primary)
        )
    scales = np.asarray(scale, dtype=np.float64)
    offsets = np.asarray(offset, dtype=np.float64)
    return LayoutPlan(
        tuple(plans),
        tuple(matrix_fields),
        tuple(kinds),
        np.asarray(invalid, dtype=np.float64)[:, None],
        scales[:, None] if np.any(scales != 1.0) else None,
        offsets[:, None] if np.any(offsets != 0.0) else None,
        any(value != value for value in invalid),
        tuple(warnings),
    )


@weighted_cache(lambda global_num, endian, fields, wanted: len(fields))
def selected_fields(
    global_num: int, endian: str, fields: tuple, wanted: frozenset[str] | None
) -> tuple[FieldPlan, ...]:
    """The fields of a layout to decode for the columns ``wanted`` (all when ``None``).

    A field is decoded when its column is wanted, or when it is the last
    occurrence of its number and one of its sub-fields or components gives
    a wanted column.
    """
    plan = layout_plan(global_num, endian, fields)
    if wanted is None:
        return plan.fields
    mesg = profile.message_type(global_num)
    return tuple(
        fp
        for fp in plan.fields
        if fp.name in wanted or (fp.primary and _gives(fp.spec, mesg, wanted))
    )


def _gives(spec, mesg, wanted: frozenset[str]) -> bool:
    """Whether a profile field gives a wanted column through its sub-fields or components."""
    if spec is None:
        return False
    for owner in (spec, *(spec.subfields or ())):
        if owner is not spec and owner.name in wanted:
            return True
        for component in owner.components or ():
            target = mesg.fields.get(component.def_num)
            if target is not None and target.name in wanted:
                return True
    return False


def _last_first(fields: tuple) -> list[int]:
    """Indexes of the fields with a size, in record order except that a repeated field
    number's occurrences are taken last first, at the place of its first occurrence."""
    by_number: dict[int, list[int]] = {}
    for i, (number, size, _) in enumerate(fields):
        if size:
            by_number.setdefault(number, []).append(i)
    return [i for indexes in by_number.values() for i in reversed(indexes)]


def numeric_matrix(records: np.ndarray, plan: LayoutPlan) -> np.ndarray:
    """Decoded plain numeric fields as a (fields x records) float64 matrix.

    ``raw / scale - offset`` (the SDK's order of operations), NaN where the
    raw value is the field's invalid sentinel.
    """
    matrix = np.empty((len(plan.matrix_fields), records.shape[0]), dtype=np.float64)
    with np.errstate(invalid="ignore"):  # a float field's bytes may be a signalling NaN
        for row, name in enumerate(plan.matrix_fields):
            matrix[row] = records[name]
    invalid = matrix == plan.invalid
    if plan.has_float:
        invalid |= np.isnan(matrix)
    if plan.scale is not None:
        np.divide(matrix, plan.scale, out=matrix)
    if plan.offset is not None:
        np.subtract(matrix, plan.offset, out=matrix)
    matrix[invalid] = np.nan
    return matrix
