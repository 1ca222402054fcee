"""The FIT profile, taken from fitdecode's maintained profile module.

Message and field definitions (names, numbers, base types, scale, offset,
units, components, sub-fields and enum names) are never copied by hand: they
are read from :mod:`fitdecode.profile`, which is generated from Garmin's FIT
SDK ``Profile.xlsx``. This module only adds what a *vectorised* decoder needs
on top: the numpy dtype and the invalid sentinel of each base type.

The invalid sentinels are part of the FIT *protocol* (FIT SDK, "Base Types"
table): all ones for unsigned and float types, the largest positive value for
signed types, and zero for the ``*z`` types.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from fitdecode import profile as _profile
from fitdecode import types as _types

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31 00:00:00 UTC).
FIT_EPOCH_S = 631065600
#: ``date_time`` values below this are seconds since the device was switched on.
DEVICE_RELATIVE_MAX = 0x10000000

TIMESTAMP_FIELD = _profile.FIELD_NUM_TIMESTAMP
MESG_FIELD_DESCRIPTION = _profile.MESG_NUM_FIELD_DESCRIPTION
MESG_DEVELOPER_DATA_ID = _profile.MESG_NUM_DEVELOPER_DATA_ID
MESG_HR = _profile.MESG_NUM_HR
HR_EVENT_TIMESTAMP = _profile.FIELD_NUM_HR_EVENT_TIMESTAMP
HR_EVENT_TIMESTAMP_12 = _profile.FIELD_NUM_HR_EVENT_TIMESTAMP_12

MESSAGE_TYPES = _profile.MESSAGE_TYPES
BYTE_BASE_TYPE = _types.BASE_TYPE_BYTE.identifier
STRING_BASE_TYPE = 0x07

_MESSAGE_NUMBERS = {mesg.name: num for num, mesg in MESSAGE_TYPES.items()}


@dataclass(frozen=True)
class BaseType:
    """A FIT base type as the numpy decoder sees it.

    Attributes
    ----------
    identifier : int
        Base type byte of the FIT definition message (e.g. ``0x84``).
    name : str
        Profile name (``"uint16"``).
    size : int
        Bytes per element.
    kind : str
        ``"int"``, ``"float"``, ``"string"`` or ``"byte"``.
    code : str
        numpy type code without byte order (``"u2"``); ``"S1"`` for strings.
    invalid : int or None
        Raw value meaning "no data" (``None`` for floats, strings and bytes,
        whose invalid forms are NaN, empty and all-0xFF).
    """

    identifier: int
    name: str
    size: int
    kind: str
    code: str
    invalid: int | None


def _build_base_type(identifier: int, source: _types.BaseType) -> BaseType:
    name = source.name
    size = source.size
    if name == "string":
        return BaseType(identifier, name, 1, "string", "S1", None)
    if name == "byte":
        return BaseType(identifier, name, 1, "byte", "u1", None)
    if name.startswith("float"):
        return BaseType(identifier, name, size, "float", f"f{size}", None)
    signed = name.startswith("sint")
    code = f"{'i' if signed else 'u'}{size}"
    if name.endswith("z"):
        invalid = 0
    elif signed:
        invalid = (1 << (8 * size - 1)) - 1
    else:
        invalid = (1 << (8 * size)) - 1
    return BaseType(identifier, name, size, "int", code, invalid)


BASE_TYPES: dict[int, BaseType] = {
    ident: _build_base_type(ident, bt) for ident, bt in _types.BASE_TYPES.items()
}
BYTE = BASE_TYPES[BYTE_BASE_TYPE]
UINT8 = next(bt for bt in BASE_TYPES.values() if bt.name == "uint8")


def base_type(identifier: int) -> BaseType:
    """Return the base type for a definition's base-type byte (unknown -> ``byte``)."""
    return BASE_TYPES.get(identifier, BYTE)


def message_type(number: int):
    """Return fitdecode's ``MessageType`` for a global message number, or ``None``."""
    return MESSAGE_TYPES.get(number)


def message_name(number: int) -> str:
    """Return the profile name of a global message number (``unknown_<n>`` if absent)."""
    mesg = MESSAGE_TYPES.get(number)
    return mesg.name if mesg is not None else f"unknown_{number}"


def message_number(name: str) -> int | None:
    """Return the global message number of a profile message name."""
    if name in _MESSAGE_NUMBERS:
        return _MESSAGE_NUMBERS[name]
    if name.startswith("unknown_") and name[8:].isdigit():
        return int(name[8:])
    return None


def type_name(field) -> str:
    """Return the profile type name of a fitdecode field (``"date_time"``, ``"uint8"``...)."""
    return field.type.name


def enum_of(field) -> dict | None:
    """Return the enum (raw value -> name) of a profile field, if its type has one."""
    enum = getattr(field.type, "enum", None)
    if not enum or field.type.name in ("date_time", "local_date_time"):
        return None
    return enum


@cache
def accumulating_targets(mesg_num: int) -> dict[int, tuple[int, ...]]:
    """Map each field of a message to the targets of its accumulating components."""
    mesg = MESSAGE_TYPES.get(mesg_num)
    out: dict[int, tuple[int, ...]] = {}
    if mesg is None:
        return out
    for num, field in mesg.fields.items():
        targets = tuple(c.def_num for c in (field.components or ()) if c.accumulate)
        if targets:
            out[num] = targets
    return out


def numpy_code(bt: BaseType, endian: str) -> np.dtype:
    """Return the numpy dtype of one element of base type ``bt``."""
    if bt.kind in ("string", "byte"):
        return np.dtype("u1")
    return np.dtype(endian + bt.code)
