"""Days assembled from the day-level samples of Garmin daily FIT files (numpy).

Garmin devices spread one day over several ``*_WELLNESS.fit`` files (and
``*_HRV_STATUS.fit``, ``*_SLEEP_DATA.fit``), which overlap and arrive in any
order. :func:`assemble_days` takes the day-level samples of *any number* of
files (read by :func:`analyzer.io.fit_tables.daily_samples`), counts a sample
repeated by overlapping files once and returns one canonical ``wellness`` row
per local date (from the UTC offsets the files recorded,
:func:`analyzer.timebase.offsets_at`), whatever the split into files.

References
----------
.. [1] Garmin FIT SDK, Profile.xlsx: ``monitoring`` (global 55; ``cycles``
   and its ``steps`` sub-field, ``active_time``, counters per
   ``activity_type`` that restart at local midnight), ``monitoring_hr_data``
   (211: ``resting_heart_rate``, ``current_day_resting_heart_rate``),
   ``stress_level`` (227), ``hrv_status_summary`` (370) and ``hrv_value``
   (371: 5-minute RMSSD values of the night).
.. [2] Shaffer F, Ginsberg JP. An overview of heart rate variability metrics
   and norms. *Front Public Health* 2017;5:258.
   doi:10.3389/fpubh.2017.00258 (RMSSD).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase

from .nights import SOURCE

_NS = 1_000_000_000
_DAY_NS = 86_400 * _NS
#: 5-minute HRV values further apart than this belong to different nights [s].
HRV_NIGHT_GAP_S = 3 * 3600
COUNTERS = ("steps", "active_s")
#: Sample families (kind before ``:``) that make a day's values; other kinds only date them.
DAY_FAMILIES = frozenset(
    {"heart_rate", "stress", "resting_hr_day", "resting_hr_7d", "hrv_night", "hrv_5min", *COUNTERS}
)
WELLNESS_VALUES = (
    "resting_hr_bpm",
    "hrv_rmssd_ms",
    "stress_avg",
    "steps",
    "active_min",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
)


def assemble_days(samples: pd.DataFrame, fallback=None) -> pd.DataFrame:
    """Canonical ``wellness`` rows (without ``athlete_id``), one per local date with any value.

    * ``resting_hr_bpm``: the last ``current_day_resting_heart_rate`` of the
      date, else the last ``resting_heart_rate`` (Garmin's 7-day average);
    * ``avg_heart_rate_bpm``/``max_heart_rate_bpm``: mean and maximum of the
      monitoring heart rate samples of the date;
    * ``stress_avg``: mean of the valid (0-100) stress readings of the date;
    * ``steps``: per activity type the largest counter value of the date
      (counters restart at local midnight; a value read at exactly midnight
      closes the day before), summed over types;
    * ``active_min``: the same for the active time of non-sedentary types [min];
    * ``hrv_rmssd_ms``: ``hrv_status_summary.last_night_average``, else the
      mean of the 5-minute ``hrv_value`` of the night, on the local date of
      the last value.

    Samples repeated by overlapping files (same kind and time) count once.
    """
    t, code, value, kinds = _unique_samples(samples)
    offset_kind = np.flatnonzero(kinds == "utc_offset_s")
    is_offset = np.isin(code, offset_kind)
    offsets = pd.DataFrame(
        {"t_utc": pd.to_datetime(t[is_offset], utc=True), "value": value[is_offset]}
    )
    t, code, value = t[~is_offset], code[~is_offset], value[~is_offset]
    if t.size == 0:
        return _wellness_frame({})
    family = np.array([k.split(":")[0] for k in kinds], dtype=object)[code]
    counter = np.isin(family, COUNTERS)
    offset_s = timebase.offsets_at(pd.to_datetime(t, utc=True), offsets, fallback)
    local = t - counter * _NS + (offset_s * _NS).astype(np.int64)
    day = np.floor_divide(local, _DAY_NS)
    columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    pick = {f: family == f for f in np.unique(family)}
    if "heart_rate" in pick:
        m = pick["heart_rate"]
        columns["avg_heart_rate_bpm"] = _per_day(day[m], value[m], "mean")
        columns["max_heart_rate_bpm"] = _per_day(day[m], value[m], "max")
    if "stress" in pick:
        m = pick["stress"]
        columns["stress_avg"] = _per_day(day[m], value[m], "mean")
    resting = [
        _per_day(day[pick[k]], value[pick[k]], "last")
        for k in ("resting_hr_day", "resting_hr_7d")
        if k in pick
    ]
    if resting:
        columns["resting_hr_bpm"] = _first_known(resting)
    for prefix, column, scale in (("steps", "steps", 1.0), ("active_s", "active_min", 1 / 60)):
        if prefix in pick:
            m = pick[prefix]
            columns[column] = _counter_per_day(day[m], code[m], value[m] * scale)
    hrv = [
        part
        for part in (
            _per_day(day[pick["hrv_night"]], value[pick["hrv_night"]], "last")
            if "hrv_night" in pick
            else None,
            _hrv_from_values(t[pick["hrv_5min"]], day[pick["hrv_5min"]], value[pick["hrv_5min"]])
            if "hrv_5min" in pick
            else None,
        )
        if part is not None
    ]
    if hrv:
        columns["hrv_rmssd_ms"] = _first_known(hrv)
    return _wellness_frame(columns)


def has_day_values(kinds) -> bool:
    """Whether any of the sample ``kinds`` is of :data:`DAY_FAMILIES`.

    Without one, :func:`assemble_days` gives no row.
    """
    return any(str(k).split(":")[0] in DAY_FAMILIES for k in set(kinds))


def _unique_samples(samples: pd.DataFrame):
    """Arrays sorted by time then kind, each (kind, time) once."""
    t = pd.DatetimeIndex(samples["t_utc"]).as_unit("ns").asi8
    kinds, code = np.unique(samples["kind"].to_numpy(dtype=str), return_inverse=True)
    value = samples["value"].to_numpy(dtype="float64")
    order = np.lexsort((value, code, t))
    t, code, value = t[order], code[order], value[order]
    keep = np.ones(t.size, dtype=bool)
    keep[1:] = (t[1:] != t[:-1]) | (code[1:] != code[:-1])
    return t[keep], code[keep], value[keep], kinds


def _per_day(day: np.ndarray, value: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Reduce time-ordered values per day: ``mean``, ``max`` or ``last``."""
    ok = ~np.isnan(value)
    day, value = day[ok], value[ok]
    order = np.argsort(day, kind="stable")
    day, value = day[order], value[order]
    days, first = np.unique(day, return_index=True)
    if days.size == 0:
        return days, value[:0]
    if how == "mean":
        return days, np.add.reduceat(value, first) / np.diff(np.append(first, day.size))
    if how == "max":
        return days, np.maximum.reduceat(value, first)
    return days, value[np.append(first[1:], day.size) - 1]


def _counter_per_day(day, code, value) -> tuple[np.ndarray, np.ndarray]:
    """Largest value per (day, counter kind), summed per day."""
    ok = ~np.isnan(value)
    pairs, inverse = np.unique(np.stack([day[ok], code[ok]]), axis=1, return_inverse=True)
    best = np.full(pairs.shape[1], -np.inf)
    np.maximum.at(best, inverse.ravel(), value[ok])
    days, which = np.unique(pairs[0], return_inverse=True)
    return days, np.bincount(which.ravel(), weights=best, minlength=days.size)


def _hrv_from_values(t, day, value) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each night's 5-minute values, on the date of the night's last value."""
    night = np.concatenate([[0], np.cumsum(np.diff(t) > HRV_NIGHT_GAP_S * _NS)]).astype(np.int64)
    means = np.bincount(night, weights=value) / np.bincount(night)
    last_day = day[np.append(np.flatnonzero(np.diff(night)), night.size - 1)]
    return _per_day(last_day, means, "last")


def _first_known(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Per day the value of the first part that has one."""
    days = np.unique(np.concatenate([d for d, _ in parts]))
    out = np.full(days.size, np.nan)
    for d, v in reversed(parts):
        out[np.searchsorted(days, d)] = v
    return days, out


def _wellness_frame(columns: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """The canonical ``wellness`` columns (without ``athlete_id``) from per-day arrays."""
    days = (
        np.unique(np.concatenate([d for d, _ in columns.values()]))
        if columns
        else np.zeros(0, np.int64)
    )
    data: dict[str, object] = {
        "date": pd.Series(days.astype("datetime64[D]").astype(object), dtype=object)
    }
    for name in WELLNESS_VALUES:
        out = np.full(days.size, np.nan)
        if name in columns:
            d, v = columns[name]
            out[np.searchsorted(days, d)] = v
        data[name] = out
    data["hrv_sdnn_ms"] = np.full(days.size, np.nan)
    data["source"] = pd.Series([SOURCE] * days.size, dtype=object)
    from analyzer.schema import TABLES

    order = [c for c in TABLES["wellness"] if c != "athlete_id"]
    return pd.DataFrame(data)[order]
