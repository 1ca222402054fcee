"""Write a simulated athlete into the files the importers read.

FIT activity files (one per session), FIT sleep files (one per night,
laid out like Garmin's ``*_SLEEP_DATA.fit``: ``event`` 74 start/stop,
``sleep_level`` at every stage change, ``sleep_assessment``; plus a
``timestamp_correlation`` at wake-up, as Garmin's HRV-status files carry, so
that readers know the local wake-up date), daily
wellness files (``*_WELLNESS.fit`` of type ``monitoring_b`` with
``monitoring_info`` and ``monitoring_hr_data``; ``*_HRV_STATUS.fit`` with
5-minute ``hrv_value`` and an ``hrv_status_summary``), and the cramp and
medication logs as CSV. The files say ``manufacturer = development``: they
are synthetic and never pretend to come from a real device.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.simulate.fit_encode import FitWriter, local_seconds
from analyzer.simulate.history import AthleteHistory
from analyzer.simulate.journal import daily_log_csv
from analyzer.simulate.model import AthleteSpec
from analyzer.simulate.sleep import stage_table
from analyzer.simulate.streams import session_streams

#: Garmin-style "smart recording": one record every few seconds.
RECORD_EVERY_S = 4
LAP_EVERY_S = 15 * 60
FILE_TYPE_SLEEP = 49  # file_id.type of Garmin sleep files (not named in the public profile)
FILE_TYPE_HRV_STATUS = 68  # file_id.type of Garmin HRV-status files
EVENT_SLEEP = 74  # event number of the sleep start/stop events in those files
PRODUCT_NAME = "cramp-analyzer simulator"
CRAMP_LOG_COLUMNS = [
    "start_local",
    "muscle",
    "side",
    "severity_0_10",
    "duration_s",
    "context",
    "relief",
    "notes",
]
MEDICATION_LOG_COLUMNS = ["name", "kind", "start_date", "end_date", "notes"]
_SUB_SPORT = {"running": "road", "cycling": "road", "swimming": "lap_swimming"}


def serial_number(athlete_id: str) -> int:
    """A stable device serial number for an athlete (CRC-32 of the id, never 0)."""
    return zlib.crc32(athlete_id.encode()) or 1


def recorded_samples(streams: pd.DataFrame, every_s: int = RECORD_EVERY_S) -> pd.DataFrame:
    """The samples a smart-recording device keeps, in the units and resolution FIT stores.

    Every ``every_s``-th second and the last one; heart rate, cadence and
    temperature whole numbers, speed to 1 mm/s, distance to 1 cm, altitude to
    0.2 m, power to 1 W.
    """
    keep = np.unique(np.r_[np.arange(0, len(streams), every_s), len(streams) - 1])
    out = streams.iloc[keep].reset_index(drop=True)
    for col in ("heart_rate_bpm", "cadence_rpm", "temperature_c", "power_w"):
        out[col] = np.round(out[col])
    out["speed_mps"] = np.round(out["speed_mps"] * 1000) / 1000
    out["distance_m"] = np.round(out["distance_m"] * 100) / 100
    out["altitude_m"] = np.round((out["altitude_m"] + 500) * 5) / 5 - 500
    return out


def activity_fit(
    session: pd.Series, spec: AthleteSpec, utc_offset_s: int
) -> tuple[bytes, pd.DataFrame]:
    """Return the FIT bytes of one session and the samples written into it."""
    streams = session_streams(session, spec.physiology)
    rec = recorded_samples(streams)
    start, end = streams["t_utc"].iloc[0], streams["t_utc"].iloc[-1]
    w = FitWriter()
    _file_id(w, spec, "activity", end)
    w.add(
        "device_info",
        timestamp=start,
        device_index="creator",
        manufacturer="development",
        serial_number=serial_number(spec.athlete_id),
        product=1,
        software_version=1.0,
    )
    w.add("event", timestamp=start, event="timer", event_type="start", event_group=0)
    lap_of = (rec["t_utc"] - start).dt.total_seconds().to_numpy() // LAP_EVERY_S
    lap_of_1hz = np.arange(len(streams)) // LAP_EVERY_S
    for lap in range(int(lap_of.max()) + 1):
        _records(w, rec[lap_of == lap], session["sport"])
        _summary(w, "lap", streams[lap_of_1hz == lap], session, message_index=lap)
    w.add("event", timestamp=end, event="timer", event_type="stop_all", event_group=0)
    _summary(w, "session", streams, session, message_index=0, num_laps=int(lap_of.max()) + 1)
    w.add(
        "activity",
        timestamp=end,
        total_timer_time=float(len(streams) - 1),
        num_sessions=1,
        type="manual",
        event="activity",
        event_type="stop",
        local_timestamp=local_seconds([end], [utc_offset_s]),
    )
    return w.to_bytes(), rec


def _file_id(w: FitWriter, spec: AthleteSpec, file_type: object, created: pd.Timestamp) -> None:
    w.add(
        "file_id",
        type=file_type,
        manufacturer="development",
        product=1,
        serial_number=serial_number(spec.athlete_id),
        time_created=created,
        product_name=PRODUCT_NAME,
    )


def _records(w: FitWriter, rec: pd.DataFrame, sport: str) -> None:
    if rec.empty:
        return
    columns = {
        "timestamp": rec["t_utc"],
        "heart_rate": rec["heart_rate_bpm"],
        "cadence": rec["cadence_rpm"],
        "enhanced_speed": rec["speed_mps"],
        "distance": rec["distance_m"],
        "temperature": rec["temperature_c"],
    }
    if sport != "swimming":
        columns["enhanced_altitude"] = rec["altitude_m"]
    if sport == "cycling":
        columns["power"] = rec["power_w"]
    w.add("record", **columns)


def _summary(
    w: FitWriter, message: str, s: pd.DataFrame, session: pd.Series, **extra: object
) -> None:
    """A lap or session message summarising the 1 Hz samples ``s``."""
    elapsed = float(len(s))
    t_utc = s["t_utc"]
    s = {col: s[col].to_numpy(dtype=float) for col in s.columns if col != "t_utc"}
    climb = np.diff(s["altitude_m"])
    fields = dict(
        timestamp=t_utc.iloc[-1],
        start_time=t_utc.iloc[0],
        event="lap" if message == "lap" else "session",
        event_type="stop",
        sport=session["sport"],
        sub_sport=_SUB_SPORT[session["sport"]],
        total_elapsed_time=elapsed,
        total_timer_time=elapsed,
        total_distance=float(s["speed_mps"].sum()),
        enhanced_avg_speed=float(s["speed_mps"].mean()),
        enhanced_max_speed=float(s["speed_mps"].max()),
        avg_heart_rate=float(np.round(s["heart_rate_bpm"].mean())),
        max_heart_rate=float(np.round(s["heart_rate_bpm"].max())),
        avg_cadence=float(np.round(s["cadence_rpm"].mean())),
        avg_temperature=float(np.round(s["temperature_c"].mean())),
        total_ascent=float(np.round(np.nansum(np.clip(climb, 0, None)))),
        total_descent=float(np.round(np.nansum(np.clip(-climb, 0, None)))),
        total_calories=float(np.round(_kcal(s, session))),
        **extra,
    )
    if session["sport"] == "cycling":
        fields["avg_power"] = float(np.round(s["power_w"].mean()))
        fields["max_power"] = float(np.round(s["power_w"].max()))
    if message == "session":
        fields.update(first_lap_index=0, trigger="activity_end")
    else:
        fields.update(lap_trigger="time" if len(s) == LAP_EVERY_S else "session_end")
    w.add(message, **fields)


def _kcal(s: dict[str, np.ndarray], session: pd.Series) -> float:
    """Energy: work / 24 % efficiency (cycling), or 1 kcal/kg/km (running; swimming x4)."""
    if session["sport"] == "cycling":
        return float(s["power_w"].sum() / 0.24 / 4184.0)
    per_km = 4.0 if session["sport"] == "swimming" else 1.0
    return float(per_km * 65.0 * s["speed_mps"].sum() / 1000.0)


def sleep_fit(night: pd.Series, spec: AthleteSpec) -> bytes:
    """One night's FIT sleep file: sleep events, a sleep_level at each stage change, the assessment.

    Each ``sleep_level`` gives the stage from its timestamp to the next one;
    a final ``awake`` level at the wake-up time closes the last stage, as
    Garmin devices write a level at the end of the night.
    """
    w = FitWriter()
    _file_id(w, spec, FILE_TYPE_SLEEP, night["end_utc"])
    _timestamp_correlation(w, night["end_utc"], spec.timezone)
    w.add("event", timestamp=night["start_utc"], event=EVENT_SLEEP, event_type="start")
    stages = stage_table(night)
    starts = pd.concat([stages["start_utc"], pd.Series([night["end_utc"]])], ignore_index=True)
    w.add("sleep_level", timestamp=starts, sleep_level=[*stages["stage"], "awake"])
    w.add("event", timestamp=night["end_utc"], event=EVENT_SLEEP, event_type="stop")
    w.add("sleep_assessment", **sleep_scores(night, spec.physiology.sleep_need_h))
    return w.to_bytes()


def _timestamp_correlation(w: FitWriter, at_utc: pd.Timestamp, timezone: str) -> None:
    """Record the wall-clock time at ``at_utc``: readers take UTC offset and local dates from it."""
    offset_s = int(at_utc.tz_convert(timezone).utcoffset().total_seconds())
    w.add(
        "timestamp_correlation",
        timestamp=at_utc,
        local_timestamp=local_seconds([at_utc], [offset_s]),
    )


def sleep_scores(night: pd.Series, sleep_need_h: float) -> dict[str, float]:
    """Plausible 0-100 sleep scores (our own simple formulas, not Garmin's algorithm)."""
    asleep_h = night["asleep_min"] / 60.0
    duration = np.clip(100 - 25 * max(0.0, sleep_need_h - asleep_h), 0, 100)
    deep = np.clip(100 * night["deep_min"] / max(night["asleep_min"], 1) / 0.2, 0, 100)
    rem = np.clip(100 * night["rem_min"] / max(night["asleep_min"], 1) / 0.22, 0, 100)
    awake = np.clip(100 - 2.5 * night["awake_min"], 0, 100)
    awakenings = np.clip(100 - 12 * night["awakenings"], 0, 100)
    overall = 0.45 * duration + 0.15 * deep + 0.15 * rem + 0.15 * awake + 0.10 * awakenings
    return {
        "overall_sleep_score": float(np.round(overall)),
        "sleep_duration_score": float(np.round(duration)),
        "deep_sleep_score": float(np.round(deep)),
        "rem_sleep_score": float(np.round(rem)),
        "awake_time_score": float(np.round(awake)),
        "awakenings_count_score": float(np.round(awakenings)),
        "awakenings_count": float(night["awakenings"]),
    }


def wellness_fit(day: pd.Series, night: pd.Series, spec: AthleteSpec) -> bytes:
    """One day's ``WELLNESS`` file: monitoring_info for the local day, the morning's resting HR."""
    tz = spec.timezone
    midnight = pd.Timestamp(day["date"]).tz_localize(tz).tz_convert("UTC")
    offset_s = int(pd.Timestamp(day["date"]).tz_localize(tz).utcoffset().total_seconds())
    w = FitWriter()
    _file_id(w, spec, "monitoring_b", midnight)
    w.add(
        "monitoring_info",
        timestamp=midnight,
        local_timestamp=local_seconds([midnight], [offset_s]),
        resting_metabolic_rate=1600.0,
    )
    w.add(
        "monitoring_hr_data",
        timestamp=night["end_utc"],
        resting_heart_rate=day["resting_hr_bpm"],
        current_day_resting_heart_rate=day["resting_hr_bpm"],
    )
    return w.to_bytes()


def hrv_status_fit(
    day: pd.Series, night: pd.Series, weekly_avg_ms: float, spec: AthleteSpec
) -> bytes:
    """One night's ``HRV_STATUS`` file: 5-minute RMSSD values and the night's summary."""
    values = np.asarray(day["hrv_5min_ms"], dtype=float)
    times = night["start_utc"] + pd.to_timedelta(150 + 300 * np.arange(len(values)), unit="s")
    baseline = spec.physiology.hrv_rmssd_ms
    w = FitWriter()
    _file_id(w, spec, FILE_TYPE_HRV_STATUS, night["end_utc"])
    _timestamp_correlation(w, night["end_utc"], spec.timezone)
    w.add("hrv_value", timestamp=pd.Series(times), value=values)
    w.add(
        "hrv_status_summary",
        timestamp=night["end_utc"],
        weekly_average=weekly_avg_ms,
        last_night_average=day["hrv_rmssd_ms"],
        last_night_5_min_high=float(values.max()),
        baseline_low_upper=0.80 * baseline,
        baseline_balanced_lower=0.85 * baseline,
        baseline_balanced_upper=1.15 * baseline,
        status="balanced" if 0.85 * baseline <= weekly_avg_ms <= 1.15 * baseline else "unbalanced",
    )
    return w.to_bytes()


def cramp_log(history: AthleteHistory) -> pd.DataFrame:
    """The cramp log in the CSV template's columns; ``start_local`` is ISO 8601 with UTC offset."""
    c = history.cramps
    local = c["start_utc"].dt.tz_convert(history.spec.timezone)
    return pd.DataFrame(
        {
            "start_local": [t.isoformat(timespec="seconds") for t in local],
            "muscle": c["muscle"],
            "side": c["side"],
            "severity_0_10": c["severity_0_10"].astype(int),
            "duration_s": c["duration_s"].astype(int),
            "context": c["context"],
            "relief": c["relief"],
            "notes": c["notes"],
        },
        columns=CRAMP_LOG_COLUMNS,
    )


def write_athlete_files(history: AthleteHistory, out_dir: Path) -> dict[str, int]:
    """Write every file of one athlete under ``out_dir/<athlete_id>/``; return file counts."""
    spec = history.spec
    root = Path(out_dir) / spec.athlete_id
    for sub in ("activities", "sleep", "wellness"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    counts = {"activities": 0, "sleep": 0, "wellness": 0}
    for _, session in history.sessions.iterrows():
        local = session["start_utc"].tz_convert(spec.timezone)
        data, _ = activity_fit(session, spec, int(local.utcoffset().total_seconds()))
        name = f"{local:%Y-%m-%d_%H%M}_{session['sport']}.fit"
        (root / "activities" / name).write_bytes(data)
        counts["activities"] += 1
    weekly = pd.Series(history.wellness["hrv_rmssd_ms"]).rolling(7, min_periods=1).mean().to_numpy()
    for i, night in history.nights.iterrows():
        day = history.wellness.iloc[i]
        stem = f"{night['night']:%Y-%m-%d}"
        (root / "sleep" / f"{stem}_SLEEP_DATA.fit").write_bytes(sleep_fit(night, spec))
        (root / "wellness" / f"{stem}_WELLNESS.fit").write_bytes(wellness_fit(day, night, spec))
        (root / "wellness" / f"{stem}_HRV_STATUS.fit").write_bytes(
            hrv_status_fit(day, night, weekly[i], spec)
        )
        counts["sleep"] += 1
        counts["wellness"] += 2
    cramp_log(history).to_csv(root / "cramps.csv", index=False)
    meds = history.medications.copy()
    meds.to_csv(root / "medications.csv", index=False, columns=MEDICATION_LOG_COLUMNS)
    daily_log_csv(history.journal).to_csv(root / "daily_log.csv", index=False)
    return counts
