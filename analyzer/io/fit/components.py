"""Expand components into their target fields, in file order.

A FIT field may pack several *components* (FIT SDK, "Components"): e.g.
``record.speed`` expands into ``enhanced_speed``; the three bytes of
``record.compressed_speed_distance`` into ``speed`` (12 bits, scale 100) and
an *accumulated* ``distance`` (12 bits, scale 16); ``hr.event_timestamp_12``
into up to ten accumulated 12-bit ``event_timestamp`` values.

Target values are written into the target field's column where the message
did not record the target field directly (a directly recorded value wins:
it has more bits). When several components of one message feed the same
target (``hr``), the column holds a tuple per message.

``hr.event_timestamp`` holds, per message, a tuple of its beat times in
float seconds since the FIT epoch (1989-12-31 UTC), dated from the last
anchor message as the FIT SDK does (:mod:`.hr_events`); the values keep their
1/1024 s resolution, which datetimes would round.
"""

from __future__ import annotations

import numpy as np

from . import hr_events, profile
from .frames import accumulate
from .values import Column, _enum_objects, row_tuples


def apply_components(fit, number, layouts, frames, slots, rows, columns, wanted=None) -> None:
    """Add component values of message ``number`` to ``columns`` (in place).

    Only targets whose names are ``wanted`` (all when ``None``).
    """
    mesg = profile.message_type(number)
    if mesg is None:
        return
    by_target: dict[int, list] = {}
    for frame, slot in zip(frames, slots):
        for comp in frame.components:
            by_target.setdefault(comp.target, []).append((frame, slot, comp))
    if number == profile.MESG_HR and (wanted is None or "event_timestamp" in wanted):
        _apply_hr_beats(columns, by_target.pop(profile.HR_EVENT_TIMESTAMP, []), rows.size)
    for target, items in by_target.items():
        target_field = mesg.fields.get(target)
        if target_field is None or (wanted is not None and target_field.name not in wanted):
            continue
        _apply_target(
            fit, number, layouts, frames, slots, rows, columns, target, target_field, items
        )


def _slot_matrix(items, n: int):
    """Arrange component values as (rows x component slot) matrices."""
    if len(items) == 1 and isinstance(items[0][1], slice):  # one component of one layout
        comp = items[0][2]
        return (
            comp.raw.reshape(n, 1),
            comp.valid.reshape(n, 1),
            np.ones((n, 1), dtype=bool),
            [comp.spec],
        )
    per_frame: dict[int, list] = {}
    for frame, slot, comp in items:
        per_frame.setdefault(id(frame), []).append((slot, comp))
    width = max(len(v) for v in per_frame.values())
    raw = np.zeros((n, width), dtype=np.int64)
    valid = np.zeros((n, width), dtype=bool)
    present = np.zeros((n, width), dtype=bool)
    specs = [None] * width
    for entries in per_frame.values():
        entries.sort(key=lambda e: e[1].order)
        for j, (slot, comp) in enumerate(entries):
            raw[slot, j] = comp.raw
            valid[slot, j] = comp.valid
            present[slot, j] = True
            specs[j] = specs[j] or comp.spec
    return raw, valid, present, specs


def _reset_groups(fit, number, layouts, rows, target) -> np.ndarray:
    """Accumulator group of each row: it restarts at each definition declaring a source field."""
    walk = fit._walk
    sources = {
        num for num, targets in profile.accumulating_targets(number).items() if target in targets
    }
    declares = np.array(
        [
            shape.global_num == number and any(f[0] in sources for f in shape.fields)
            for shape in walk.shapes
        ],
        dtype=bool,
    )
    resets = walk.def_offsets[declares[walk.def_shapes]] if declares.size else walk.def_offsets[:0]
    resets = np.sort(np.concatenate([resets, [seg.offset for seg in walk.segments]]))
    return np.searchsorted(resets, walk.positions[rows], side="right")


def _apply_target(fit, number, layouts, frames, slots, rows, columns, target, target_field, items):
    n = rows.size
    raw, valid, present, specs = _slot_matrix(items, n)
    values = raw.astype(np.float64)
    if any(spec.accumulate for spec in specs):
        groups = np.repeat(_reset_groups(fit, number, layouts, rows, target), raw.shape[1])
        bits = next(spec.bits for spec in specs if spec.accumulate)
        values = accumulate(raw.ravel(), valid.ravel(), groups, bits).reshape(raw.shape)
    for j, spec in enumerate(specs):
        if spec.scale:
            values[:, j] = values[:, j] / spec.scale
        if spec.offset:
            values[:, j] = values[:, j] - spec.offset
    valid &= ~_target_invalid(values, target_field)
    values[~valid] = np.nan
    if raw.shape[1] == 1:
        column = _single(values[:, 0], valid[:, 0], target_field)
        _merge(columns, target_field.name, column)
        return
    _merge_tuples(columns, target_field.name, _component_tuples(values, valid, present))


def _target_invalid(values: np.ndarray, target_field) -> np.ndarray:
    """Where a component value is the target field's invalid value (FIT SDK).

    The SDK turns the value back into the target's raw units (``(value +
    offset) * scale``) and drops it when that is the invalid sentinel of the
    target's base type: a ``rear_gear_num`` (uint8z) of 0 is missing.
    """
    base = profile.base_type(target_field.base_type.identifier)
    if base.invalid is None:
        return np.zeros(values.shape, dtype=bool)
    raw = values
    if target_field.offset:
        raw = raw + target_field.offset
    if target_field.scale:
        raw = raw * target_field.scale
    with np.errstate(invalid="ignore"):
        return np.rint(raw) == base.invalid


def _component_tuples(values: np.ndarray, valid: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per row, the tuple of its present components' values (``None`` if invalid or none present).

    Rows sharing one pattern of present components (all rows of one layout)
    are converted together.
    """
    tuples = np.empty(values.shape[0], dtype=object)
    tuples[:] = None
    width = present.shape[1]
    if width > 62:  # pragma: no cover - no profile message has this many components
        groups = [(np.array([i]), present[i]) for i in range(present.shape[0])]
    else:
        codes = present.astype(np.int64) @ (np.int64(1) << np.arange(width, dtype=np.int64))
        unique, inverse = np.unique(codes, return_inverse=True)
        groups = []
        for j, code in enumerate(unique.tolist()):
            rows = np.flatnonzero(inverse == j) if unique.size > 1 else np.arange(codes.size)
            groups.append((rows, (code >> np.arange(width)) & 1 == 1))
    for rows, pattern in groups:
        if not pattern.any():
            continue
        tuples[rows] = row_tuples(
            values[np.ix_(rows, pattern)].tolist(), valid[np.ix_(rows, pattern)]
        )
    return tuples


def _single(values: np.ndarray, valid: np.ndarray, target_field) -> Column:
    enum = profile.enum_of(target_field)
    if enum:
        integral = bool(np.all(np.mod(values[valid], 1) == 0))
        return Column("obj", _enum_objects(values, values, valid, enum, integral))
    return Column("num", values)


def _merge(columns: dict, name: str, column: Column) -> None:
    existing = columns.get(name)
    if existing is None:
        columns[name] = column
        return
    if existing.kind == "num" and column.kind == "num":
        missing = np.isnan(existing.values)
        existing.values[missing] = column.values[missing]
    elif existing.kind == "obj" and column.kind == "obj":
        missing = np.array([v is None for v in existing.values.tolist()], dtype=bool)
        existing.values[missing] = column.values[missing]


def _merge_tuples(columns: dict, name: str, tuples: np.ndarray) -> None:
    existing = columns.get(name)
    if existing is None:
        columns[name] = Column("obj", tuples)
        return
    own = [
        value if type(value) is tuple else (None if value is None else _as_tuple(value))
        for value in existing.values.tolist()
    ]
    joined = [
        (mine or None) if comp is None else (mine or ()) + comp
        for mine, comp in zip(own, tuples.tolist())
    ]
    columns[name] = Column("obj", np.fromiter(joined, dtype=object, count=len(joined)))


def _as_tuple(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value if isinstance(value, tuple) else (value,)


def _apply_hr_beats(columns: dict, items: list, n: int) -> None:
    """``hr.event_timestamp``: per message the tuple of its beat times (:mod:`.hr_events`)."""
    if items:
        raw, valid, present, _ = _slot_matrix(items, n)
    else:
        raw, present, valid = np.zeros((n, 0), np.int64), np.zeros((n, 0), bool), None
    present = present if valid is None else present & valid

    def numbers(name: str, kind: str) -> np.ndarray:
        column = columns.get(name)
        return column.values if column is not None and column.kind == kind else np.full(n, np.nan)

    counter = numbers("event_timestamp", "num")
    if not items and np.isnan(counter).all():
        return
    beats = hr_events.beat_times(
        counter, numbers("timestamp", "dt"), numbers("fractional_timestamp", "num"), raw, present
    )
    columns["event_timestamp"] = Column("obj", beats)
