"""Canonical activity tables from a decoded FIT file.

``activities`` has one row per ``session`` message; ``samples``, ``laps`` and
``rr_intervals`` are attached to the session whose time span contains them.
A file that holds records but no session (a recording cut short) gets one
activity summarised from its records, with a warning. Sleep and wellness
tables are built in :mod:`.wellness`.

Every table is built from the decoded numpy columns of the few message
types it needs (:meth:`FitFile.arrays <analyzer.io.fit.FitFile.arrays>`),
straight in its canonical form (:func:`.table_frames.canonical_frame`):
no DataFrame per message type, no ``conform`` afterwards.

References
----------
Garmin FIT SDK, Profile.xlsx: ``session`` (global 18), ``lap`` (19),
``record`` (20), ``activity`` (34), ``hrv`` (78: ``time``, RR intervals in
seconds, 0xFFFF invalid), ``sport`` (12), ``file_id`` (0); FIT protocol,
positions in semicircles (180 / 2^31 degrees).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.io.fastframe import NAT_NS
from analyzer.io.fit.frames import fit_s_to_unix_ns

from .columns import first_numeric, numeric, texts, times_ns
from .table_frames import canonical_frame

Warn = Callable[[str], None]

SEMICIRCLE_DEG = 180.0 / 2**31
#: The fields each table reads, so that the reader decodes only those.
FILE_ID_FIELDS = ("type", "manufacturer", "garmin_product", "product")
SESSION_FIELDS = (
    "timestamp",
    "start_time",
    "sport",
    "sub_sport",
    "total_elapsed_time",
    "total_timer_time",
    "total_distance",
    "avg_heart_rate",
    "max_heart_rate",
    "avg_power",
    "enhanced_avg_speed",
    "avg_speed",
    "avg_cadence",
    "avg_temperature",
    "total_ascent",
    "total_calories",
)
RECORD_FIELDS = (
    "timestamp",
    "heart_rate",
    "power",
    "enhanced_speed",
    "speed",
    "cadence",
    "enhanced_altitude",
    "altitude",
    "distance",
    "temperature",
    "position_lat",
    "position_long",
)
LAP_FIELDS = (
    "timestamp",
    "start_time",
    "total_elapsed_time",
    "total_timer_time",
    "total_distance",
    "avg_heart_rate",
    "max_heart_rate",
    "avg_power",
    "enhanced_avg_speed",
    "avg_speed",
)


@dataclass(frozen=True)
class Activities:
    """The ``activities`` table and what the other tables need to attach their rows to it."""

    frame: pd.DataFrame
    ids: np.ndarray  # activity_id (object)
    starts_ns: np.ndarray  # start_utc, int64 ns

    @property
    def empty(self) -> bool:
        return self.ids.size == 0


NO_ACTIVITIES = Activities(pd.DataFrame(), np.zeros(0, dtype=object), np.zeros(0, np.int64))


def _device(fit) -> str | None:
    file_id = fit.arrays("file_id", FILE_ID_FIELDS)
    if not file_id.n:
        return None
    parts = []
    for name in ("manufacturer", "garmin_product", "product"):
        values = file_id.get(name)
        value = values[0] if values is not None else None
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            parts.append(str(int(value)) if isinstance(value, float) else str(value))
            if name == "garmin_product":
                break
    return " ".join(parts) or None


def is_activity_file(fit, warn: Warn) -> bool:
    """Whether the file is a recorded activity (``file_id.type``), with a warning when not.

    Only a recording makes a training session: a course (a planned route) or
    a workout holds ``record`` messages too, but no one trained them. A file
    without a type (no ``file_id``) counts as an activity.
    """
    file_id = fit.arrays("file_id", FILE_ID_FIELDS)
    types = file_id.get("type")
    kind = types[0] if types is not None and len(types) else None
    if kind is None or kind == "activity":
        return True
    if "record" in fit.message_counts():
        kind = kind if isinstance(kind, str) else f"type {kind}"
        warn(
            f"{fit.source}: a {kind} file (file_id.type), not a recorded activity: "
            "its records make no training session"
        )
    return False


def sessions(fit, sha: str, warn: Warn) -> Activities:
    """The ``activities`` rows of the file: one per dated ``session`` (else from the records)."""
    session = fit.arrays("session", SESSION_FIELDS)
    offset = fit.utc_offset_s
    if not session.n:
        return _activity_from_records(fit, sha, offset, warn)
    n = session.n
    start = times_ns(session, "start_time" if "start_time" in session else "timestamp")
    columns = {
        "activity_id": np.array([f"{sha[:16]}-{i}" for i in range(n)], dtype=object),
        "source_sha256": sha,
        "source_format": "fit",
        "sport": texts(session, "sport"),
        "sub_sport": texts(session, "sub_sport"),
        "start_utc": start,
        "duration_s": numeric(session, "total_elapsed_time"),
        "moving_s": numeric(session, "total_timer_time"),
        "distance_m": numeric(session, "total_distance"),
        "avg_heart_rate_bpm": numeric(session, "avg_heart_rate"),
        "max_heart_rate_bpm": numeric(session, "max_heart_rate"),
        "avg_power_w": numeric(session, "avg_power"),
        "avg_speed_mps": first_numeric(session, "enhanced_avg_speed", "avg_speed"),
        "avg_cadence_rpm": numeric(session, "avg_cadence"),
        "avg_temperature_c": numeric(session, "avg_temperature"),
        "total_ascent_m": numeric(session, "total_ascent"),
        "energy_kcal": numeric(session, "total_calories"),
        "utc_offset_s": np.nan if offset is None else offset,
        "device": _device(fit),
    }
    undated = start == NAT_NS
    if undated.any():
        warn(
            f"{fit.source}: {int(undated.sum())} of {n} sessions have no start date "
            "(their times count seconds since the device was switched on: its clock was not "
            "set) and were left out"
        )
        dated = ~undated
        columns = {k: v[dated] if isinstance(v, np.ndarray) else v for k, v in columns.items()}
        n = int(dated.sum())
    return _activities(columns, n)


def _activities(columns: dict, n: int) -> Activities:
    if not n:
        return NO_ACTIVITIES
    frame = canonical_frame("activities", columns, n)
    return Activities(frame, columns["activity_id"], columns["start_utc"])


def _activity_from_records(fit, sha: str, offset, warn: Warn) -> Activities:
    records = fit.arrays("record", RECORD_FIELDS)
    stamps = times_ns(records, "timestamp") if "timestamp" in records else None
    if stamps is None or not (stamps != NAT_NS).any():
        return NO_ACTIVITIES
    warn(
        f"{fit.source}: no session message (recording cut short?); "
        "the activity summary was computed from the records"
    )
    times = stamps[stamps != NAT_NS]
    hr = numeric(records, "heart_rate")
    sport = fit.arrays("sport", ("sport", "sub_sport"))
    columns = {
        "activity_id": np.array([f"{sha[:16]}-0"], dtype=object),
        "source_sha256": sha,
        "source_format": "fit",
        "sport": texts(sport, "sport")[0] if sport.n else None,
        "sub_sport": texts(sport, "sub_sport")[0] if sport.n else None,
        "start_utc": times[:1],
        "duration_s": (times[-1] - times[0]) / 1e9,
        "distance_m": _nan_reduce(np.nanmax, numeric(records, "distance")),
        "avg_heart_rate_bpm": _nan_reduce(np.nanmean, hr),
        "max_heart_rate_bpm": _nan_reduce(np.nanmax, hr),
        "utc_offset_s": np.nan if offset is None else offset,
        "device": _device(fit),
    }
    return _activities(columns, 1)


def _nan_reduce(reduce, values: np.ndarray) -> float:
    """``reduce`` over the values that are not NaN; NaN when there are none."""
    return float(reduce(values)) if not np.isnan(values).all() else np.nan


def _assign(times_ns_: np.ndarray, activities: Activities) -> np.ndarray:
    """activity_id of the session whose span holds each time (else the last one started before).

    ``None`` where the time is missing or the file has no activity.
    """
    if activities.empty:
        out = np.empty(times_ns_.size, dtype=object)
        out[:] = None
        return out
    order = np.argsort(activities.starts_ns, kind="stable")
    pos = np.searchsorted(activities.starts_ns[order], times_ns_, side="right") - 1
    pos = np.clip(pos, 0, order.size - 1)
    ids = activities.ids[order][pos]
    return np.where(times_ns_ == NAT_NS, None, ids)


def samples(fit, activities: Activities, warn: Warn) -> pd.DataFrame | None:
    """The ``samples`` rows: one per dated ``record``, attached to its activity."""
    rec = fit.arrays("record", RECORD_FIELDS)
    if not rec.n or "timestamp" not in rec:
        return None
    stamps = times_ns(rec, "timestamp")
    dated = stamps != NAT_NS
    n = int(dated.sum())
    if n < rec.n:
        warn(
            f"{fit.source}: {rec.n - n} of {rec.n} records have no date (missing or "
            "device-relative timestamps, seconds since power-on) and are not in the samples"
        )

    def pick(values: np.ndarray) -> np.ndarray:
        return values if n == rec.n else values[dated]

    t = pick(stamps)
    columns = {
        "activity_id": _assign(t, activities),
        "t_utc": t,
        "heart_rate_bpm": pick(numeric(rec, "heart_rate")),
        "power_w": pick(numeric(rec, "power")),
        "speed_mps": pick(first_numeric(rec, "enhanced_speed", "speed")),
        "cadence_rpm": pick(numeric(rec, "cadence")),
        "altitude_m": pick(first_numeric(rec, "enhanced_altitude", "altitude")),
        "distance_m": pick(numeric(rec, "distance")),
        "temperature_c": pick(numeric(rec, "temperature")),
        "latitude_deg": pick(numeric(rec, "position_lat")) * SEMICIRCLE_DEG,
        "longitude_deg": pick(numeric(rec, "position_long")) * SEMICIRCLE_DEG,
    }
    return canonical_frame("samples", columns, n) if n else None


def laps(fit, activities: Activities) -> pd.DataFrame | None:
    """The ``laps`` rows, attached to their activity."""
    lap = fit.arrays("lap", LAP_FIELDS)
    if not lap.n:
        return None
    start = times_ns(lap, "start_time" if "start_time" in lap else "timestamp")
    columns = {
        "activity_id": _assign(start, activities),
        "lap_index": np.arange(lap.n),
        "start_utc": start,
        "duration_s": numeric(lap, "total_elapsed_time"),
        "moving_s": numeric(lap, "total_timer_time"),
        "distance_m": numeric(lap, "total_distance"),
        "avg_heart_rate_bpm": numeric(lap, "avg_heart_rate"),
        "max_heart_rate_bpm": numeric(lap, "max_heart_rate"),
        "avg_power_w": numeric(lap, "avg_power"),
        "avg_speed_mps": first_numeric(lap, "enhanced_avg_speed", "avg_speed"),
    }
    return canonical_frame("laps", columns, lap.n)


#: A gap (seconds) between the running beat clock and the file's timestamps that
#: restarts the clock: the recording was paused or beats were not captured.
RR_REANCHOR_GAP_S = 2.0


def rr_intervals(fit, activities: Activities) -> pd.DataFrame | None:
    """RR intervals of ``hrv`` messages with reconstructed beat times.

    ``hrv`` messages carry no timestamp, and RR intervals follow each other
    without gaps. Each interval's beat time is a running clock: it starts at
    the ``timestamp`` of the last timestamped message before the first
    ``hrv`` message (devices write them interleaved with the 1 Hz records)
    and adds each interval. When the file's timestamps run ahead of that
    clock by more than :data:`RR_REANCHOR_GAP_S` (a pause, or beats the
    sensor missed), the clock restarts at the newer timestamp. Invalid slots
    (0xFFFF) and non-positive intervals are dropped.
    """
    if not fit.message_counts().get("hrv"):
        return None
    rr = fit.element_matrix("hrv", "time")
    anchors = fit.anchor_timestamps("hrv")
    anchored = ~np.isnan(anchors)  # an hrv message before any timestamp is not used
    rr, anchors = rr[anchored], anchors[anchored]
    beats = rr > 0  # NaN (invalid) fails this test too
    row = np.nonzero(beats)[0]
    values = rr[beats]
    if not values.size:
        return None
    before = np.cumsum(np.bincount(row, weights=values, minlength=anchors.size))
    before = np.concatenate([[0.0], before[:-1]])  # seconds of beats before each message
    drift = anchors - before  # the clock restarted at a message starts at anchor - before
    start = _clock_restarts(drift, RR_REANCHOR_GAP_S)
    beat = drift[start][row] + np.cumsum(values)
    t = fit_s_to_unix_ns(beat)
    dated = t != NAT_NS
    if not dated.any():
        return None
    t = t[dated]
    columns = {"activity_id": _assign(t, activities), "t_utc": t, "rr_s": values[dated]}
    return canonical_frame("rr_intervals", columns, t.size)


def _clock_restarts(drift: np.ndarray, gap_s: float) -> np.ndarray:
    """For each message, the message at which the running beat clock last restarted.

    The clock restarts at the first message and at each message whose
    timestamp runs ahead of the clock by more than ``gap_s``; with ``drift``
    = anchor - beats before, that is a message whose drift exceeds the drift
    of the last restart by more than ``gap_s``.
    """
    n = drift.size
    restarts = [0]
    at = 0
    while at < n:
        limit = drift[at] + gap_s
        chunk, found = 64, -1
        lo = at + 1
        while lo < n:
            hits = np.flatnonzero(drift[lo : lo + chunk] > limit)
            if hits.size:
                found = lo + int(hits[0])
                break
            lo += chunk
            chunk *= 4
        if found < 0:
            break
        restarts.append(found)
        at = found
    marks = np.full(n, -1)
    marks[restarts] = restarts
    return np.maximum.accumulate(marks)
