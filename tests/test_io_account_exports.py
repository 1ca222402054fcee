"""Garmin account JSON, Fitbit Takeout JSON/CSV and Oura CSV.

The fixtures are the project's own: no real export of these kinds is available.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzer.errors import ImportFileError
from analyzer.io.registry import detect_format, read_bytes
from tests.helpers.paths import TEST_DATA

EXPORTS = TEST_DATA / "exports"


def load(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("garmin_sleepData.json", "garmin_sleep_json"),
        ("garmin_UDSFile.json", "garmin_daily_json"),
        ("fitbit_sleep.json", "fitbit_sleep_json"),
        ("fitbit_heart_rate.json", "fitbit_heart_rate_json"),
        ("fitbit_resting_heart_rate.json", "fitbit_resting_hr_json"),
        ("fitbit_exercise.json", "fitbit_exercise_json"),
        ("fitbit_Daily Heart Rate Variability Summary - 2024-03-(30).csv", "fitbit_hrv_csv"),
        ("oura_sleepmodel.csv", "oura_sleep_csv"),
        ("oura_dailyactivity.csv", "oura_activity_csv"),
    ],
)
def test_detected_by_content(name, fmt):
    assert detect_format("renamed.dat", load(name)) == fmt


def test_garmin_sleep_json_gmt_times_and_scores():
    sleep = read_bytes("s.json", load("garmin_sleepData.json")).tables["sleep"]
    first = sleep.iloc[0]
    assert first["night"] == dt.date(2024, 3, 31)
    assert first["start_utc"] == pd.Timestamp("2024-03-30 22:10", tz="UTC")
    assert (first["deep_min"], first["light_min"], first["rem_min"], first["awake_min"]) == (
        80,
        240,
        90,
        25,
    )
    assert first["asleep_min"] == 410 and first["in_bed_min"] == 435
    assert list(sleep["score"]) == [81.0, 70.0]  # plain number and {"value": n}


def test_garmin_daily_json_missing_conventions():
    wellness = read_bytes("u.json", load("garmin_UDSFile.json")).tables["wellness"]
    assert wellness.loc[0, "stress_avg"] == 31 and wellness.loc[0, "active_min"] == 55
    assert pd.isna(wellness.loc[1, "resting_hr_bpm"])  # 0 = no data
    assert pd.isna(wellness.loc[1, "stress_avg"])  # -1 = not enough data


def test_garmin_json_impossible_value_named():
    records = json.loads(load("garmin_sleepData.json"))
    records[1]["deepSleepSeconds"] = -600
    with pytest.raises(ImportFileError) as info:
        read_bytes("x_sleepData.json", json.dumps(records).encode())
    assert "x_sleepData.json (row 2, column 'deepSleepSeconds')" in str(info.value)
    assert "-600" in str(info.value)


def test_fitbit_sleep_main_sleep_and_stages_across_dst():
    bundle = read_bytes("sleep.json", load("fitbit_sleep.json"), timezone="Europe/Berlin")
    sleep, stages = bundle.tables["sleep"], bundle.tables["sleep_stages"]
    assert len(sleep) == 1  # the nap (mainSleep false) is not a night
    night = sleep.iloc[0]
    assert night["night"] == dt.date(2024, 3, 31)
    # 23:30 CET to 07:00 CEST: 6 h 30 min of real time.
    assert night["end_utc"] - night["start_utc"] == pd.Timedelta(hours=6, minutes=30)
    assert (night["deep_min"], night["rem_min"], night["awake_min"]) == (60, 85, 45)
    assert list(stages["stage"]) == ["awake", "light", "deep", "rem"]
    assert stages.iloc[3]["start_utc"] == pd.Timestamp("2024-03-31 01:35", tz="UTC")  # 03:35 CEST


def test_fitbit_needs_time_zone_and_reports_dst_gap():
    with pytest.raises(ImportFileError, match="time zone"):
        read_bytes("sleep.json", load("fitbit_sleep.json"))
    text = load("fitbit_exercise.json").decode().replace("03/31/24 09:30:00", "03/31/24 02:30:00")
    with pytest.raises(
        ImportFileError, match=r"row 2, column 'startTime': '03/31/24 02:30:00'.*daylight"
    ):
        read_bytes("exercise.json", text.encode(), timezone="Europe/Berlin")


def test_fitbit_exercise_units():
    acts = read_bytes(
        "exercise-0.json", load("fitbit_exercise.json"), timezone="Europe/Berlin"
    ).tables["activities"]
    run = acts.iloc[0]
    assert run["sport"] == "running" and run["start_utc"] == pd.Timestamp(
        "2024-03-30 17:00", tz="UTC"
    )
    assert (
        run["duration_s"] == 2700
        and run["moving_s"] == 2640
        and run["distance_m"] == pytest.approx(8200)
    )
    assert acts.iloc[1]["utc_offset_s"] == 7200  # CEST after the change


def test_fitbit_heart_rate_resting_and_hrv_to_wellness():
    hr = read_bytes("hr.json", load("fitbit_heart_rate.json")).tables["wellness"].set_index("date")
    assert (
        hr.loc[dt.date(2024, 3, 30), "avg_heart_rate_bpm"] == 110
        and hr.loc[dt.date(2024, 3, 30), "max_heart_rate_bpm"] == 162
    )
    resting = read_bytes("r.json", load("fitbit_resting_heart_rate.json")).tables["wellness"]
    assert list(resting["resting_hr_bpm"]) == [54.3]  # value 0 is "no data", not a row
    hrv = read_bytes(
        "h.csv", load("fitbit_Daily Heart Rate Variability Summary - 2024-03-(30).csv")
    ).tables["wellness"]
    assert list(hrv["hrv_rmssd_ms"]) == [41.2, 38.5]


def test_fitbit_heart_rate_900_refused_then_skipped():
    records = json.loads(load("fitbit_heart_rate.json"))
    records[1]["value"]["bpm"] = 900
    data = json.dumps(records).encode()
    with pytest.raises(
        ImportFileError, match=r"row 2, column 'value.bpm': '900' \(expected heart_rate_bpm"
    ):
        read_bytes("hr.json", data)
    bundle = read_bytes("hr.json", data, valid_rows_only=True)
    assert (
        bundle.tables["wellness"].set_index("date").loc[dt.date(2024, 3, 30), "max_heart_rate_bpm"]
        == 58
    )
    assert "skipped 1 of 3 rows" in bundle.warnings[0]


def test_oura_sleep_semicolon_json_cells_and_phases():
    bundle = read_bytes("sleepmodel.csv", load("oura_sleepmodel.csv"))
    sleep, stages, wellness = (bundle.tables[k] for k in ("sleep", "sleep_stages", "wellness"))
    assert len(sleep) == 1  # the late nap is not a night
    night = sleep.iloc[0]
    assert night["night"] == dt.date(2024, 3, 31)
    assert night["start_utc"] == pd.Timestamp("2024-03-30 22:10", tz="UTC")
    assert night["asleep_min"] == 410 and night["deep_min"] == 90
    assert list(stages["stage"]) == ["awake", "light", "deep", "rem"]
    assert stages.iloc[-1]["end_utc"] - stages.iloc[0]["start_utc"] == pd.Timedelta(minutes=60)
    assert (wellness.iloc[0]["resting_hr_bpm"], wellness.iloc[0]["hrv_rmssd_ms"]) == (47, 61)


def test_oura_time_without_offset_is_a_problem():
    text = (
        load("oura_sleepmodel.csv")
        .decode()
        .replace("2024-03-31T07:10:00.000+02:00", "2024-03-31T07:10:00")
    )
    with pytest.raises(ImportFileError, match=r"row 1, column 'bedtime_end'.*UTC offset"):
        read_bytes("sleepmodel.csv", text.encode())


def test_oura_daily_activity():
    wellness = read_bytes("dailyactivity.csv", load("oura_dailyactivity.csv")).tables["wellness"]
    assert (wellness.loc[0, "steps"], wellness.loc[0, "active_min"]) == (11200, 70)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "calendarDate",
        "sleepStartTimestampGMT",
        "sleepEndTimestampGMT",
        "deepSleepSeconds",
        "totalSteps",
        "restingHeartRate",
        "logId",
        "dateOfSleep",
        "startTime",
        "endTime",
        "activityName",
        "dateTime",
        "value",
        "levels",
        "mainSleep",
        "duration",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(keys, json_values, max_size=8), max_size=5))
@example(
    [
        {"sleepStartTimestampGMT": None, "logId": None, "dateOfSleep": None, "startTime": None},
        {"endTime": None, "sleepEndTimestampGMT": None, "deepSleepSeconds": None, "levels": True},
    ]
)
@example([{"calendarDate": "2024-01-01", "totalSteps": 1, "allDayStress": [1, 2]}])
def test_fuzzed_json_exports_read_or_raise_import_errors(records):
    data = json.dumps(records).encode()
    fmt = detect_format("fuzz.json", data)
    try:
        bundle = read_bytes("fuzz.json", data, timezone="Europe/Berlin", valid_rows_only=True)
    except ImportFileError:
        return
    assert bundle.format == fmt
