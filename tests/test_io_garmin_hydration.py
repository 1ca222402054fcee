"""Garmin HydrationLogFile_*.json into the daily log (a sample written as the export writes it).

No real Garmin hydration file is available to the project; the entries below
follow the format that independent public parsers of real exports agree on
(calendarDate, valueInML, hydrationSource, estimated/measuredSweatLossInML,
activityId, duration, timestampLocal, persistedTimestampGMT, uuid).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analyzer.errors import CsvImportError
from analyzer.io.registry import detect_format, read_bytes


def _drink(date: str, ml: float, hour: int = 9) -> dict:
    return {
        "userProfilePK": 12345678,
        "calendarDate": date,
        "valueInML": ml,
        "hydrationSource": "MANUAL",
        "timestampLocal": f"{date}T{hour:02d}:15:00.0",
        "persistedTimestampGMT": f"{date}T{hour - 2:02d}:15:03.0",
        "capped": False,
        "uuid": {"uuid": f"{date}-{hour}-{ml}"},
    }


def _activity(date: str, sweat_ml: float, measured: float | None = None) -> dict:
    entry = {
        "userProfilePK": 12345678,
        "calendarDate": date,
        "valueInML": 0.0,
        "hydrationSource": "GARMIN_ACTIVITY",
        "estimatedSweatLossInML": sweat_ml,
        "activityId": 17362854123,
        "duration": 4210.5,
        "timestampLocal": f"{date}T19:30:30.0",
        "persistedTimestampGMT": f"{date}T17:30:31.0",
        "capped": False,
        "uuid": {"uuid": f"{date}-activity"},
    }
    if measured is not None:
        entry["measuredSweatLossInML"] = measured
    return entry


def _file(*entries: dict) -> bytes:
    return json.dumps(list(entries), indent=2).encode()


def test_drinks_sum_to_the_days_fluid_and_activities_give_its_sweat_loss():
    data = _file(
        _drink("2025-10-12", 500.0, 8),
        _drink("2025-10-12", 750.0, 13),
        _activity("2025-10-12", 910.0),
        _activity("2025-10-13", 640.0, measured=700.0),
        _drink("2025-10-14", 250.0),
        _drink("2025-10-14", -250.0),  # an entry removed again
    )
    assert detect_format("HydrationLogFile_2025-10-01_2025-11-01.json", data) == (
        "garmin_hydration_json"
    )
    bundle = read_bytes("HydrationLogFile_2025-10-01_2025-11-01.json", data)
    log = bundle.tables["daily_log"].set_index("date")
    assert log.loc[dt.date(2025, 10, 12), "fluid_l"] == pytest.approx(1.25)
    assert log.loc[dt.date(2025, 10, 12), "sweat_loss_l"] == pytest.approx(0.91)
    # An activity alone is no drink: the 13th has a sweat loss (measured wins), no fluid logged.
    assert log.loc[dt.date(2025, 10, 13), "sweat_loss_l"] == pytest.approx(0.7)
    assert log["fluid_l"].isna().tolist() == [False, True, False]
    assert log.loc[dt.date(2025, 10, 14), "fluid_l"] == 0.0
    assert (log["source"] == "garmin_hydration").all()


def test_an_impossible_day_is_refused_naming_the_entry_and_the_total():
    data = _file(_drink("2025-10-12", 500.0), _drink("2025-10-13", 25000.0))
    with pytest.raises(CsvImportError, match=r"row 2, column 'fluid_l': '25 L on 2025-10-13'"):
        read_bytes("h.json", data)
    bundle = read_bytes("h.json", data, valid_rows_only=True)
    assert bundle.tables["daily_log"]["date"].tolist() == [dt.date(2025, 10, 12)]
    assert bundle.warnings


def test_an_entry_without_a_date_is_refused():
    entry = _drink("2025-10-12", 500.0)
    entry["calendarDate"] = None
    with pytest.raises(CsvImportError, match="calendarDate"):
        read_bytes("h.json", _file(entry, _drink("2025-10-13", 300.0)))


def test_the_daily_summary_file_is_not_taken_for_a_hydration_log():
    uds = json.dumps([{"calendarDate": "2025-10-12", "totalSteps": 9000, "hydration": {}}])
    assert detect_format("UDSFile.json", uds.encode()) == "garmin_daily_json"
