"""Garmin daily files of newer devices (staged sleep, HRV status, wellness) through the library."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer import pipeline
from analyzer.store.library import Library

FILES = ("sleep_garmin_1.fit", "hrv_status_garmin_1.fit", "monitoring_wellness_stress_rr.fit")


@pytest.fixture
def library(samples_dir, tmp_path):
    lib = Library(tmp_path / "lib.sqlite")
    lib.create_athlete("ann", "Ann", timezone="Europe/Berlin")
    results = lib.import_paths("ann", [samples_dir / "fit" / name for name in reversed(FILES)])
    assert all(r.status == "imported" for r in results)
    return lib


def test_staged_night_with_vendor_scores(library):
    nights = library.sleep("ann")
    assert len(nights) == 1
    night = nights.iloc[0]
    assert night["night"] == dt.date(2023, 9, 27)  # UTC+2 from sleep_data_info: wake 07:32 local
    assert night["score"] == 89.0 and night["awakenings"] == 1.0  # sleep_assessment
    staged = night["deep_min"] + night["light_min"] + night["rem_min"]
    assert staged == pytest.approx(night["asleep_min"])
    assert night["asleep_min"] + night["awake_min"] == pytest.approx(night["in_bed_min"])
    stages = library.sleep_stages("ann")
    assert (stages["night"] == dt.date(2023, 9, 27)).sum() >= 24


def test_days_get_resting_hr_hrv_stress_and_steps(library):
    days = library.wellness("ann").set_index("date")
    assert (
        days.loc[dt.date(2023, 9, 27), "hrv_rmssd_ms"] == 92.0
    )  # hrv_status_summary.last_night_average
    assert days["resting_hr_bpm"].dropna().tolist() == [35.0, 35.0]
    assert days["stress_avg"].dropna().between(0, 100).all()
    assert days.loc[dt.date(2023, 9, 26), "steps"] > 0
    # The indicators' daily table sees them with no extra step.
    daily = pipeline.daily_table(library, "ann", pipeline.session_table(library, "ann"))
    day = daily.set_index("date").loc[dt.date(2023, 9, 27)]
    assert day["sleep_asleep_min"] == pytest.approx(407.0)
    assert day["hrv_rmssd_ms"] == 92.0
