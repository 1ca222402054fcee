"""Canonical activity tables from a decoded FIT file.

``activities`` has one row per ``session`` message; ``samples``, ``laps`` and
``rr_intervals`` are attached to the session whose time span contains them.
A file that holds records but no session (a recording cut short) gets one
activity summarised from its records, with a warning. Sleep and wellness
tables are built in :mod:`.wellness`.

Implausible times are split off, never imported: a session that starts
more than :data:`FUTURE_MARGIN_S` after the time of import, and records, laps
and RR beats more than :data:`SESSION_MARGIN_S` outside their session's
recorded span (a flipped bit in one record's timestamp of a ride otherwise
makes an 8-year session). A file without sessions is summarised from its
largest run of records without a gap of :data:`RECORD_GAP_S`. Each case is
a warning.

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

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.io.fastframe import NAT_NS
from analyzer.io.fit import MessageArrays
from analyzer.io.fit.frames import fit_s_to_unix_ns

from .columns import first_numeric, numeric, texts, times_ns
from .table_frames import canonical_frame

Warn = Callable[[str], None]

SEMICIRCLE_DEG = 180.0 / 2**31
#: A time this long after the time of import is in the future: not a recording [s].
FUTURE_MARGIN_S = 86_400
#: Records, laps and beats this far before a session's start or after its end belong to no
#: session: devices write a few records after the stop, not hours [s].
SESSION_MARGIN_S = 3_600
#: Records of a file without sessions further apart than this are not one activity [s].
RECORD_GAP_S = 6 * 3_600
_NS = 1_000_000_000
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
    ends_ns: np.ndarray  # start + elapsed time, float ns (inf when the elapsed time is unknown)

    @property
    def empty(self) -> bool:
        return self.ids.size == 0

    def _positions(self, t_ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per time: the index (in start order) of its session, and the start order."""
        order = np.argsort(self.starts_ns, kind="stable")
        pos = np.searchsorted(self.starts_ns[order], t_ns, side="right") - 1
        return np.clip(pos, 0, order.size - 1), order

    def assign(self, t_ns: np.ndarray) -> np.ndarray:
        """activity_id of the session whose span holds each time (else the last started before).

        ``None`` where the time is missing or the file has no activity.
        """
        if self.empty:
            out = np.empty(t_ns.size, dtype=object)
            out[:] = None
            return out
        pos, order = self._positions(t_ns)
        return np.where(t_ns == NAT_NS, None, self.ids[order][pos])

    def holds(self, t_ns: np.ndarray) -> np.ndarray:
        """Whether each time lies within its session's span, :data:`SESSION_MARGIN_S` around it."""
        if self.empty:
            return np.ones(t_ns.size, dtype=bool)
        pos, order = self._positions(t_ns)
        margin = SESSION_MARGIN_S * _NS
        starts, ends = self.starts_ns[order][pos], self.ends_ns[order][pos]
        return (t_ns >= starts - margin) & (t_ns <= ends + margin)


NO_ACTIVITIES = Activities(
    pd.DataFrame(), np.zeros(0, dtype=object), np.zeros(0, np.int64), np.zeros(0)
)


def future_ns() -> int:
    """Times after this [ns since the Unix epoch] are in the future (:data:`FUTURE_MARGIN_S`)."""
    return time.time_ns() + FUTURE_MARGIN_S * _NS


def _day(t_ns: int) -> str:
    return str(np.datetime64(int(t_ns), "ns").astype("datetime64[D]"))


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
    future = ~undated & (start > future_ns())
    if future.any():
        warn(
            f"{fit.source}: {int(future.sum())} of {n} sessions start in the future (the first "
            f"on {_day(start[future][0])}: a damaged timestamp or a wrong clock) and were left out"
        )
    keep = ~(undated | future)
    if not keep.all():
        columns = {k: v[keep] if isinstance(v, np.ndarray) else v for k, v in columns.items()}
        n = int(keep.sum())
    return _activities(columns, n)


def _activities(columns: dict, n: int) -> Activities:
    if not n:
        return NO_ACTIVITIES
    frame = canonical_frame("activities", columns, n)
    starts = columns["start_utc"]
    elapsed = np.broadcast_to(np.asarray(columns.get("duration_s", np.nan), float), (n,))
    ends = starts + np.where(np.isfinite(elapsed), elapsed * _NS, np.inf)
    return Activities(frame, columns["activity_id"], starts, ends)


def _activity_from_records(fit, sha: str, offset, warn: Warn) -> Activities:
    records = fit.arrays("record", RECORD_FIELDS)
    stamps = times_ns(records, "timestamp") if "timestamp" in records else None
    if stamps is None or not (stamps != NAT_NS).any():
        return NO_ACTIVITIES
    warn(
        f"{fit.source}: no session message (recording cut short?); "
        "the activity summary was computed from the records"
    )
    main = _main_run(stamps)
    if not main.any():
        return NO_ACTIVITIES  # every dated record lies in the future
    times = stamps[main]
    hr = numeric(records, "heart_rate")[main]
    sport = fit.arrays("sport", ("sport", "sub_sport"))
    columns = {
        "activity_id": np.array([f"{sha[:16]}-0"], dtype=object),
        "source_sha256": sha,
        "source_format": "fit",
        "sport": texts(sport, "sport")[0] if sport.n else None,
        "sub_sport": texts(sport, "sub_sport")[0] if sport.n else None,
        "start_utc": times[:1],
        "duration_s": (times[-1] - times[0]) / 1e9,
        "distance_m": _nan_reduce(np.nanmax, numeric(records, "distance")[main]),
        "avg_heart_rate_bpm": _nan_reduce(np.nanmean, hr),
        "max_heart_rate_bpm": _nan_reduce(np.nanmax, hr),
        "utc_offset_s": np.nan if offset is None else offset,
        "device": _device(fit),
    }
    return _activities(columns, 1)


def no_activity_problem(fit) -> str:
    """Why a file with sessions or records gives no activity (for the error the reader raises)."""
    dated = [
        times_ns(fit.arrays(name, fields), field)
        for name, fields, field in (
            ("session", SESSION_FIELDS, "start_time"),
            ("session", SESSION_FIELDS, "timestamp"),
            ("record", RECORD_FIELDS, "timestamp"),
        )
    ]
    dated = np.concatenate(dated)
    dated = dated[dated != NAT_NS]
    if dated.size:
        return (
            f"every date in the file lies in the future (from {_day(dated.min())}: a damaged "
            "timestamp or a wrong clock), so its activity cannot be placed on a day"
        )
    return (
        "no session or record has a date: the file's times count seconds since the device "
        "was switched on (its clock was not set), so its activity cannot be placed on a day"
    )


def _main_run(stamps: np.ndarray) -> np.ndarray:
    """The records of the largest run without a gap of :data:`RECORD_GAP_S` (none in the future).

    A mask over ``stamps`` (file order); the earliest run wins a tie.
    """
    dated = (stamps != NAT_NS) & (stamps <= future_ns())
    at = np.flatnonzero(dated)
    order = at[np.argsort(stamps[at], kind="stable")]
    t = stamps[order]
    run = np.concatenate([[0], np.cumsum(np.diff(t) > RECORD_GAP_S * _NS)])
    largest = int(np.argmax(np.bincount(run))) if run.size else 0
    out = np.zeros(stamps.size, dtype=bool)
    out[order[run == largest]] = True
    return out


def _inside(what: str, t_ns: np.ndarray, activities: Activities, fit, warn: Warn) -> np.ndarray:
    """Mask of ``t_ns`` within their sessions (:meth:`Activities.holds`), warning for the rest."""
    inside = activities.holds(t_ns) & (t_ns <= future_ns())
    if not inside.all():
        out = t_ns[~inside]
        warn(
            f"{fit.source}: {out.size} of {t_ns.size} {what} lie outside their session (between "
            f"{_day(out.min())} and {_day(out.max())}: damaged timestamps) and were left out"
        )
    return inside


def _nan_reduce(reduce, values: np.ndarray) -> float:
    """``reduce`` over the values that are not NaN; NaN when there are none."""
    return float(reduce(values)) if not np.isnan(values).all() else np.nan


def samples(fit, activities: Activities, warn: Warn) -> pd.DataFrame | None:
    """The ``samples`` rows: one per dated ``record``, attached to its activity."""
    rec = fit.arrays("record", RECORD_FIELDS)
    if not rec.n or "timestamp" not in rec:
        return None
    stamps = times_ns(rec, "timestamp")
    dated = stamps != NAT_NS
    if not dated.all():
        warn(
            f"{fit.source}: {rec.n - int(dated.sum())} of {rec.n} records have no date (missing "
            "or device-relative timestamps, seconds since power-on) and are not in the samples"
        )
    keep = dated.copy()
    keep[dated] = _inside("records", stamps[dated], activities, fit, warn)
    n = int(keep.sum())

    def pick(values: np.ndarray) -> np.ndarray:
        return values if n == rec.n else values[keep]

    t = pick(stamps)
    columns = {
        "activity_id": activities.assign(t),
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


def laps(fit, activities: Activities, warn: Warn) -> pd.DataFrame | None:
    """The ``laps`` rows, attached to their activity."""
    lap = fit.arrays("lap", LAP_FIELDS)
    if not lap.n:
        return None
    start = times_ns(lap, "start_time" if "start_time" in lap else "timestamp")
    dated = start != NAT_NS
    keep = np.ones(lap.n, dtype=bool)
    keep[dated] = _inside("laps", start[dated], activities, fit, warn)
    if not keep.all():
        lap = MessageArrays({k: v[keep] for k, v in lap.items()}, int(keep.sum()))
        start = start[keep]
    columns = {
        "activity_id": activities.assign(start),
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


def rr_intervals(fit, activities: Activities, warn: Warn) -> pd.DataFrame | None:
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
    keep = t != NAT_NS
    keep[keep] = _inside("RR intervals", t[keep], activities, fit, warn)
    if not keep.any():
        return None
    t = t[keep]
    columns = {"activity_id": activities.assign(t), "t_utc": t, "rr_s": values[keep]}
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
