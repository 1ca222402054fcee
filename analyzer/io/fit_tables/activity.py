"""Canonical activity tables from a decoded FIT file.

``activities`` has one row per ``session`` message; ``samples``, ``laps`` and
``rr_intervals`` are attached to the session whose time span contains them.
A file that holds records but no session (a recording cut short) gets one
activity summarised from its records, with a warning. Sleep and wellness
tables are built in :mod:`.wellness`.

References
----------
Garmin FIT SDK, Profile.xlsx: ``session`` (global 18), ``lap`` (19),
``record`` (20), ``activity`` (34), ``hrv`` (78: ``time``, RR intervals in
seconds, 0xFFFF invalid), ``sport`` (12), ``file_id`` (0); FIT protocol,
positions in semicircles (180 / 2^31 degrees).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analyzer.io.fit.frames import fit_s_to_utc_index

Warn = Callable[[str], None]

SEMICIRCLE_DEG = 180.0 / 2**31


def _col(frame: pd.DataFrame, *names: str) -> pd.Series:
    """First of ``names`` present in ``frame`` as float (later names fill gaps); NaN if none."""
    out = None
    for name in names:
        if name not in frame.columns:
            continue
        column = frame[name]
        if column.dtype != np.float64:
            column = pd.to_numeric(column, errors="coerce").astype("float64")
        values = column.to_numpy()
        if out is None:
            out = values.copy()
        else:
            gap = np.isnan(out)
            out[gap] = values[gap]
    if out is None:
        out = np.full(len(frame), np.nan)
    return pd.Series(out, index=frame.index, copy=False)


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    return frame[name].map(
        lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    )


def _device(fit) -> str | None:
    file_id = fit.messages("file_id")
    if file_id.empty:
        return None
    row = file_id.iloc[0]
    parts = []
    for name in ("manufacturer", "garmin_product", "product"):
        value = row.get(name) if name in file_id.columns else None
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
    file_id = fit.arrays("file_id")
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


def sessions(fit, sha: str, warn: Warn) -> pd.DataFrame:
    """The ``activities`` rows of the file: one per ``session`` (else from the records)."""
    session = fit.messages("session")
    offset = fit.utc_offset_s
    if session.empty:
        return _activity_from_records(fit, sha, offset, warn)
    start = session["start_time"] if "start_time" in session else session.get("timestamp")
    frame = pd.DataFrame(
        {
            "activity_id": [f"{sha[:16]}-{i}" for i in range(len(session))],
            "source_sha256": sha,
            "source_format": "fit",
            "sport": _text(session, "sport"),
            "sub_sport": _text(session, "sub_sport"),
            "start_utc": start,
            "duration_s": _col(session, "total_elapsed_time"),
            "moving_s": _col(session, "total_timer_time"),
            "distance_m": _col(session, "total_distance"),
            "avg_heart_rate_bpm": _col(session, "avg_heart_rate"),
            "max_heart_rate_bpm": _col(session, "max_heart_rate"),
            "avg_power_w": _col(session, "avg_power"),
            "avg_speed_mps": _col(session, "enhanced_avg_speed", "avg_speed"),
            "avg_cadence_rpm": _col(session, "avg_cadence"),
            "avg_temperature_c": _col(session, "avg_temperature"),
            "total_ascent_m": _col(session, "total_ascent"),
            "energy_kcal": _col(session, "total_calories"),
            "utc_offset_s": np.nan if offset is None else offset,
            "device": _device(fit),
        }
    )
    undated = frame["start_utc"].isna().to_numpy()
    if undated.any():
        warn(
            f"{fit.source}: {int(undated.sum())} of {len(frame)} sessions have no start date "
            "(their times count seconds since the device was switched on: its clock was not "
            "set) and were left out"
        )
        frame = frame[~undated].reset_index(drop=True)
    return frame


def _activity_from_records(fit, sha: str, offset, warn: Warn) -> pd.DataFrame:
    records = fit.messages("record")
    if records.empty or "timestamp" not in records or records["timestamp"].notna().sum() == 0:
        return pd.DataFrame()
    warn(
        f"{fit.source}: no session message (recording cut short?); "
        "the activity summary was computed from the records"
    )
    times = records["timestamp"].dropna()
    hr = _col(records, "heart_rate")
    sport = fit.messages("sport")
    return pd.DataFrame(
        {
            "activity_id": [f"{sha[:16]}-0"],
            "source_sha256": sha,
            "source_format": "fit",
            "sport": _text(sport, "sport").iloc[0] if not sport.empty else None,
            "sub_sport": _text(sport, "sub_sport").iloc[0] if not sport.empty else None,
            "start_utc": [times.iloc[0]],
            "duration_s": (times.iloc[-1] - times.iloc[0]).total_seconds(),
            "distance_m": _col(records, "distance").max(),
            "avg_heart_rate_bpm": hr.mean(),
            "max_heart_rate_bpm": hr.max(),
            "utc_offset_s": np.nan if offset is None else offset,
            "device": _device(fit),
        }
    )


def _assign(times: pd.Series, activities: pd.DataFrame) -> pd.Series:
    """activity_id of the session whose span holds each time (else the last one started before)."""
    if activities.empty:
        return pd.Series([None] * len(times), index=times.index, dtype="object")
    starts = activities["start_utc"].to_numpy(dtype="datetime64[ns]")
    order = np.argsort(starts, kind="stable")
    t = times.to_numpy(dtype="datetime64[ns]")
    pos = np.searchsorted(starts[order], t, side="right") - 1
    pos = np.clip(pos, 0, len(order) - 1)
    ids = activities["activity_id"].to_numpy(dtype=object)[order][pos]
    ids = np.where(pd.isna(t), None, ids)
    return pd.Series(ids, index=times.index, dtype="object")


def samples(fit, activities: pd.DataFrame, warn: Warn) -> pd.DataFrame:
    """The ``samples`` rows: one per dated ``record``, attached to its activity."""
    rec = fit.messages("record")
    if rec.empty or "timestamp" not in rec:
        return pd.DataFrame()
    dated = rec["timestamp"].notna()
    if not dated.all():
        warn(
            f"{fit.source}: {int((~dated).sum())} of {len(rec)} records have no date (missing or "
            "device-relative timestamps, seconds since power-on) and are not in the samples"
        )
    rec = rec[dated]
    return pd.DataFrame(
        {
            "activity_id": _assign(rec["timestamp"], activities),
            "t_utc": rec["timestamp"],
            "heart_rate_bpm": _col(rec, "heart_rate"),
            "power_w": _col(rec, "power"),
            "speed_mps": _col(rec, "enhanced_speed", "speed"),
            "cadence_rpm": _col(rec, "cadence"),
            "altitude_m": _col(rec, "enhanced_altitude", "altitude"),
            "distance_m": _col(rec, "distance"),
            "temperature_c": _col(rec, "temperature"),
            "latitude_deg": _col(rec, "position_lat") * SEMICIRCLE_DEG,
            "longitude_deg": _col(rec, "position_long") * SEMICIRCLE_DEG,
        }
    )


def laps(fit, activities: pd.DataFrame) -> pd.DataFrame:
    """The ``laps`` rows, attached to their activity."""
    lap = fit.messages("lap")
    if lap.empty:
        return pd.DataFrame()
    start = lap["start_time"] if "start_time" in lap else lap["timestamp"]
    return pd.DataFrame(
        {
            "activity_id": _assign(start, activities),
            "lap_index": np.arange(len(lap)),
            "start_utc": start,
            "duration_s": _col(lap, "total_elapsed_time"),
            "moving_s": _col(lap, "total_timer_time"),
            "distance_m": _col(lap, "total_distance"),
            "avg_heart_rate_bpm": _col(lap, "avg_heart_rate"),
            "max_heart_rate_bpm": _col(lap, "max_heart_rate"),
            "avg_power_w": _col(lap, "avg_power"),
            "avg_speed_mps": _col(lap, "enhanced_avg_speed", "avg_speed"),
        }
    )


#: A gap (seconds) between the running beat clock and the file's timestamps that
#: restarts the clock: the recording was paused or beats were not captured.
RR_REANCHOR_GAP_S = 2.0


def rr_intervals(fit, activities: pd.DataFrame) -> pd.DataFrame:
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
    hrv = fit.messages("hrv")
    if hrv.empty or "time" not in hrv:
        return pd.DataFrame()
    anchors = fit.anchor_timestamps("hrv")
    rr: list[float] = []
    beat: list[float] = []
    clock = np.nan
    for values, anchor in zip(hrv["time"].tolist(), anchors.tolist()):
        if np.isnan(anchor):
            continue
        if np.isnan(clock) or anchor - clock > RR_REANCHOR_GAP_S:
            clock = anchor
        for v in values if isinstance(values, tuple) else (values,):
            if isinstance(v, float) and v > 0:  # NaN and None (invalid) fail this test
                clock += v
                rr.append(float(v))
                beat.append(clock)
    if not rr:
        return pd.DataFrame()
    t_utc = pd.Series(fit_s_to_utc_index(np.asarray(beat)))
    return pd.DataFrame(
        {"activity_id": _assign(t_utc, activities), "t_utc": t_utc, "rr_s": rr}
    ).dropna(subset=["t_utc"])
