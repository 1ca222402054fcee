"""The library with the real readers on real FIT files (shared samples; skipped without them)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from analyzer.io.registry import read_bytes
from analyzer.store import Library

RUN = "activity_hr_fenix2_run.fit"
RIDE = "activity_hr_edge500_ride.fit"
HRV_RUN = "activity_devfields_hrv_running.fit"


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite")
    library.create_athlete("sam", timezone="Europe/Berlin")
    yield library
    library.close()


def test_streams_come_back_as_the_reader_gave_them(lib, samples_dir):
    data = (samples_dir / "fit" / RUN).read_bytes()
    bundle = read_bytes(RUN, data, timezone="Europe/Berlin")
    result = lib.import_file("sam", RUN, data)
    assert result.status == "imported", result.message
    stored = lib.activities("sam")
    assert len(stored) == len(bundle.tables["activities"])
    activity_id = stored["activity_id"].iloc[0]
    expected = bundle.tables["samples"]
    expected = expected[expected["activity_id"] == activity_id].sort_values("t_utc", kind="stable")
    pd.testing.assert_frame_equal(lib.samples(activity_id), expected.reset_index(drop=True))
    assert len(lib.laps(activity_id)) == len(bundle.tables["laps"])
    assert lib.kept_file(result.sha256) == data


def test_rr_intervals_are_stored_with_their_session(lib, samples_dir):
    data = (samples_dir / "fit" / HRV_RUN).read_bytes()
    bundle = read_bytes(HRV_RUN, data)
    lib.import_file("sam", HRV_RUN, data)
    activity_id = lib.activities("sam")["activity_id"].iloc[0]
    rr = lib.rr_intervals("sam", activity_id=activity_id)
    expected = bundle.tables["rr_intervals"]
    assert len(rr) == len(expected) > 1000
    assert rr["rr_s"].sum() == pytest.approx(expected["rr_s"].sum())


def test_zip_of_real_files_then_duplicates(lib, samples_dir, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in (RUN, RIDE):
            zf.write(samples_dir / "fit" / name, f"garmin/{name}")
    results = lib.import_paths("sam", [archive])
    assert [r.status for r in results] == ["imported", "imported"]
    assert len(lib.activities("sam")) == 2
    again = lib.import_paths("sam", [samples_dir / "fit" / RUN])
    assert [r.status for r in again] == ["duplicate"]
    assert lib.integrity_check() == "ok"
