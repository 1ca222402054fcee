"""Canonical tables from FIT files: read_fit_bundle and canonical_tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.io.fit import read_fit
from analyzer.io.fit_tables import read_fit_bundle
from analyzer.schema import TABLES

DATA = Path(__file__).parent / "data"


def _bundle(name: str, folder: Path = DATA):
    path = folder / name
    return read_fit_bundle(path.read_bytes(), name)


def test_fit_bundle_activity_tables_have_canonical_columns():
    bundle = _bundle("activity_hr_fenix2_run.fit")
    assert bundle.format == "fit"
    for name, frame in bundle.tables.items():
        assert list(frame.columns) == list(TABLES[name]), name
    activity = bundle.tables["activities"].iloc[0]
    assert activity["activity_id"] == f"{bundle.source_sha256[:16]}-0"
    assert activity["sport"] == "running"
    assert activity["utc_offset_s"] == 7200.0  # local_timestamp 17:32:46 vs UTC 15:32:46
    assert activity["duration_s"] == pytest.approx(2832.0)
    samples = bundle.tables["samples"]
    assert len(samples) == 2809
    assert str(samples["t_utc"].dtype) == "datetime64[ns, UTC]"
    assert samples["heart_rate_bpm"].dropna().between(40, 220).all()
    assert samples["latitude_deg"].dropna().between(-90, 90).all()


def test_fit_bundle_multisport_has_one_activity_per_session():
    bundle = _bundle("activity_multisport_fenix2_large.fit")
    activities = bundle.tables["activities"]
    assert len(activities) == 7
    assert activities["activity_id"].is_unique
    samples = bundle.tables["samples"]
    assert set(samples["activity_id"]) <= set(activities["activity_id"])
    # a sample after the first session start belongs to the last session started before it
    start = samples["activity_id"].map(activities.set_index("activity_id")["start_utc"])
    later = samples["t_utc"] >= activities["start_utc"].min()
    assert (samples.loc[later, "t_utc"] >= start[later]).all()
    assert samples["activity_id"].nunique() == 7


def test_fit_bundle_rr_intervals_from_hrv_messages():
    bundle = _bundle("activity_hr_hrv_fenix5_run.fit")
    rr = bundle.tables["rr_intervals"]
    fit = read_fit(DATA / "activity_hr_hrv_fenix5_run.fit")
    flat = [v for t in fit.messages("hrv")["time"] for v in t if v is not None]
    assert len(rr) == len(flat)
    assert np.allclose(rr["rr_s"].to_numpy(), flat)
    assert rr["t_utc"].is_monotonic_increasing
    session_start = bundle.tables["activities"]["start_utc"].iloc[0]
    assert rr["t_utc"].iloc[0] >= session_start


def test_fit_bundle_truncated_recording_gets_an_activity_from_records():
    bundle = _bundle("truncated_unterminated_nick.fit")
    assert len(bundle.tables["activities"]) == 1
    assert len(bundle.tables["samples"]) == 14391
    assert any("no session message" in w for w in bundle.warnings)
    assert any("kept the messages before it" in w for w in bundle.warnings)


def test_fit_bundle_sleep_file(samples_dir):
    bundle = _bundle("sleep_garmin_1.fit", samples_dir / "fit")
    assert "activities" not in bundle.tables
    stages = bundle.tables["sleep_stages"]
    assert len(stages) == 26
    assert set(stages["stage"]) <= {"awake", "light", "deep", "rem", "unmeasurable"}
    sleep = bundle.tables["sleep"].iloc[0]
    assert sleep["score"] == 89.0
    assert sleep["awakenings"] == 1.0
    total = sleep["deep_min"] + sleep["light_min"] + sleep["rem_min"] + sleep["awake_min"]
    # the window opens with the sleep "start" event, 3 minutes before the first level
    assert total == pytest.approx(sleep["in_bed_min"] - 3.0)
    assert sleep["asleep_min"] == pytest.approx(
        sleep["deep_min"] + sleep["light_min"] + sleep["rem_min"]
    )


def test_fit_bundle_wellness_files(samples_dir):
    wellness = _bundle("monitoring_wellness_stress_rr.fit", samples_dir / "fit").tables["wellness"]
    # two monitoring_hr_data messages, 09:39 and 22:00 UTC = two local (UTC+2) dates
    assert wellness["resting_hr_bpm"].dropna().tolist() == [35.0, 35.0]
    assert wellness["stress_avg"].dropna().between(0, 100).all()
    assert (wellness["steps"].dropna() > 0).all()
    hrv = _bundle("hrv_status_garmin_1.fit", samples_dir / "fit").tables["wellness"]
    assert hrv["hrv_rmssd_ms"].tolist() == [92.0]  # hrv_status_summary.last_night_average
    assert str(hrv["date"].iloc[0]) == "2023-09-27"
