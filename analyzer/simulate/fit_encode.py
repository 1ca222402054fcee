"""A small FIT encoder: definition and data messages, header and CRC-16.

:meth:`FitWriter.add` writes what the simulator needs: little-endian
messages with normal (not compressed-timestamp) headers, scalar numeric,
enum, date-time and string fields, no developer fields. Message and field
*numbers*, base types, scales, offsets and enum names are read from
fitdecode's copy of the Garmin FIT profile (:mod:`fitdecode.profile`), never
hand-copied. Rows are written column-wise: one array per field, all rows
packed at once into a numpy structured array after a single definition
message.

:meth:`FitWriter.add_raw` writes a definition laid out by hand (any field
numbers, sizes and base types, fields defined twice, arrays, sizes that are
not a multiple of the type, big-endian) with raw values, optionally a
definition before every data message, for tests of how a reader copes with
what devices really write.

References
----------
Garmin FIT SDK, "Flexible and Interoperable Data Transfer (FIT) Protocol",
sections "File Header", "Record Header", "Definition Message",
"Data Message", "CRC" (https://developer.garmin.com/fit/protocol/). The CRC
is the FIT reader's (:func:`analyzer.io.fit.crc.crc16`).
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from fitdecode import profile as _profile

from analyzer.io.fit.crc import crc16  # the reader's CRC-16/ARC, vectorised with numpy
from analyzer.io.fit.profile import BASE_TYPES as _BASE_TYPES
from analyzer.io.fit.profile import STRING_BASE_TYPE, base_type, numpy_code

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631065600
PROTOCOL_VERSION = 0x10  # 1.0: no 64-bit types or developer fields needed
PROFILE_VERSION = 2117  # written as major*100 + minor, like Garmin devices

_HEADER_SIZE = 14
_DEFINITION = 0x40


_MESSAGES_BY_NAME = {m.name: (num, m) for num, m in _profile.MESSAGE_TYPES.items()}


def to_fit_seconds(times: object) -> np.ndarray:
    """Convert tz-aware timestamps (scalar, sequence or Series) to FIT ``date_time`` seconds.

    Raises
    ------
    ValueError
        If the timestamps are naive: FIT ``date_time`` is UTC.
    """
    index = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(times)))
    if index.tz is None:
        raise ValueError("FIT timestamps must be tz-aware (UTC)")
    unix_s = index.tz_convert("UTC").as_unit("s").asi8
    return unix_s - FIT_EPOCH_S


class FitWriter:
    """Accumulate FIT messages and return the bytes of one FIT file.

    Examples
    --------
    >>> w = FitWriter()
    >>> w.add("file_id", type="activity", manufacturer="development", time_created=t0)
    >>> w.add("record", timestamp=times, heart_rate=hr)
    >>> data = w.to_bytes()
    """

    def __init__(self, *, protocol_version: int = PROTOCOL_VERSION) -> None:
        self._body: list[bytes] = []
        self._locals: dict[tuple, int] = {}
        self._next_local = 0
        self._protocol_version = protocol_version

    def add(self, message: str, **columns: object) -> None:
        """Append ``message`` rows; each keyword is a profile field name.

        Values may be scalars (broadcast) or equal-length sequences. Floats are
        in the profile's units (scale and offset are applied here), enum fields
        take their profile names or numbers, ``date_time`` and
        ``local_date_time`` fields take tz-aware timestamps, and missing values
        (``NaN``/``None``) become the base type's invalid sentinel.
        """
        mesg_num, mesg = _lookup_message(message)
        fields = _lookup_fields(mesg, columns)
        n_rows = _row_count(columns)
        encoded = [_encode_column(f, columns[f.name], n_rows) for f in fields]
        layout = tuple(
            (f.def_num, arr.dtype.str, arr.dtype.itemsize) for f, arr in zip(fields, encoded)
        )
        local = self._definition(mesg_num, fields, encoded, layout)
        dtype = np.dtype(
            [("header", "u1")] + [(f.name, arr.dtype) for f, arr in zip(fields, encoded)]
        )
        rows = np.zeros(n_rows, dtype=dtype)
        rows["header"] = local
        for f, arr in zip(fields, encoded):
            rows[f.name] = arr
        self._body.append(rows.tobytes())

    def add_raw(
        self,
        message: str | int,
        fields: Iterable[tuple[str | int, int, str | int]],
        rows: Iterable[tuple],
        *,
        big_endian: bool = False,
        define_each: bool = False,
        local: int | None = None,
    ) -> None:
        """Append data messages of a hand-laid definition, with raw values.

        Parameters
        ----------
        message : str or int
            Profile message name or global message number.
        fields : iterable of (field, size, base type)
            Field name (of the profile message) or number, size in bytes and
            base type name (``"uint32"``) or byte (``0x86``), in record order.
            A field may appear twice; the size need not be a multiple of the type.
        rows : iterable of tuple
            One raw value per field: an int or float (packed as the base
            type), a sequence of them for a field of several elements, or
            ``bytes`` (written as they are, padded with 0xFF to the size).
        big_endian : bool
            Write the definition and values big-endian.
        define_each : bool
            Write the definition again before every data message (as some
            devices do).
        local : int, optional
            Local message type (default: the next one in turn).
        """
        mesg_num = message if isinstance(message, int) else _lookup_message(message)[0]
        layout = [_raw_field(mesg_num, name, size, base) for name, size, base in fields]
        endian = ">" if big_endian else "<"
        if local is None:
            local = self._next_local % 16
            self._next_local += 1
            self._locals = {k: v for k, v in self._locals.items() if v != local}
        definition = struct.pack("<BBB", _DEFINITION | local, 0, int(big_endian))
        definition += struct.pack(endian + "HB", mesg_num, len(layout))
        definition += b"".join(struct.pack("<BBB", num, size, bt) for num, size, bt in layout)
        if not define_each:
            self._body.append(definition)
        for row in rows:
            if define_each:
                self._body.append(definition)
            payload = b"".join(
                _pack_raw(v, size, bt, endian) for v, (_, size, bt) in zip(row, layout)
            )
            self._body.append(bytes([local]) + payload)

    def to_bytes(self) -> bytes:
        """Return the complete file: header (with its CRC), records, file CRC."""
        body = b"".join(self._body)
        head = struct.pack(
            "<BBHI4s", _HEADER_SIZE, self._protocol_version, PROFILE_VERSION, len(body), b".FIT"
        )
        head += struct.pack("<H", crc16(head))
        return head + body + struct.pack("<H", crc16(head + body))

    def _definition(self, mesg_num: int, fields: list, encoded: list, layout: tuple) -> int:
        key = (mesg_num, layout)
        if key in self._locals:
            return self._locals[key]
        local = self._next_local % 16
        self._next_local += 1
        # A local number is reused once all 16 are taken: forget the old meaning.
        self._locals = {k: v for k, v in self._locals.items() if v != local}
        self._locals[key] = local
        out = struct.pack("<BBBHB", _DEFINITION | local, 0, 0, mesg_num, len(fields))
        for f, arr in zip(fields, encoded):
            base = f.base_type.identifier
            out += struct.pack("<BBB", f.def_num, arr.dtype.itemsize, base)
        self._body.append(out)
        return local


def _lookup_message(message: str) -> tuple[int, object]:
    try:
        return _MESSAGES_BY_NAME[message]
    except KeyError:
        raise ValueError(f"FIT profile has no message named {message!r}") from None


def _raw_field(mesg_num: int, name: str | int, size: int, base: str | int) -> tuple[int, int, int]:
    """``(field number, size, base type byte)`` of one field of :meth:`FitWriter.add_raw`."""
    if isinstance(name, str):
        mesg = _profile.MESSAGE_TYPES[mesg_num]
        by_name = {f.name: num for num, f in mesg.fields.items()}
        if name not in by_name:
            raise ValueError(f"FIT message {mesg.name!r} has no field {name!r}")
        name = by_name[name]
    if isinstance(base, str):
        ids = {bt.name: ident for ident, bt in _BASE_TYPES.items()}
        base = ids[base]
    return name, size, base


def _pack_raw(value: object, size: int, base_id: int, endian: str) -> bytes:
    """Raw bytes of one field value for :meth:`FitWriter.add_raw`."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value[:size]).ljust(size, b"\xff")
    code = numpy_code(base_type(base_id), endian)
    values = np.atleast_1d(np.asarray(value)).astype(code)
    return values.tobytes()[:size].ljust(size, b"\xff")


def _lookup_fields(mesg: object, columns: Mapping[str, object]) -> list:
    by_name = {f.name: f for f in mesg.fields.values()}
    unknown = sorted(set(columns) - set(by_name))
    if unknown:
        raise ValueError(f"FIT message {mesg.name!r} has no fields {unknown}")
    # Timestamp first, like devices write it; then the caller's order.
    fields = [by_name[name] for name in columns]
    return sorted(fields, key=lambda f: f.def_num != 253)


def _row_count(columns: Mapping[str, object]) -> int:
    lengths = {len(v) for v in columns.values() if _is_sequence(v)}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else 1


def _is_sequence(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index))


def _encode_column(field: object, values: object, n_rows: int) -> np.ndarray:
    base = base_type(field.base_type.identifier)  # the reader's table: dtype and invalid sentinel
    if base.identifier == STRING_BASE_TYPE:
        return _encode_strings(values, n_rows)
    invalid = 0xFF if base.invalid is None else base.invalid  # byte fields: all ones is invalid
    type_name = getattr(field.type, "name", "")
    if type_name in ("date_time", "local_date_time"):
        raw = _encode_times(values, n_rows)
    elif field.type.enum:
        raw = _encode_enum(field, values, n_rows)
    else:
        raw = _scaled(field, values, n_rows)
    dtype = numpy_code(base, "<")
    if dtype.kind == "f":
        return raw.astype(dtype)
    info = np.iinfo(dtype)
    bad = ~np.isfinite(raw) | (raw < info.min) | (raw > info.max) | (raw == invalid)
    if bad.any() and np.isfinite(raw[bad]).any():
        raise ValueError(f"field {field.name!r}: values out of range for its FIT base type")
    return np.where(bad, invalid, np.nan_to_num(raw)).astype(dtype)


def _broadcast(values: object, n_rows: int) -> np.ndarray:
    arr = np.asarray(values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else values)
    return np.broadcast_to(arr, (n_rows,)) if arr.ndim == 0 else arr


def _scaled(field: object, values: object, n_rows: int) -> np.ndarray:
    arr = np.asarray(_broadcast(values, n_rows), dtype="float64")
    scale = field.scale or 1
    offset = field.offset or 0
    return np.round((arr + offset) * scale)


def _encode_times(values: object, n_rows: int) -> np.ndarray:
    if isinstance(values, (dt.datetime, np.datetime64, str)):
        values = [values]
    arr = values if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if getattr(arr, "dtype", None) is not None and arr.dtype.kind in "iuf":
        return _broadcast(np.asarray(arr, dtype="float64"), n_rows)  # already FIT seconds
    index = pd.DatetimeIndex(arr)
    if index.tz is None:
        raise ValueError("FIT timestamps must be tz-aware (UTC)")
    seconds = (index.tz_convert("UTC").as_unit("s").asi8 - FIT_EPOCH_S).astype("float64")
    seconds[np.asarray(index.isna())] = np.nan
    return _broadcast(seconds[0] if len(seconds) == 1 else seconds, n_rows)


def _encode_enum(field: object, values: object, n_rows: int) -> np.ndarray:
    names = {name: num for num, name in field.type.enum.items()}
    arr = _broadcast(values, n_rows)
    if arr.dtype.kind in "iuf":
        return arr.astype("float64")
    out = np.empty(n_rows, dtype="float64")
    for i, value in enumerate(arr):
        if value is None:
            out[i] = np.nan
        elif isinstance(value, str):
            if value not in names:
                raise ValueError(f"field {field.name!r}: {value!r} is not a profile value")
            out[i] = names[value]
        else:
            out[i] = float(value)
    return out


def _encode_strings(values: object, n_rows: int) -> np.ndarray:
    texts = [("" if v is None else str(v)).encode("utf-8") for v in _broadcast(values, n_rows)]
    size = max(len(t) for t in texts) + 1
    return np.array(texts, dtype=f"S{size}")


def local_seconds(times_utc: Iterable[dt.datetime], utc_offset_s: Iterable[float]) -> np.ndarray:
    """FIT ``local_date_time`` seconds: UTC FIT seconds plus the wall-clock offset."""
    return to_fit_seconds(times_utc) + np.asarray(utc_offset_s, dtype="int64")
