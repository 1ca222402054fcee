"""Activity lists without samples: Garmin Connect CSV, Strava activities.csv, WHOOP workouts."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.errors import CsvImportError
from analyzer.io.registry import detect_format, read_bytes
from tests.helpers.paths import TEST_DATA

EXPORTS = TEST_DATA / "exports"


def fixture(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


# --- real samples -----------------------------------------------------------------------------


def test_real_garmin_connect_list(samples_dir):
    data = (samples_dir / "exports" / "garmin_connect" / "Activities.csv").read_bytes()
    assert detect_format("whatever.txt", data) == "garmin_connect_csv"
    bundle = read_bytes("Activities.csv", data, timezone="Europe/London")
    acts = bundle.tables["activities"]
    assert len(acts) == 20 and bundle.warnings == []
    first = acts.iloc[0]
    assert first["sport"] == "hiking"
    assert first["start_utc"] == pd.Timestamp("2022-12-21 10:40:56", tz="UTC")  # GMT in December
    assert first["distance_m"] == pytest.approx(6300.0)
    assert first["duration_s"] == 5563.0 and first["moving_s"] == 4959.0  # 01:32:43 and 01:22:39
    assert first["avg_heart_rate_bpm"] == 99.0 and first["energy_kcal"] == 472.0
    assert acts.loc[1, "sub_sport"] == "mountain"
    assert (acts["source_format"] == "garmin_connect_csv").all()
    assert acts["activity_id"].is_unique


def test_real_strava_activities_read_by_position(samples_dir):
    data = (samples_dir / "exports" / "strava" / "activities.csv").read_bytes()
    assert detect_format("x", data) == "strava_activities_csv"
    acts = read_bytes("activities.csv", data).tables["activities"]
    assert len(acts) == 20
    first = acts.iloc[0]
    # Second 'Distance' (metres), not the first (km: 2.43).
    assert first["distance_m"] == pytest.approx(2432.77, abs=0.01)
    assert first["duration_s"] == 979.0 and first["moving_s"] == 971.0
    assert first["max_heart_rate_bpm"] == 177.0  # first copy fills the empty second one
    assert first["start_utc"] == pd.Timestamp("2022-10-06 23:19:20", tz="UTC")
    assert first["avg_speed_mps"] == pytest.approx(2.5054, abs=1e-4)
    assert set(acts["sport"]) <= {"running", "walking"}


def test_real_whoop_workouts(samples_dir):
    data = (samples_dir / "exports" / "whoop" / "workouts.csv").read_bytes()
    assert detect_format("x", data) == "whoop_workouts_csv"
    acts = read_bytes("workouts.csv", data).tables["activities"]
    assert len(acts) == 20
    first = acts.iloc[0]
    # 2024-06-24 08:08:18 at UTC-04:00.
    assert first["start_utc"] == pd.Timestamp("2024-06-24 12:08:18", tz="UTC")
    assert first["utc_offset_s"] == -4 * 3600
    assert first["duration_s"] == 21 * 60 + 18
    assert first["distance_m"] == pytest.approx(4068.88)
    assert acts.loc[1, "utc_offset_s"] == 3600  # the athlete travelled: UTC+01:00


# --- own fixtures -------------------------------------------------------------------------------


def test_garmin_decimal_comma_thousands_dots_and_missing_tokens():
    acts = read_bytes(
        "de.csv", fixture("garmin_connect_decimal_comma.csv"), timezone="Europe/Berlin"
    ).tables["activities"]
    run, swim, ride = (acts.iloc[i] for i in range(3))
    assert run["distance_m"] == pytest.approx(10520.0)
    assert run["start_utc"] == pd.Timestamp(
        "2024-03-30 17:05", tz="UTC"
    )  # CET, the night before the change
    assert run["utc_offset_s"] == 3600
    assert pd.isna(run["avg_power_w"])  # "--"
    assert swim["sport"] == "swimming" and swim["distance_m"] == pytest.approx(
        1500.0
    )  # metres for swims
    assert pd.isna(swim["avg_heart_rate_bpm"])  # "0" = no sensor
    assert ride["energy_kcal"] == 1020.0 and ride["avg_cadence_rpm"] == 88.0
    assert ride["avg_speed_mps"] == pytest.approx(45300.0 / 5400.0)


def test_garmin_bad_rows_named_and_valid_rows_only():
    data = fixture("garmin_connect_bad_rows.csv")
    with pytest.raises(CsvImportError) as info:
        read_bytes("list.csv", data, timezone="Europe/Berlin")
    message = str(info.value)
    assert "list.csv" in message
    assert "row 1, column 'Date': '2024-03-31 02:30:00'" in message and "daylight-saving" in message
    assert (
        "row 1, column 'Avg HR': '900' (expected avg_heart_rate_bpm between 20 and 260 bpm)"
        in message
    )
    assert "row 2, column 'Elapsed Time': '-00:30:00'" in message
    bundle = read_bytes("list.csv", data, timezone="Europe/Berlin", valid_rows_only=True)
    assert len(bundle.tables["activities"]) == 1
    assert "skipped 2 of 3 rows" in bundle.warnings[0]


def test_garmin_needs_the_athlete_time_zone():
    with pytest.raises(CsvImportError, match="time zone"):
        read_bytes("de.csv", fixture("garmin_connect_decimal_comma.csv"))


def test_garmin_missing_date_column_is_wrong_columns():
    data = b"Activity Type,Title,Distance,Calories,Time\nRunning,x,1,2,00:10:00\n"
    assert detect_format("x", data) is None  # no Date: not recognised as the Garmin list
    with pytest.raises(CsvImportError, match="missing column"):
        read_bytes("x.csv", data, timezone="UTC", format="garmin_connect_csv")


def test_whoop_zone_column_in_iana_and_gmt_forms():
    acts = read_bytes("w.csv", fixture("whoop_workouts_zones.csv")).tables["activities"]
    assert list(acts["start_utc"]) == [
        pd.Timestamp("2024-11-03 14:00", tz="UTC"),  # New York, EST after the change that night
        pd.Timestamp("2024-11-02 13:00", tz="UTC"),  # GMT-4
        pd.Timestamp("2024-11-02 17:00", tz="UTC"),  # UTC+01:00
    ]
    assert acts.loc[0, "duration_s"] == 3600.0


def test_strava_fixture_with_duplicate_columns_and_bad_heart_rate():
    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
        "Max Heart Rate,Elapsed Time,Moving Time,Distance,Average Speed,Max Heart Rate,"
        "Average Heart Rate"
    )
    rows = [
        '1,"Mar 31, 2024, 1:30:00 AM",Night,Run,1800,5.1,170,1800.0,1750.0,5100.0,2.9,,150',
        '2,"Apr 1, 2024, 6:00:00 PM",Ride,Ride,3600,30.0,900,3600.0,3500.0,30000.0,8.5,,140',
    ]
    data = "\n".join([header, *rows]).encode()
    with pytest.raises(CsvImportError, match=r"row 2, column 'Max Heart Rate': '900'"):
        read_bytes("strava.csv", data)
    acts = read_bytes("strava.csv", data, valid_rows_only=True).tables["activities"]
    # 01:30 UTC exists (Strava dates are UTC), whatever the athlete's zone.
    assert list(acts["start_utc"]) == [pd.Timestamp("2024-03-31 01:30", tz="UTC")]
    assert acts.loc[0, "distance_m"] == 5100.0
