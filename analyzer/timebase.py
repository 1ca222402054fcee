"""The time base: which local day and which night an instant belongs to.

Timestamps are stored and computed as tz-aware UTC instants; an athlete's days
and nights are local. Every part of the analyzer that turns an instant into a
day or a night calls this module, so that the library, the indicators, the
findings, the figures and the readers agree on it.

Local time
    An instant's local wall-clock time is the instant plus a UTC offset: the
    offset the device recorded for that moment where one is known (a FIT
    activity's ``local_timestamp`` minus its UTC ``timestamp``, an Apple
    Health record's ``+0200``), otherwise the offset of the athlete's IANA
    time zone at that instant (daylight saving included), otherwise UTC. A
    recorded offset wins because it says where the athlete actually was: an
    athlete who travels keeps the local days of the place they were in.

Local day
    The calendar date of the local wall-clock time.

Night
    A night belongs to the local date on which it ends: its *wake-up date*.

    * A recorded sleep period belongs to the local date of its end, whatever
      the clock time: a 05:00-14:00 day sleep after a night shift is the
      night of that date (:func:`sleep_nights`).
    * An instant inside a recorded sleep period belongs to that period's
      night (:func:`event_nights`).
    * An instant outside any recorded sleep period (a cramp logged with no
      sleep data, or in bed before falling asleep) belongs to the night that
      ends on its local date when it happened before the *cut-off*, local
      noon (:data:`NIGHT_CUTOFF_HOUR`), and to the next night from the
      cut-off on (:func:`nights_of`). So 23:30 on 2 March and 02:30 on
      3 March are both the night of 3 March, and so is 00:30 on 3 March
      before falling asleep at 01:00.

    Noon is the cut-off because it is the clock time farthest from ordinary
    sleep: any nocturnal episode of a day sleeper is placed by its recorded
    sleep, not by the cut-off.

Day numbers
    Dates as whole days since 1970-01-01 (``datetime64[D]``), which every
    table of dates is turned into for arithmetic (:func:`to_days`).

The wake-up date is the convention of the vendors' own exports (a Garmin
Connect ``sleepData`` record's ``calendarDate``, an Oura ``day``, a WHOOP
sleep's cycle), so nights read from them and nights assembled here agree.

References
----------
.. [1] IANA time zone database, https://www.iana.org/time-zones (UTC offsets
   and daylight-saving rules of each zone).
.. [2] Garmin FIT SDK, Profile.xlsx: ``activity.local_timestamp`` is the UTC
   ``timestamp`` plus the device's offset from UTC.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.errors import AnalyzerError

#: Local hour from which an instant outside any recorded sleep counts towards the next night.
NIGHT_CUTOFF_HOUR = 12

_NS = 1_000_000_000
_HOUR_NS = 3600 * _NS
_DAY_NS = 86_400 * _NS
_NAT = np.iinfo(np.int64).min


def _utc_index(instants) -> pd.DatetimeIndex:
    """Instants as a UTC ``DatetimeIndex`` in ns (naive values are taken as UTC)."""
    if isinstance(instants, (pd.Series, pd.DatetimeIndex)) and isinstance(
        instants.dtype, (pd.DatetimeTZDtype, np.dtypes.DateTime64DType)
    ):
        index = pd.DatetimeIndex(instants)
    else:
        index = pd.DatetimeIndex(pd.to_datetime(pd.Series(instants).to_numpy(), utc=True))
    index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    return index.as_unit("ns")


def _offsets(utc_offset_s, n: int) -> np.ndarray | None:
    if utc_offset_s is None:
        return None
    values = pd.to_numeric(pd.Series(utc_offset_s).reset_index(drop=True), errors="coerce")
    if len(values) != n:
        raise ValueError(f"{len(values)} UTC offsets for {n} instants")
    return values.to_numpy(dtype="float64", na_value=np.nan)


def utc_offsets_s(instants, timezone: str | None = None, utc_offset_s=None) -> np.ndarray:
    """The UTC offset [s] each instant's local time uses (see the module docstring).

    Parameters
    ----------
    instants : array-like of datetime
        tz-aware instants (naive ones are taken as UTC).
    timezone : str, optional
        The athlete's IANA time zone; UTC when ``None`` or empty.
    utc_offset_s : array-like of float, optional
        Offsets the devices recorded [s], NaN where unknown; they win where known.

    Returns
    -------
    numpy.ndarray of float
        Local wall clock minus UTC [s]; NaN where the instant is missing.

    Raises
    ------
    AnalyzerError
        If ``timezone`` is not a known IANA time-zone name.
    """
    index = _utc_index(instants)
    zone = timezone if isinstance(timezone, str) and timezone else "UTC"
    try:
        zoned = index.tz_convert(zone)
    except Exception as exc:  # zoneinfo and dateutil raise different types for unknown zones
        raise AnalyzerError(f"unknown time zone {zone!r} for the athlete: {exc}") from exc
    ns = index.asi8
    missing = index.isna()
    out = (zoned.tz_localize(None).as_unit("ns").asi8 - ns) / _NS
    recorded = _offsets(utc_offset_s, len(index))
    if recorded is not None:
        out = np.where(np.isnan(recorded), out, recorded)
    return np.where(missing, np.nan, out.astype("float64"))


def offsets_at(times, offset_samples: pd.DataFrame, fallback: str | float | None = None):
    """UTC offset [s] of each time from a timeline of recorded offsets.

    A device file that knows its offset contributes a sample (``t_utc``,
    ``value`` in seconds) at its first timestamp; a time takes the offset of
    the latest sample at or before it, before the first sample the earliest
    one, and without any sample ``fallback`` (an IANA zone name, a fixed
    offset in seconds, or UTC when ``None``). So a trip across zones changes
    the local day when the device's clock changed.

    Returns
    -------
    numpy.ndarray of float
    """
    index = _utc_index(times)
    if len(offset_samples):
        order = offset_samples.sort_values("t_utc")
        at = _utc_index(order["t_utc"]).asi8
        values = order["value"].to_numpy(dtype="float64")
        pos = np.clip(np.searchsorted(at, index.asi8, side="right") - 1, 0, len(at) - 1)
        return values[pos]
    if isinstance(fallback, str):
        return utc_offsets_s(index, fallback)
    return np.full(len(index), float(fallback or 0.0))


def wall_clock_ns(instants, timezone: str | None = None, utc_offset_s=None) -> np.ndarray:
    """Local wall-clock time of each instant as int64 ns since 1970-01-01 (``NaT`` as int64 min)."""
    index = _utc_index(instants)
    offsets = utc_offsets_s(index, timezone, utc_offset_s)
    known = ~np.isnan(offsets)
    wall = index.asi8 + np.round(np.where(known, offsets, 0.0) * _NS).astype(np.int64)
    return np.where(known, wall, _NAT)


def _days_of_wall(wall: np.ndarray) -> np.ndarray:
    days = np.floor_divide(wall, _DAY_NS).astype("datetime64[D]")
    days[wall == _NAT] = np.datetime64("NaT")
    return days


def local_days(instants, timezone: str | None = None, utc_offset_s=None) -> np.ndarray:
    """Local calendar date of each instant as ``datetime64[D]`` (``NaT`` where missing).

    See the module docstring for which offset is used; the arguments are those
    of :func:`utc_offsets_s`.
    """
    return _days_of_wall(wall_clock_ns(instants, timezone, utc_offset_s))


def local_dates(instants, timezone: str | None = None, utc_offset_s=None) -> pd.Series:
    """Local calendar date of each instant as ``datetime.date`` objects (``None`` where missing).

    The same rule as :func:`local_days`; the index of ``instants`` is kept when it is a Series.
    """
    days = local_days(instants, timezone, utc_offset_s)
    index = instants.index if isinstance(instants, pd.Series) else None
    return pd.Series(days_to_dates(days), index=index, dtype=object)


def nights_of(
    instants,
    timezone: str | None = None,
    utc_offset_s=None,
    *,
    cutoff_hour: int = NIGHT_CUTOFF_HOUR,
) -> np.ndarray:
    """Night (local wake-up date) of instants outside any recorded sleep, as ``datetime64[D]``.

    Before ``cutoff_hour`` local time the night ending that date, from then
    on the next night (module docstring). Missing instants give ``NaT``.
    """
    if not 0 <= cutoff_hour <= 24:
        raise ValueError(f"cutoff_hour must be between 0 and 24, got {cutoff_hour}")
    wall = wall_clock_ns(instants, timezone, utc_offset_s)
    days = _days_of_wall(wall)
    hour = np.floor_divide(np.mod(wall, _DAY_NS), _HOUR_NS)
    return days + (hour >= cutoff_hour).astype(np.int64)


def night_of(
    instant, timezone: str | None = None, *, cutoff_hour: int = NIGHT_CUTOFF_HOUR
) -> dt.date:
    """:func:`nights_of` for one tz-aware instant.

    Raises
    ------
    ValueError
        If ``instant`` is naive (its time zone would be a guess).
    """
    stamp = pd.Timestamp(instant)
    if stamp.tzinfo is None:
        raise ValueError("the instant must be tz-aware (UTC)")
    (night,) = days_to_dates(nights_of([stamp], timezone, cutoff_hour=cutoff_hour))
    return night


def sleep_nights(end_utc, timezone: str | None = None, utc_offset_s=None) -> np.ndarray:
    """Night of each recorded sleep period: the local date of its end (wake-up), ``datetime64[D]``.

    The arguments are those of :func:`local_days`, with the periods' ends as instants.
    """
    return local_days(end_utc, timezone, utc_offset_s)


#: Sleep intervals at most this far apart belong to one sleep period [s].
MAX_SLEEP_GAP_S = 3600


def sleep_periods(start_utc, end_utc, *, max_gap_s: float = MAX_SLEEP_GAP_S) -> np.ndarray:
    """Number the sleep periods a night recorded in pieces (stage intervals) is made of.

    Intervals less than ``max_gap_s`` apart (or overlapping) form one period;
    a longer gap starts the next. Give the intervals of one source (device or
    app) at a time.

    Returns
    -------
    numpy.ndarray of int
        Period number of each interval (0, 1, ... in time order), in the order given.
    """
    starts = _utc_index(start_utc).asi8
    ends = _utc_index(end_utc).asi8
    order = np.argsort(starts, kind="stable")
    reach = np.maximum.accumulate(ends[order])
    new_period = np.r_[True, starts[order][1:] - reach[:-1] > max_gap_s * _NS]
    out = np.empty(len(starts), dtype=np.int64)
    out[order] = np.cumsum(new_period) - 1
    return out


def period_nights(
    start_utc,
    end_utc,
    timezone: str | None = None,
    utc_offset_s=None,
    *,
    max_gap_s: float = MAX_SLEEP_GAP_S,
) -> np.ndarray:
    """Night of each sleep interval, when a night is recorded in pieces (stage intervals).

    The intervals form periods (:func:`sleep_periods`); a period belongs to
    the local date of its latest end (:func:`sleep_nights`, with the offset
    recorded for that interval), and every interval of the period gets that
    night. Give the intervals of one source at a time.

    Returns
    -------
    numpy.ndarray of datetime64[D]
        One night per interval, in the order given.
    """
    ends = _utc_index(end_utc)
    period = sleep_periods(start_utc, ends, max_gap_s=max_gap_s)
    frame = pd.DataFrame({"period": period, "end": ends.asi8})
    last = frame.sort_values("end", kind="stable").groupby("period").tail(1)
    offsets = _offsets(utc_offset_s, len(ends))
    wake = sleep_nights(
        ends[last.index], timezone, None if offsets is None else offsets[last.index]
    )
    nights = pd.Series(wake, index=last["period"].to_numpy())
    return nights.loc[period].to_numpy().astype("datetime64[D]")


def event_nights(
    instants,
    timezone: str | None = None,
    sleep: pd.DataFrame | None = None,
    *,
    cutoff_hour: int = NIGHT_CUTOFF_HOUR,
) -> np.ndarray:
    """Night of each instant: the recorded sleep containing it, else :func:`nights_of`.

    Parameters
    ----------
    instants : array-like of datetime
        tz-aware instants, e.g. the start of each nocturnal cramp.
    timezone : str, optional
        The athlete's IANA time zone.
    sleep : pandas.DataFrame, optional
        Recorded sleep periods: ``start_utc``, ``end_utc`` and their ``night``
        (rows with a missing bound are ignored). Where periods overlap, the one
        reaching furthest past the instant is taken.
    cutoff_hour : int
        The cut-off of :func:`nights_of`.

    Returns
    -------
    numpy.ndarray of datetime64[D]
    """
    index = _utc_index(instants)
    nights = nights_of(index, timezone, cutoff_hour=cutoff_hour)
    if sleep is None or sleep.empty:
        return nights
    bounded = sleep[sleep["start_utc"].notna() & sleep["end_utc"].notna()]
    if bounded.empty:
        return nights
    starts = _utc_index(bounded["start_utc"]).asi8
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    ends = _utc_index(bounded["end_utc"]).asi8[order]
    recorded = to_days(bounded["night"])[order]
    # Among the periods started by each instant, the one reaching furthest contains it if any does.
    furthest = np.maximum.accumulate(ends)
    holder = _running_argmax(ends)
    t = index.asi8
    j = np.searchsorted(starts, t, side="right") - 1
    inside = (j >= 0) & ~index.isna()
    jj = np.where(inside, j, 0)
    inside &= furthest[jj] >= t
    return np.where(inside, recorded[holder[jj]], nights)


def _running_argmax(values: np.ndarray) -> np.ndarray:
    """Index of the largest value among ``values[:i + 1]`` for each ``i`` (first on ties)."""
    best = np.maximum.accumulate(values)
    is_new = np.r_[True, values[1:] > best[:-1]]
    return np.maximum.accumulate(np.where(is_new, np.arange(len(values)), 0))


def to_days(values) -> np.ndarray:
    """Calendar dates as ``datetime64[D]`` (day numbers since 1970-01-01 underneath).

    Accepts ``datetime.date`` objects, ISO strings (``YYYY-MM-DD``, any time
    part ignored), ``datetime64`` values, or a datetime Series (its wall-clock
    date, time zone dropped); None, NaN and NaT become ``NaT``.
    """
    if isinstance(values, np.ndarray) and values.dtype == "datetime64[D]":
        return values
    if isinstance(values, (pd.Series, pd.Index)) and pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        if getattr(values.dtype, "tz", None) is not None:
            values = (
                values.tz_localize(None)
                if isinstance(values, pd.Index)
                else values.dt.tz_localize(None)
            )
        return values.to_numpy().astype("datetime64[D]")
    array = np.asarray(values, dtype=object).ravel()
    try:
        return np.asarray(array, dtype="datetime64[D]")  # date objects, ISO strings, None
    except (ValueError, TypeError):
        pass  # NaN floats, pandas NA or Timestamps among them: clean first
    cleaned = [
        None
        if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and np.isnan(v))
        else v[:10]
        if isinstance(v, str)
        else v.date()
        if isinstance(v, dt.datetime)
        else v
        for v in array
    ]
    return np.asarray(cleaned, dtype="datetime64[D]")


def day_numbers(values) -> np.ndarray:
    """Dates as int64 days since 1970-01-01 (see :func:`to_days`; ``NaT`` becomes int64 min)."""
    return to_days(values).astype(np.int64)


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """``datetime64[D]`` values as an object array of ``datetime.date`` (``None`` for ``NaT``)."""
    days = np.asarray(days, dtype="datetime64[D]")
    out = days.astype(object)
    out[np.isnat(days)] = None
    return out
