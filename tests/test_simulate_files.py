"""Simulated files round-trip: fitdecode, fitparse and our reader return the simulated values."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings

import fitdecode
import fitparse
import numpy as np
import pandas as pd
import pytest

from analyzer.simulate.athletes import MASTERS, RUNNER, TRIATHLETE
from analyzer.simulate.history import simulate_athlete
from analyzer.simulate.sleep import stage_table
from analyzer.simulate.squad import write_squad
from analyzer.simulate.writers import (
    CRAMP_LOG_COLUMNS,
    activity_fit,
    cramp_log,
    hrv_status_fit,
    sleep_fit,
    wellness_fit,
)

START = dt.date(2026, 3, 16)  # three weeks across Brisbane's late summer and New York's DST change
REC_COLUMNS = {  # our sample column -> FIT record field
    "heart_rate_bpm": "heart_rate",
    "cadence_rpm": "cadence",
    "speed_mps": "enhanced_speed",
    "distance_m": "distance",
    "temperature_c": "temperature",
    "altitude_m": "enhanced_altitude",
    "power_w": "power",
}


@pytest.fixture(scope="module")
def triathlete():
    return simulate_athlete(TRIATHLETE, START, 21, seed=11)


@pytest.fixture(scope="module")
def masters():
    return simulate_athlete(MASTERS, START, 21, seed=12)


def fitdecode_messages(data: bytes) -> dict[str, pd.DataFrame]:
    """Every data message by type, decoded by fitdecode (CRC errors raise, warnings are errors)."""
    rows: dict[str, list[dict]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    rows.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return {name: pd.DataFrame(r) for name, r in rows.items()}


def fitparse_messages(data: bytes, name: str) -> list[dict]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return [m.get_values() for m in fitparse.FitFile(data).get_messages(name)]


def our_reader():
    """The project's FIT reader module."""
    from analyzer.io import fit

    return fit


def tables_of(data: bytes):
    """The canonical tables the project's FIT reader makes of a file's bytes."""
    from analyzer.io.fit_tables import read_fit_bundle

    return read_fit_bundle(data, "simulated.fit").tables


def one_session(history, sport: str) -> pd.Series:
    sessions = history.sessions[history.sessions["sport"] == sport]
    assert len(sessions), f"no {sport} session in the fixture"
    return sessions.iloc[0]


def _assert_records_equal(records: pd.DataFrame, rec: pd.DataFrame, sport: str) -> None:
    assert list(pd.to_datetime(records["timestamp"], utc=True)) == list(rec["t_utc"])
    for ours, field in REC_COLUMNS.items():
        if field not in records:
            assert rec[ours].isna().all() or (field, sport) in {
                ("power", "running"),
                ("power", "swimming"),
            }
            continue
        np.testing.assert_allclose(records[field].astype(float), rec[ours], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("sport", ["running", "cycling", "swimming"])
def test_activity_round_trips_through_fitdecode(triathlete, sport):
    session = one_session(triathlete, sport)
    data, rec = activity_fit(session, TRIATHLETE, utc_offset_s=36000)
    messages = fitdecode_messages(data)
    _assert_records_equal(messages["record"], rec, sport)
    s = messages["session"].iloc[0]
    assert s["sport"] == sport
    assert s["total_elapsed_time"] == session["duration_s"]
    assert s["start_time"] == session["start_utc"]
    assert abs(s["avg_heart_rate"] - rec["heart_rate_bpm"].mean()) < 2  # 1 Hz mean vs 4 s samples
    assert messages["lap"]["total_elapsed_time"].sum() == session["duration_s"]
    activity = messages["activity"].iloc[0]
    assert (activity["local_timestamp"] - activity["timestamp"]).total_seconds() == 36000
    assert messages["file_id"]["manufacturer"].iloc[0] == "development"


def test_activity_round_trips_through_fitparse(triathlete):
    session = one_session(triathlete, "cycling")
    data, rec = activity_fit(session, TRIATHLETE, utc_offset_s=36000)
    records = pd.DataFrame(fitparse_messages(data, "record"))
    records["timestamp"] = records["timestamp"].dt.tz_localize("UTC")  # fitparse: naive UTC
    _assert_records_equal(records, rec, "cycling")


def test_activity_round_trips_through_our_reader(triathlete):
    fit = our_reader()
    session = one_session(triathlete, "running")
    data, rec = activity_fit(session, TRIATHLETE, utc_offset_s=36000)
    result = fit.read_fit(data)
    assert not result.warnings
    _assert_records_equal(result.messages("record"), rec, "running")
    assert result.utc_offset_s == 36000


def test_stream_physiology(triathlete):
    """Heart rate lags intensity and drifts up in heat; each session's streams are repeatable."""
    from analyzer.simulate.streams import session_streams

    session = one_session(triathlete, "running").copy()
    session["segments"] = [(1800.0, 0.6), (1800.0, 0.6)]
    session["duration_s"] = 3600.0
    cool = session_streams(session.copy(), TRIATHLETE.physiology)
    hot_session = session.copy()
    hot_session["air_temp_c"] = 32.0
    hot = session_streams(hot_session, TRIATHLETE.physiology)
    late, early = slice(3000, 3600), slice(600, 1200)
    drift_hot = hot["heart_rate_bpm"].iloc[late].mean() - hot["heart_rate_bpm"].iloc[early].mean()
    drift_cool = (
        cool["heart_rate_bpm"].iloc[late].mean() - cool["heart_rate_bpm"].iloc[early].mean()
    )
    assert drift_hot > drift_cool + 4
    # First-order lag: 40 s after a step up, about 1 - e^-1 of the step is done.
    step = session.copy()
    step["segments"] = [(600.0, 0.4), (600.0, 0.8)]
    step["duration_s"] = 1200.0
    step["air_temp_c"] = 12.0
    hr = (
        session_streams(step, TRIATHLETE.physiology)["heart_rate_bpm"]
        .rolling(9, center=True)
        .mean()
    )
    low, high = hr.iloc[560:590].mean(), hr.iloc[1100:1190].mean()
    assert 0.5 < (hr.iloc[640] - low) / (high - low) < 0.75
    pd.testing.assert_frame_equal(cool, session_streams(session.copy(), TRIATHLETE.physiology))


def test_sleep_file_round_trips(masters):
    night = masters.nights.iloc[5]
    messages = fitdecode_messages(sleep_fit(night, MASTERS))
    stages = stage_table(night)
    levels = messages["sleep_level"]
    assert list(levels["timestamp"]) == [*stages["start_utc"], night["end_utc"]]
    assert list(levels["sleep_level"]) == [*stages["stage"], "awake"]
    events = messages["event"]
    assert list(events["event"]) == [74, 74] and list(events["event_type"]) == ["start", "stop"]
    assert list(events["timestamp"]) == [night["start_utc"], night["end_utc"]]
    assessment = messages["sleep_assessment"].iloc[0]
    assert assessment["awakenings_count"] == night["awakenings"]
    assert messages["file_id"]["type"].iloc[0] == 49
    # fitparse's 2019 profile does not name sleep_level (275): raw values, same count.
    raw = [m["unknown_0"] for m in fitparse_messages(sleep_fit(night, MASTERS), "unknown_275")]
    assert raw == [
        {"awake": 1, "light": 2, "deep": 3, "rem": 4}[s] for s in [*stages["stage"], "awake"]
    ]


def test_sleep_minutes_rebuilt_from_levels_match(masters):
    """Durations between consecutive sleep_level messages add up to the night's stage minutes."""
    for _, night in masters.nights.iterrows():
        levels = fitdecode_messages(sleep_fit(night, MASTERS))["sleep_level"]
        minutes = levels["timestamp"].diff().shift(-1).dt.total_seconds() / 60.0
        by_stage = minutes.groupby(levels["sleep_level"]).sum()
        assert by_stage.get("deep", 0) == night["deep_min"]
        assert by_stage.get("rem", 0) == night["rem_min"]
        assert by_stage.get("light", 0) == night["light_min"]
        assert by_stage.get("awake", 0) == night["awake_min"]


def test_wellness_and_hrv_files_round_trip(masters):
    i = 9  # a morning after the US spring-forward (2026-03-08 is before START; offsets are -4 h)
    night, day = masters.nights.iloc[i], masters.wellness.iloc[i]
    well = fitdecode_messages(wellness_fit(day, night, MASTERS))
    assert well["file_id"]["type"].iloc[0] == "monitoring_b"
    hr = well["monitoring_hr_data"].iloc[0]
    assert hr["resting_heart_rate"] == day["resting_hr_bpm"]
    assert hr["timestamp"] == night["end_utc"]
    info = well["monitoring_info"].iloc[0]
    assert (info["local_timestamp"] - info["timestamp"]).total_seconds() == -4 * 3600
    assert info["local_timestamp"].date() == day["date"]
    hrv = fitdecode_messages(hrv_status_fit(day, night, 50.0, MASTERS))
    np.testing.assert_array_equal(hrv["hrv_value"]["value"].to_numpy(), day["hrv_5min_ms"])
    summary = hrv["hrv_status_summary"].iloc[0]
    assert summary["last_night_average"] == day["hrv_rmssd_ms"]
    assert summary["weekly_average"] == 50.0
    assert hrv["file_id"]["type"].iloc[0] == 68


def test_our_reader_reads_sleep_and_wellness_messages(masters):
    fit = our_reader()
    night, day = masters.nights.iloc[3], masters.wellness.iloc[3]
    levels = fit.read_fit(sleep_fit(night, MASTERS)).messages("sleep_level")
    assert list(levels["sleep_level"]) == [*stage_table(night)["stage"], "awake"]
    hrv = fit.read_fit(hrv_status_fit(day, night, 50.0, MASTERS)).messages("hrv_value")
    np.testing.assert_array_equal(hrv["value"].to_numpy(dtype=float), day["hrv_5min_ms"])
    well = fit.read_fit(wellness_fit(day, night, MASTERS)).messages("monitoring_hr_data")
    assert well["resting_heart_rate"].iloc[0] == day["resting_hr_bpm"]


def test_our_reader_dates_nights_and_mornings_across_a_dst_change():
    """Sleep and wellness rows keep the local wake-up date across Berlin's spring-forward."""
    runner = simulate_athlete(RUNNER, START, 21, seed=13)  # 2026-03-16 .. 04-05, DST on 03-29
    for i, night in runner.nights.iterrows():
        day = runner.wellness.iloc[i]
        sleep = tables_of(sleep_fit(night, RUNNER))["sleep"].iloc[0]
        assert sleep["night"] == night["night"]
        assert (
            sleep["asleep_min"] == night["asleep_min"] and sleep["awake_min"] == night["awake_min"]
        )
        assert sleep["start_utc"] == night["start_utc"] and sleep["end_utc"] == night["end_utc"]
        morning = tables_of(wellness_fit(day, night, RUNNER))["wellness"].iloc[0]
        assert morning["date"] == day["date"] and morning["resting_hr_bpm"] == day["resting_hr_bpm"]
        hrv = tables_of(hrv_status_fit(day, night, 60.0, RUNNER))["wellness"].iloc[0]
        assert hrv["date"] == day["date"] and hrv["hrv_rmssd_ms"] == pytest.approx(
            day["hrv_rmssd_ms"]
        )


def test_cramp_log_has_the_template_columns_and_local_offsets(masters):
    log = cramp_log(masters)
    assert list(log.columns) == CRAMP_LOG_COLUMNS
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
    assert all(pattern.match(s) for s in log["start_local"])
    back = pd.to_datetime(log["start_local"], utc=True, format="ISO8601")
    assert list(back) == list(masters.cramps["start_utc"])


def test_cramp_log_reads_back_with_the_log_reader(masters, tmp_path):
    logs = pytest.importorskip(
        "analyzer.io.logs", reason="the cramp log reader is not available yet"
    )
    data = cramp_log(masters).to_csv(index=False).encode()
    cramps = logs.read_cramp_log("cramps.csv", data).tables["cramps"]
    assert list(cramps["start_utc"]) == list(masters.cramps["start_utc"])
    assert list(cramps["context"]) == list(masters.cramps["context"])


def test_write_squad_is_deterministic(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    write_squad(a, athletes=[MASTERS], days=4, seed=5)
    write_squad(b, athletes=[MASTERS], days=4, seed=5)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert len([f for f in files_a if f.suffix == ".fit"]) >= 12
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert not (a / "README.md").exists()  # only the demo squad gets a README


def test_benchmark_library_layout(tmp_path):
    histories = write_squad(tmp_path, athletes=3, days=3, seed=1)
    roster = pd.read_csv(tmp_path / "athletes.csv")
    assert list(roster["athlete_id"]) == [h.spec.athlete_id for h in histories]
    for h in histories:
        folder = tmp_path / h.spec.athlete_id
        assert len(list((folder / "sleep").glob("*.fit"))) == 3
        assert len(list((folder / "activities").glob("*.fit"))) == len(h.sessions)
        assert (tmp_path / "truth" / f"{h.spec.athlete_id}.json").is_file()
