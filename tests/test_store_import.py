"""Importing into the library: statuses, atomicity, duplicates and the same-session rule."""

from __future__ import annotations

import datetime as dt
import zipfile

import numpy as np
import pandas as pd
import pytest

from analyzer import pipeline
from analyzer.errors import LibraryError
from tests.helpers.store_files import cramp_file, encode, json_reader, session_file, sha


def _count(lib, sql, *params):
    return lib.connection.execute(sql, params).fetchone()[0]


def test_import_stores_rows_bytes_and_history(lib):
    data = session_file("2026-03-01T08:00:00Z", 1800, 120)
    result = lib.import_file("anna", "run.fit", data)
    assert result.status == "imported"
    assert result.counts == {"activities": 1, "samples": 120}
    assert lib.kept_file(sha(data)) == data
    history = lib.imports("anna")
    assert list(history["status"]) == ["imported"]
    assert history["size_bytes"].iloc[0] == len(data)
    assert lib.activities("anna")["start_utc"].iloc[0] == pd.Timestamp("2026-03-01T08:00:00Z")


def test_samples_read_back_exactly(lib):
    data = session_file("2026-03-01T08:00:00Z", 1800, 300)
    lib.import_file("anna", "run.fit", data)
    activity_id = lib.activities("anna")["activity_id"].iloc[0]
    expected = json_reader("x", data).tables["samples"]
    got = lib.samples(activity_id)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected)


def test_reimport_is_duplicate_and_changes_nothing(lib):
    data = session_file("2026-03-01T08:00:00Z", 1800, 60)
    lib.import_file("anna", "run.fit", data)
    version = lib.content_version()
    result = lib.import_file("anna", "copy-of-run.fit", data)
    assert result.status == "duplicate"
    assert lib.content_version() == version
    assert len(lib.imports("anna")) == 1
    assert len(lib.activities("anna")) == 1


def test_failed_file_leaves_only_its_history_row(lib):
    result = lib.import_file("anna", "bad.csv", encode({"fail": "column 'muscle' is missing"}))
    assert result.status == "failed"
    assert "bad.csv" in result.message and "muscle" in result.message
    history = lib.imports("anna")
    assert list(history["status"]) == ["failed"]
    assert _count(lib, "SELECT COUNT(*) FROM files") == 0
    # A failed file may be tried again (a later reader may read it).
    assert (
        lib.import_file("anna", "bad.csv", encode({"fail": "column 'muscle' is missing"})).status
        == "failed"
    )


def test_file_that_breaks_while_writing_is_rolled_back(lib):
    # The second session has no start time: the writer refuses it after the first one was written.
    doc = {
        "tables": {
            "activities": [
                {"activity_id": "ok-1", "start_utc": "2026-03-01T08:00:00Z", "duration_s": 60},
                {"activity_id": "bad-2", "start_utc": None, "duration_s": 60},
            ],
            "cramps": [{"start_utc": "2026-03-01T08:00:30Z", "muscle": "calf"}],
        }
    }
    result = lib.import_file("anna", "half.json", encode(doc))
    assert result.status == "failed"
    assert lib.activities("anna").empty
    assert lib.cramps("anna").empty
    assert _count(lib, "SELECT COUNT(*) FROM files") == 0


def test_warnings_make_a_partial_import(lib):
    doc = {
        "tables": {"cramps": [{"start_utc": "2026-03-01T08:00:00Z", "muscle": "calf"}]},
        "warnings": ["row 3: severity 14 is outside 0-10; row skipped"],
    }
    result = lib.import_file("anna", "log.csv", encode(doc))
    assert result.status == "partial"
    assert "severity 14" in result.message
    assert len(lib.cramps("anna")) == 1


def test_same_bytes_for_another_athlete_fail_with_a_reason(lib):
    lib.create_athlete("ben")
    data = session_file("2026-03-01T08:00:00Z", 1800)
    lib.import_file("anna", "run.fit", data)
    result = lib.import_file("ben", "run.fit", data)
    assert result.status == "failed" and "'anna'" in result.message
    assert lib.activities("ben").empty


def test_unknown_athlete_is_an_error(lib):
    with pytest.raises(LibraryError, match="nobody"):
        lib.import_file("nobody", "x.fit", b"{}")


def test_csv_row_then_fit_file_keeps_the_fit_session(lib):
    csv_row = session_file("2026-03-01T08:00:00Z", 3600, fmt="strava_csv", rpe=7.0)
    fit = session_file("2026-03-01T08:01:10Z", 3400, 200)
    lib.import_file("anna", "activities.csv", csv_row)
    result = lib.import_file("anna", "run.fit", fit)
    sessions = lib.activities("anna")
    assert len(sessions) == 1
    kept = sessions.iloc[0]
    assert kept["source_sha256"] == sha(fit)
    assert kept["rpe"] == 7.0  # filled from the dropped CSV row
    assert "replaced" in result.message
    dropped = lib.session_duplicates("anna")
    assert list(dropped["kept_activity_id"]) == [kept["activity_id"]]


def test_fit_file_then_csv_row_keeps_the_fit_session(lib):
    fit = session_file("2026-03-01T08:00:00Z", 3600, 200)
    csv_row = session_file("2026-03-01T07:59:00Z", 3500, fmt="garmin_csv", device="Forerunner")
    lib.import_file("anna", "run.fit", fit)
    result = lib.import_file("anna", "activities.csv", csv_row)
    assert result.status == "imported"
    assert "already stored" in result.message
    sessions = lib.activities("anna")
    assert list(sessions["source_sha256"]) == [sha(fit)]
    assert sessions["device"].iloc[0] == "Forerunner"
    assert lib.samples(sessions["activity_id"].iloc[0]).shape[0] == 200


@pytest.mark.parametrize(
    ("start", "duration_s"),
    [
        ("2026-03-01T08:02:01Z", 3600),  # start 121 s apart
        ("2026-03-01T08:00:00Z", 3200),
    ],  # duration 11 % shorter
)
def test_sessions_outside_the_rule_are_both_kept(lib, start, duration_s):
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 50))
    lib.import_file("anna", "b.csv", session_file(start, duration_s, fmt="strava_csv"))
    assert len(lib.activities("anna")) == 2


def test_zip_and_folder_import_with_progress(lib, tmp_path):
    folder = tmp_path / "export"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "one.json").write_bytes(session_file("2026-03-01T08:00:00Z", 600, 10))
    (folder / ".hidden").write_bytes(b"not a data file")
    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/two.json", session_file("2026-03-02T08:00:00Z", 600, 10))
        zf.writestr(
            "three.json", cramp_file({"start_utc": "2026-03-02T08:05:00Z", "muscle": "calf"})
        )
    seen = []
    results = lib.import_paths(
        "anna", [folder, archive], progress=lambda d, t, r: seen.append((d, t))
    )
    assert [r.status for r in results] == ["imported"] * 3
    assert results[1].name.endswith("more.zip/a/two.json")
    assert seen == [(1, 2), (2, 2), (3, 3)]
    assert lib.cramps("anna")["activity_id"].notna().all()


def test_damaged_zip_is_reported_failed(lib, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + bytes(100))
    results = lib.import_paths("anna", [broken])
    assert [r.status for r in results] == ["failed"]
    assert "broken.zip" in results[0].message


def test_day_tables_merge_overlapping_exports(lib):
    first = encode(
        {
            "tables": {
                "wellness": [{"date": "2026-03-01", "resting_hr_bpm": 48, "source": "garmin"}],
                "sleep": [{"night": "2026-03-01", "asleep_min": 420, "source": "garmin"}],
            }
        }
    )
    second = encode(
        {
            "tables": {
                "wellness": [{"date": "2026-03-01", "steps": 9000, "source": "garmin"}],
                "sleep": [{"night": "2026-03-01", "asleep_min": 415, "source": "garmin"}],
            }
        }
    )
    lib.import_file("anna", "w1.json", first)
    lib.import_file("anna", "w2.json", second)
    wellness = lib.wellness("anna")
    assert len(wellness) == 1
    assert wellness[["resting_hr_bpm", "steps"]].iloc[0].tolist() == [48.0, 9000.0]
    assert lib.sleep("anna")["asleep_min"].tolist() == [415.0]


def test_cramp_logs_overlapping_store_each_cramp_once(lib):
    c1 = {"start_utc": "2026-03-01T08:00:00Z", "muscle": "calf", "side": "left"}
    c2 = {
        "start_utc": "2026-03-05T03:00:00Z",
        "muscle": "calf",
        "side": "right",
        "context": "night",
    }
    lib.import_file("anna", "log-march.csv", cramp_file(c1))
    lib.import_file("anna", "log-all.csv", cramp_file({**c1, "severity_0_10": 6}, c2))
    cramps = lib.cramps("anna")
    assert len(cramps) == 2
    assert cramps["severity_0_10"].iloc[0] == 6.0


def test_daily_table_counts_rest_days_and_keeps_missing_sleep(lib):
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    lib.import_file("anna", "b.fit", session_file("2026-03-03T22:30:00Z", 1800, 10))  # 23:30 Berlin
    lib.import_file(
        "anna",
        "s.json",
        encode({"tables": {"sleep": [{"night": "2026-03-02", "asleep_min": 400, "source": "x"}]}}),
    )
    daily = pipeline.daily_table(lib, "anna", pipeline.session_table(lib, "anna"))
    assert [str(d) for d in daily["date"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert daily["session_count"].tolist() == [1, 0, 1]
    assert daily["duration_s"].tolist() == [3600.0, 0.0, 1800.0]
    assert np.isnan(daily["sleep_asleep_min"].iloc[0])
    assert daily["sleep_asleep_min"].iloc[1] == 400.0
    assert daily["coverage"].tolist() == ["activity", "sleep", "activity"]


def test_undated_night_gets_its_local_wake_date(lib):
    sleep = {
        "start_utc": "2026-03-01T21:30:00Z",
        "end_utc": "2026-03-01T23:30:00Z",
        "asleep_min": 110,
    }
    lib.import_file("anna", "nap.json", encode({"tables": {"sleep": [sleep]}}))
    # Wakes at 00:30 Berlin time: the night of 2 March.
    assert lib.sleep("anna")["night"].tolist() == [dt.date(2026, 3, 2)]


def test_file_that_vanished_after_listing_fails_alone(lib, tmp_path):
    from analyzer.store import ImportJob

    folder = tmp_path / "export"
    folder.mkdir()
    gone = folder / "a_gone.json"
    gone.write_bytes(session_file("2026-03-01T07:00:00Z", 600))
    good = folder / "b_good.json"
    good.write_bytes(session_file("2026-03-01T08:00:00Z", 600))
    job = ImportJob(lib, "anna").add_paths([folder])  # the folder is listed here
    gone.unlink()
    results = job.run().results
    assert [r.status for r in results] == ["failed", "imported"]
    assert "cannot be read" in results[0].message


def test_every_read_is_a_canonical_table(lib):
    from analyzer.schema import conform

    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 20))
    lib.import_file(
        "anna", "c.json", cramp_file({"start_utc": "2026-03-01T08:05:00Z", "muscle": "calf"})
    )
    lib.import_file(
        "anna",
        "d.json",
        encode(
            {
                "tables": {
                    "sleep": [{"night": "2026-03-02", "asleep_min": 400}],
                    "wellness": [{"date": "2026-03-02", "steps": 1000}],
                    "medications": [
                        {"name": "magnesium", "kind": "supplement", "start_date": "2026-01-01"}
                    ],
                }
            }
        ),
    )
    activity_id = lib.activities("anna")["activity_id"].iloc[0]
    reads = {
        "athletes": lib.athletes(),
        "activities": lib.activities("anna"),
        "samples": lib.samples(activity_id),
        "laps": lib.laps(activity_id),
        "rr_intervals": lib.rr_intervals("anna"),
        "sleep": lib.sleep("anna"),
        "sleep_stages": lib.sleep_stages("anna"),
        "wellness": lib.wellness("anna"),
        "cramps": lib.cramps("anna"),
        "medications": lib.medications("anna"),
        "imports": lib.imports(),
    }
    for name, frame in reads.items():
        pd.testing.assert_frame_equal(frame, conform(name, frame), obj=name)
