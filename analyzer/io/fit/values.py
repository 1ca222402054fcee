"""Turn raw numpy arrays of one field into decoded column values.

A *column* is a numpy array plus a kind:

``"num"``
    float64, scaled, ``NaN`` where the raw value was the invalid sentinel;
``"dt"``
    float64 seconds since the FIT epoch (``date_time`` fields; converted to
    tz-aware UTC at the very end, see :mod:`.frames`);
``"ldt"``
    the same for ``local_date_time`` fields (wall clock, no zone);
``"obj"``
    Python objects: enum names, strings, booleans, tuples for arrays and
    ``byte`` fields, ``None`` when missing.

The rules follow the FIT SDK and fitdecode: invalid sentinels become missing,
then ``value = raw / scale - offset``; a value listed in the field type's enum
becomes its name (also each element of an array of them); arrays keep one
element per slot (``None`` for an invalid slot); a ``byte`` field is ``None``
only when every byte is 0xFF; strings end at the first NUL and are decoded as
UTF-8 (bad bytes replaced).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import profile


@dataclass
class Column:
    """Decoded values of one field for a set of rows."""

    kind: str
    values: np.ndarray


@dataclass
class RawField:
    """Raw values of one field for the rows of one definition.

    ``ints`` holds int64 raw values (only for integer base types), ``valid``
    marks rows whose value is not the invalid sentinel; ``matrix`` holds the
    raw bytes of ``byte``/``string`` fields and the elements of arrays.
    """

    base: profile.BaseType
    n_elements: int
    data: np.ndarray  # (n,) numeric, or (n, k) for arrays/bytes/strings
    valid: np.ndarray  # (n,) for scalars; (n, k) for arrays

    @property
    def ints(self) -> np.ndarray | None:
        if self.base.kind != "int" or self.data.ndim != 1:
            return None
        return self.data.astype(np.int64) if self.base.size < 8 else self.data


def read_raw(
    rows: np.ndarray, offset: int, size: int, bt: profile.BaseType, endian: str
) -> RawField:
    """Extract one field from ``rows`` (n x record size, uint8) starting at byte ``offset``."""
    chunk = rows[:, offset : offset + size]
    if bt.kind in ("byte", "string"):
        data = np.ascontiguousarray(chunk)
        if bt.kind == "byte":
            valid = ~np.all(data == 0xFF, axis=1)
        else:
            valid = data[:, 0] != 0
        return RawField(bt, size, data, valid)
    k = size // bt.size
    data = np.ascontiguousarray(chunk).view(profile.numpy_code(bt, endian))
    if k == 1:
        data = data[:, 0]
    if bt.kind == "float":
        valid = ~np.isnan(data)
    else:
        valid = data != bt.invalid
    return RawField(bt, k, data, valid)


def from_values(data: np.ndarray, bt: profile.BaseType) -> RawField:
    """Wrap numeric raw values (n,) or (n, k) of base type ``bt`` with their validity."""
    valid = ~np.isnan(data) if bt.kind == "float" else data != bt.invalid
    k = 1 if data.ndim == 1 else data.shape[1]
    return RawField(bt, k, data, valid)


def _scaled(data: np.ndarray, scale, offset) -> np.ndarray:
    """``raw / scale - offset`` in float64 (the SDK's order of operations)."""
    with np.errstate(invalid="ignore"):  # a float field's bytes may be a signalling NaN
        values = data.astype(np.float64)
    if scale:
        np.divide(values, scale, out=values)
    if offset:
        np.subtract(values, offset, out=values)
    return values


def _strings(data: np.ndarray) -> np.ndarray:
    n, width = data.shape
    blob = data.tobytes()
    out = np.empty(n, dtype=object)
    for i in range(n):
        raw = blob[i * width : (i + 1) * width].split(b"\x00", 1)[0]
        out[i] = raw.decode("utf-8", errors="replace") or None
    return out


def row_tuples(rows: list[list], valid: np.ndarray) -> np.ndarray:
    """One tuple per row of ``rows`` (lists of Python values), ``None`` for invalid elements.

    Rows with every element valid become tuples in C (``map(tuple, ...)``);
    only rows holding an invalid element are rebuilt element by element.
    """
    out = np.fromiter(map(tuple, rows), dtype=object, count=len(rows))
    if valid.size and not valid.all():
        valid_rows = valid.tolist()
        for i in np.flatnonzero(~valid.all(axis=1)).tolist():
            out[i] = tuple(v if ok else None for v, ok in zip(rows[i], valid_rows[i]))
    return out


def _byte_tuples(raw: RawField) -> np.ndarray:
    out = np.fromiter(map(tuple, raw.data.tolist()), dtype=object, count=raw.data.shape[0])
    if not raw.valid.all():
        out[~raw.valid] = None
    return out


#: Integral array values below this convert exactly through int64.
_INT64_SAFE = 2.0**62


def _array_tuples(values: np.ndarray, valid: np.ndarray, as_int: bool) -> np.ndarray:
    if as_int and values.size and np.abs(values).max() < _INT64_SAFE:
        rows = values.astype(np.int64).tolist()
    elif as_int:
        rows = [[int(v) for v in row] for row in values.tolist()]
    else:
        rows = values.tolist()
    return row_tuples(rows, valid)


def _enum_objects(
    values: np.ndarray, raw: np.ndarray, valid: np.ndarray, enum: dict, integral: bool
) -> np.ndarray:
    out = np.empty(values.shape[0], dtype=object)
    out[:] = None
    if not valid.any():
        return out
    if values.shape[0] <= 64:  # few rows: a Python loop beats numpy's set operations
        cast = int if integral else float
        out[:] = [
            (enum[code] if code in enum else cast(value)) if ok else None
            for code, value, ok in zip(raw.tolist(), values.tolist(), valid.tolist())
        ]
        return out
    all_valid = bool(valid.all())
    raw_valid = raw if all_valid else raw[valid]
    codes, first, inverse = np.unique(raw_valid, return_index=True, return_inverse=True)
    names = np.empty(codes.shape[0], dtype=object)
    first_values = (values if all_valid else values[valid])[first].tolist()
    for j, (code, value) in enumerate(zip(codes.tolist(), first_values)):
        names[j] = enum[code] if code in enum else (int(value) if integral else float(value))
    if all_valid:
        return names[inverse]
    out[valid] = names[inverse]
    return out


def _named_elements(tuples: np.ndarray, enum: dict) -> np.ndarray:
    """Tuples of enum codes with each known code replaced by its name."""
    out = np.empty(tuples.shape[0], dtype=object)
    out[:] = [
        None if row is None else tuple(enum.get(v, v) if v is not None else None for v in row)
        for row in tuples.tolist()
    ]
    return out


def render(raw: RawField, spec, rows: np.ndarray | None = None) -> Column:
    """Decode ``raw`` with the profile field or sub-field ``spec`` (``None``: unknown field).

    ``rows`` optionally restricts the output to a boolean row mask (other rows
    missing), used for sub-fields.
    """
    n = raw.data.shape[0]
    bt = raw.base
    if bt.kind == "string":
        column = Column("obj", _strings(raw.data))
    elif bt.kind == "byte":
        column = Column("obj", _byte_tuples(raw))
    else:
        column = _render_numeric(raw, spec)
    if rows is not None:
        column = _mask_rows(column, rows)
    assert column.values.shape[0] == n
    return column


def _render_numeric(raw: RawField, spec) -> Column:
    bt = raw.base
    scale = getattr(spec, "scale", None)
    offset = getattr(spec, "offset", None)
    type_name = spec.type.name if spec is not None else bt.name
    enum = profile.enum_of(spec) if spec is not None else None
    if raw.n_elements > 1:
        values = _scaled(raw.data, scale, offset)
        as_int = bt.kind == "int" and not scale and not offset
        tuples = _array_tuples(values, raw.valid, as_int)
        if enum:  # each element named as a scalar of the type would be (FIT SDK)
            tuples = _named_elements(tuples, enum)
        return Column("obj", tuples)
    if bt.kind == "int" and bt.size == 8 and not scale and not offset:
        out = np.empty(raw.data.shape[0], dtype=object)
        out[:] = None
        out[raw.valid] = [int(v) for v in raw.data[raw.valid].tolist()]
        return Column("obj", out)
    values = _scaled(raw.data, scale, offset)
    if type_name == "bool":
        out = np.empty(values.shape[0], dtype=object)
        out[:] = None
        out[raw.valid] = values[raw.valid] != 0
        return Column("obj", out)
    if enum:
        integral = bt.kind == "int" and not scale and not offset
        return Column("obj", _enum_objects(values, raw.data, raw.valid, enum, integral))
    if not raw.valid.all():
        values[~raw.valid] = np.nan
    if type_name == "date_time":
        return Column("dt", values)
    if type_name == "local_date_time":
        return Column("ldt", values)
    return Column("num", values)


def missing_column(kind: str, n: int) -> Column:
    """A column of ``n`` missing values of ``kind``."""
    if kind == "obj":
        values = np.empty(n, dtype=object)
        values[:] = None
        return Column(kind, values)
    return Column(kind, np.full(n, np.nan))


def _mask_rows(column: Column, rows: np.ndarray) -> Column:
    out = missing_column(column.kind, rows.shape[0])
    out.values[rows] = column.values[rows]
    return out


def as_objects(column: Column) -> np.ndarray:
    """Return the column's values as Python objects (for mixing kinds)."""
    if column.kind == "obj":
        return column.values
    out = np.empty(column.values.shape[0], dtype=object)
    out[:] = None
    ok = ~np.isnan(column.values)
    out[ok] = column.values[ok].tolist()
    return out
