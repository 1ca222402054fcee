"""Local wall-clock times to UTC, honestly: no silent shifts across daylight-saving changes.

Most vendor exports write local times without an offset (Garmin Connect CSV,
Fitbit JSON, WHOOP with a separate zone column, the cramp log when the athlete
leaves the offset out). Turning them into UTC needs the athlete's IANA time
zone, and two kinds of local times cannot be turned into one instant:

* a time in the *gap* of a spring-forward change (02:30 on the night clocks jump
  from 02:00 to 03:00) never happened;
* a time in the *overlap* of a fall-back change (02:30 on the night clocks go
  from 03:00 back to 02:00) happened twice.

:func:`localize` reports both, row by row, for the reader to turn into row
problems; it never picks one for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import numpy as np
import pandas as pd

from analyzer.errors import CsvImportError

_OFFSET_ZONE = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_TRAILING_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)


#: Files of the system's zone folder that are not places a person can live in:
#: ``localtime`` is a link to the computer's own zone (a different zone on each
#: computer), ``posixrules`` the legacy template for POSIX ``TZ`` strings, and
#: ``Factory`` the placeholder of a computer whose zone was never set (its
#: abbreviation is ``-00``). See the tz database's ``tz-link`` and ``theory``
#: notes, https://data.iana.org/time-zones/tz-link.html.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})

#: Longest part of a rejected name quoted back in a message.
_SHOWN_CHARS = 60


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


def check_zone_name(name: object) -> str:
    """Return ``name`` if it is an IANA time-zone name an athlete can live in.

    This is the one rule for every zone the analyzer accepts: a command's
    ``--timezone``, the Settings page, the library and a zone written in an
    export's cells. A name must be one the tz database lists
    (:func:`zoneinfo.available_timezones`, links such as ``US/Eastern``
    included), spelled exactly; :data:`NOT_ZONES` and the ``right/``
    (leap-second) and ``posix/`` copies are refused. Checking membership
    first also keeps absurd input (a name of thousands of characters, a path,
    a newline) away from the file system.

    Raises
    ------
    ValueError
        If ``name`` is not such a name; the message quotes at most its first
        60 characters.
    """
    if isinstance(name, str) and name in _zone_names():
        return name
    shown = repr(name) if not isinstance(name, str) else repr(name[:_SHOWN_CHARS])
    if isinstance(name, str) and len(name) > _SHOWN_CHARS:
        shown += f" ({len(name)} characters)"
    raise ValueError(f"{shown} is not an IANA time-zone name such as 'Europe/Berlin'")


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` (checked by :func:`check_zone_name`).

    Raises
    ------
    ValueError
        If ``name`` is not a known IANA time-zone name.
    """
    return ZoneInfo(check_zone_name(name))


def source_zone(source: str, timezone: str | None, *, needed_for: str) -> ZoneInfo:
    """Return the athlete's zone for reading ``source``, or raise a message saying why it is needed.

    Raises
    ------
    CsvImportError
        If ``timezone`` is missing or not an IANA name.
    """
    if timezone is None:
        raise CsvImportError(
            source,
            f"{needed_for} are local times without a UTC offset; the athlete's time zone "
            "(IANA name such as 'Europe/Berlin') is needed to read them",
            recovered="nothing was imported",
        )
    try:
        return zone(timezone)
    except ValueError as exc:
        raise CsvImportError(source, str(exc), recovered="nothing was imported") from exc


def parse_zone(text: str) -> dt.tzinfo:
    """Parse a zone as vendors write it: ``UTC-04:00``, ``GMT-5``, ``+0100``, ``UTC``, an IANA name.

    Raises
    ------
    ValueError
        If ``text`` is none of these.
    """
    text = text.strip()
    if text.upper() in {"UTC", "GMT", "Z"}:
        return dt.UTC
    match = _OFFSET_ZONE.match(text)
    if match:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > dt.timedelta(hours=14):
            raise ValueError(f"{text!r} is beyond the +-14 h range of real UTC offsets")
        return dt.timezone(-delta if sign == "-" else delta)
    return zone(text)


def has_offset(text: str) -> bool:
    """Return whether an ISO 8601 date-time text ends with ``Z`` or a UTC offset.

    Only the time part is examined, so the day of ``2024-03-03`` is not taken
    for an offset of -03.
    """
    text = text.strip()
    time_part = re.split(r"[T ]", text, maxsplit=1)[1] if re.search(r"[T ]", text) else ""
    return bool(_TRAILING_OFFSET.search(time_part.strip()))


def localize(
    local: pd.Series, timezone: str | dt.tzinfo
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Convert naive local wall-clock times to UTC in ``timezone``.

    Parameters
    ----------
    local : Series of datetime64 (naive)
        Local times; ``NaT`` stays ``NaT``.
    timezone : str or tzinfo
        IANA name (or a fixed offset, which has neither gaps nor overlaps).

    Returns
    -------
    utc : Series of datetime64[ns, UTC]
        The instants, ``NaT`` where the local time does not name one instant.
    in_gap : ndarray of bool
        Local times that do not exist (skipped by a spring-forward change).
    in_overlap : ndarray of bool
        Local times that exist twice (repeated by a fall-back change).
    """
    tz = zone(timezone) if isinstance(timezone, str) else timezone
    local = pd.to_datetime(pd.Series(local), errors="coerce")
    aware = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    unresolved = (aware.isna() & local.notna()).to_numpy()
    in_gap = np.zeros(len(local), dtype=bool)
    in_overlap = np.zeros(len(local), dtype=bool)
    for position in np.flatnonzero(unresolved):
        if is_in_gap(local.iloc[position].to_pydatetime(), tz):
            in_gap[position] = True
        else:
            in_overlap[position] = True
    return aware.dt.tz_convert("UTC"), in_gap, in_overlap


def is_in_gap(naive: dt.datetime, tz: dt.tzinfo) -> bool:
    """Return whether the wall-clock time ``naive`` does not exist in ``tz``."""
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip != naive


def is_in_overlap(naive: dt.datetime, tz: dt.tzinfo) -> bool:
    """Return whether the wall-clock time ``naive`` happens twice in ``tz``."""
    early = naive.replace(tzinfo=tz, fold=0).utcoffset()
    late = naive.replace(tzinfo=tz, fold=1).utcoffset()
    return early != late and not is_in_gap(naive, tz)
