"""Checks on athlete ids and physiology, whether typed in a form, a command or a CSV.

(Cramp and medication entries are checked by the log reader's own rules,
:mod:`analyzer.io.logs`, so a form and a CSV file accept the same values.)
"""

from __future__ import annotations

import math
import re

from analyzer.errors import LibraryError
from analyzer.io.localtime import check_zone_name
from analyzer.schema import TIMEZONE_ORIGINS

ATHLETE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

# Plausible ranges (inclusive) of the athlete physiology fields, in their units.
PHYSIOLOGY_RANGES: dict[str, tuple[float, float]] = {
    "hr_rest_bpm": (20.0, 120.0),
    "hr_max_bpm": (100.0, 240.0),
    "lthr_bpm": (80.0, 230.0),
    "ftp_w": (30.0, 700.0),
    "sleep_need_h": (3.0, 14.0),
}
SEXES = ("f", "m", "unspecified")


def check_athlete_id(athlete_id: str) -> str:
    """Return ``athlete_id`` if it is a slug (lower-case letters, digits, ``-``, ``_``)."""
    if not isinstance(athlete_id, str) or not ATHLETE_ID_PATTERN.fullmatch(athlete_id):
        raise LibraryError(
            f"athlete id {athlete_id!r} is not valid: use 1-64 lower-case letters, digits, "
            "'-' or '_', starting with a letter or digit (e.g. 'anna-k')"
        )
    return athlete_id


def check_timezone(name: str | None) -> str | None:
    """Return ``name`` if it is an IANA zone (:func:`~analyzer.io.localtime.check_zone_name`)."""
    if name is None:
        return None
    try:
        return check_zone_name(name)
    except ValueError as exc:
        raise LibraryError(f"time zone {exc}") from exc


def check_timezone_origin(origin: str | None) -> str | None:
    """Return ``origin`` if it is ``None`` (the user's choice) or one of ``TIMEZONE_ORIGINS``."""
    if origin is not None and origin not in TIMEZONE_ORIGINS:
        raise LibraryError(
            f"time zone origin {origin!r} is not one of {', '.join(TIMEZONE_ORIGINS)}"
        )
    return origin


def check_physiology(fields: dict) -> dict:
    """Validate physiology fields; return them with numbers as floats.

    Accepts the keys of :data:`PHYSIOLOGY_RANGES` plus ``sex`` and ``timezone``.
    ``None`` clears a field.
    """
    out = {}
    for key, value in fields.items():
        if key == "sex":
            if value not in SEXES:
                raise LibraryError(f"sex {value!r} is not one of {', '.join(SEXES)}")
            out[key] = value
        elif key == "timezone":
            out[key] = check_timezone(value)
        elif key in PHYSIOLOGY_RANGES:
            out[key] = _check_range(key, value, *PHYSIOLOGY_RANGES[key])
        else:
            raise LibraryError(f"{key!r} is not an athlete physiology field")
    rest, peak = out.get("hr_rest_bpm"), out.get("hr_max_bpm")
    if rest is not None and peak is not None and rest >= peak:
        raise LibraryError(f"resting heart rate {rest:g} bpm must be below maximum {peak:g} bpm")
    return out


def _check_range(name: str, value, low: float, high: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise LibraryError(f"{name} = {value!r} is not a number") from exc
    if math.isnan(number):
        return None
    if not low <= number <= high:
        raise LibraryError(f"{name} = {number:g} is outside the plausible range {low:g}-{high:g}")
    return number
