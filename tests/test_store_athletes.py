"""Athletes: create, physiology, rename, delete, export, hand-logged cramps and medications."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from analyzer.errors import LibraryError
from analyzer.store import Library
from tests.helpers.store_files import cramp_file, session_file, sha


@pytest.fixture
def lib(tmp_path):
    from tests.helpers.store_files import json_reader

    library = Library(tmp_path / "lib.sqlite", reader=json_reader)
    yield library
    library.close()


def test_create_with_physiology_and_read_back(lib):
    lib.create_athlete(
        "anna-k",
        "Anna K.",
        sex="f",
        timezone="Europe/Berlin",
        hr_rest_bpm=48,
        hr_max_bpm=188,
        lthr_bpm=170,
        ftp_w=240,
        sleep_need_h=8,
    )
    athlete = lib.athlete("anna-k")
    assert athlete["display_name"] == "Anna K."
    assert athlete["hr_max_bpm"] == 188.0 and athlete["sex"] == "f"
    table = lib.athletes()
    assert list(table["athlete_id"]) == ["anna-k"]
    assert table["ftp_w"].dtype == "float64"


@pytest.mark.parametrize(
    ("athlete_id", "fields", "match"),
    [
        ("Anna K", {}, "not valid"),
        ("anna\n", {}, "not valid"),  # the pattern matches the whole id, not a first line
        ("anna", {"timezone": "Mars/Olympus"}, "IANA"),
        ("anna", {"hr_max_bpm": 900}, "plausible"),
        ("anna", {"hr_rest_bpm": 100, "hr_max_bpm": 100}, "below"),
        ("anna", {"sex": "x"}, "sex"),
        ("anna", {"weight_kg": 60}, "not an athlete"),
    ],
)
def test_invalid_athletes_are_refused(lib, athlete_id, fields, match):
    with pytest.raises(LibraryError, match=match):
        lib.create_athlete(athlete_id, **fields)
    assert lib.athletes().empty


def test_duplicate_id_is_refused_but_ensure_is_quiet(lib):
    lib.create_athlete("anna")
    with pytest.raises(LibraryError, match="exists"):
        lib.create_athlete("anna")
    assert lib.ensure_athlete("anna") is False
    assert lib.ensure_athlete("ben") is True


def test_rename_and_set_physiology(lib):
    lib.create_athlete("anna", hr_rest_bpm=50)
    lib.rename_athlete("anna", "Anna Schmidt")
    lib.set_physiology("anna", hr_max_bpm=190, timezone="America/New_York")
    athlete = lib.athlete("anna")
    assert athlete["display_name"] == "Anna Schmidt"
    assert (athlete["hr_rest_bpm"], athlete["hr_max_bpm"]) == (50.0, 190.0)
    with pytest.raises(LibraryError, match="below"):
        lib.set_physiology("anna", hr_rest_bpm=115, hr_max_bpm=110)
    lib.set_physiology("anna", hr_rest_bpm=None)
    assert lib.athlete("anna")["hr_rest_bpm"] is None


def test_delete_removes_every_row_and_kept_file(lib):
    lib.create_athlete("anna")
    lib.create_athlete("ben")
    anna_file = session_file("2026-03-01T08:00:00Z", 600, 30)
    ben_file = session_file("2026-03-01T09:00:00Z", 600, 30, tag="ben")
    lib.import_file("anna", "a.fit", anna_file)
    lib.import_file(
        "anna", "c.csv", cramp_file({"start_utc": "2026-03-01T08:05:00Z", "muscle": "calf"})
    )
    lib.add_medication("anna", "furosemide", "medication", "2026-01-01")
    lib.import_file("ben", "b.fit", ben_file)
    lib.delete_athlete("anna")
    conn = lib.connection
    for table in ("activities", "sample_streams", "cramps", "medications", "imports", "sleep"):
        rows = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        assert rows == (1 if table in ("activities", "sample_streams", "imports") else 0), table
    kept = [r[0] for r in conn.execute("SELECT sha256 FROM files")]
    assert kept == [sha(ben_file)]
    with pytest.raises(LibraryError):
        lib.athlete("anna")


def test_export_holds_tables_and_original_files(lib, tmp_path):
    lib.create_athlete("anna")
    data = session_file("2026-03-01T08:00:00Z", 600, 30)
    lib.import_file("anna", "morning run.fit", data)
    path = lib.export_athlete("anna", tmp_path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert f"anna/files/{sha(data)}/morning run.fit" in names
        assert archive.read(f"anna/files/{sha(data)}/morning run.fit") == data
        samples = pd.read_csv(io.BytesIO(archive.read("anna/tables/samples.csv")))
    assert len(samples) == 30
    assert "anna/tables/cramps.csv" in names


def test_add_cramp_validates_and_links(lib):
    lib.create_athlete("anna", timezone="Europe/Berlin")
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    cramp_id = lib.add_cramp(
        "anna",
        pd.Timestamp("2026-03-01T09:20:00Z"),
        "calf",
        "left",
        severity_0_10=7,
        duration_s=90,
        context="after_exercise",
    )
    cramps = lib.cramps("anna")
    assert list(cramps["cramp_id"]) == [cramp_id]
    assert cramps["activity_id"].notna().all()
    for bad in (
        {"muscle": "elbow"},
        {"muscle": "calf", "severity_0_10": 14},
        {"muscle": "calf", "duration_s": -5},
        {"muscle": "calf", "context": "sleeping"},
    ):
        with pytest.raises(LibraryError):
            lib.add_cramp("anna", pd.Timestamp("2026-03-02T09:00:00Z"), **bad)
    with pytest.raises(LibraryError, match="time zone"):
        lib.add_cramp("anna", dt.datetime(2026, 3, 2, 9), "calf")
    assert len(lib.cramps("anna")) == 1


def test_add_medication_and_update_its_end(lib):
    lib.create_athlete("anna")
    lib.add_medication("anna", "hydrochlorothiazide", "medication", "2026-02-01")
    lib.add_medication(
        "anna", "hydrochlorothiazide", end_date=dt.date(2026, 4, 1), start_date="2026-02-01"
    )
    meds = lib.medications("anna")
    assert len(meds) == 1
    assert meds["end_date"].iloc[0] == dt.date(2026, 4, 1)
    assert meds["kind"].iloc[0] == "medication"
    with pytest.raises(LibraryError, match="on or after"):
        lib.add_medication("anna", "x", start_date="2026-05-01", end_date="2026-04-01")
    with pytest.raises(LibraryError, match="kind"):
        lib.add_medication("anna", "x", kind="vitamin")


def test_content_version_moves_on_writes_only(lib):
    v0 = lib.content_version()
    lib.create_athlete("anna")
    v1 = lib.content_version()
    assert v1 > v0
    lib.athletes()
    lib.sleep("anna")
    assert lib.content_version() == v1
    lib.rename_athlete("anna", "A")
    assert lib.content_version() > v1


def test_roster_counts(lib):
    lib.create_athlete("anna")
    lib.create_athlete("ben")
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 600))
    lib.import_file(
        "anna", "c.csv", cramp_file({"start_utc": "2026-03-04T08:05:00Z", "muscle": "calf"})
    )
    roster = lib.roster().set_index("athlete_id")
    assert roster.loc["anna", ["n_activities", "n_cramps"]].tolist() == [1, 1]
    assert (roster.loc["anna", "first_date"], roster.loc["anna", "last_date"]) == (
        "2026-03-01",
        "2026-03-04",
    )
    assert roster.loc["ben", "n_activities"] == 0


def test_roster_dates_are_local_days_with_each_sessions_own_offset(lib):
    lib.create_athlete("kai", timezone="Australia/Brisbane")  # UTC+10 all year
    # 20:00 UTC on 1 March is 06:00 on 2 March in Brisbane
    lib.import_file("kai", "home.fit", session_file("2026-03-01T20:00:00Z", 600))
    # a run in Los Angeles, its device recording UTC-8: 02:00 UTC on 10 March was 18:00 on
    # 9 March where it was run (12:00 on 10 March in Brisbane)
    away = session_file("2026-03-10T02:00:00Z", 600, utc_offset_s=-8 * 3600.0)
    lib.import_file("kai", "away.fit", away)
    roster = lib.roster().set_index("athlete_id")
    assert (roster.loc["kai", "first_date"], roster.loc["kai", "last_date"]) == (
        "2026-03-02",
        "2026-03-09",
    )
    assert lib.date_span("kai") == (dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    # a cramp during that run falls on its session's day, not on Brisbane's
    cramp = {"start_utc": "2026-03-10T02:05:00Z", "muscle": "calf", "context": "exercise"}
    lib.import_file("kai", "c.csv", cramp_file(cramp))
    assert lib.cramps("kai")["activity_id"].notna().all()
    assert lib.date_span("kai") == (dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    # one at home, 01:30 on 12 March in Brisbane
    cramp = {"start_utc": "2026-03-11T15:30:00Z", "muscle": "calf", "context": "rest"}
    lib.import_file("kai", "d.csv", cramp_file(cramp))
    assert lib.date_span("kai") == (dt.date(2026, 3, 2), dt.date(2026, 3, 12))
