"""One read of all of an athlete's session streams (``Library.samples_for_athlete``)."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.schema import TABLES, empty_table
from analyzer.store import Library
from tests.helpers.store_files import json_reader, session_file

STARTS = ("2026-03-01T08:00:00Z", "2026-03-03T17:30:00Z", "2026-03-02T06:15:00Z")


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite", reader=json_reader)
    library.create_athlete("anna", "Anna K.", timezone="Europe/Berlin")
    library.create_athlete("ben", "Ben", timezone="UTC")
    for i, start in enumerate(STARTS):
        library.import_file("anna", f"s{i}.json", session_file(start, 1800, 40 + 25 * i))
    library.import_file("anna", "no-stream.json", session_file("2026-03-02T12:00:00Z", 900))
    library.import_file("ben", "b.json", session_file("2026-03-02T09:00:00Z", 600, 30, tag="ben"))
    yield library
    library.close()


def _per_session(lib, athlete_id, start=None, end=None) -> pd.DataFrame:
    parts = [lib.samples(a) for a in lib.activities(athlete_id, start, end)["activity_id"]]
    return pd.concat([p for p in parts if len(p)], ignore_index=True)


def test_bulk_read_equals_the_per_session_reads_in_session_order(lib):
    bulk = lib.samples_for_athlete("anna")
    pd.testing.assert_frame_equal(bulk, _per_session(lib, "anna"))
    assert len(bulk) == 40 + 65 + 90
    assert list(bulk.columns) == list(TABLES["samples"])
    # sessions by start time: the 1 March session first, the 3 March one last
    firsts = bulk.groupby("activity_id", sort=False)["t_utc"].min()
    assert firsts.is_monotonic_increasing
    assert bulk["t_utc"].dt.tz is not None


def test_all_missing_channels_come_back_as_nan(lib):
    bulk = lib.samples_for_athlete("anna")
    assert bulk["speed_mps"].isna().all() and bulk["power_w"].notna().any()
    assert bulk["power_w"].isna().any()  # every 7th sample has no power in the fixture


def test_time_bounds_select_sessions_by_their_start(lib):
    start, end = pd.Timestamp("2026-03-02T00:00Z"), pd.Timestamp("2026-03-03T17:30Z")
    bulk = lib.samples_for_athlete("anna", start, end)
    pd.testing.assert_frame_equal(bulk, _per_session(lib, "anna", start, end))
    # only the 2 March session: the 3 March one starts at `end`
    assert bulk["activity_id"].nunique() == 1
    assert bulk["t_utc"].min() == pd.Timestamp("2026-03-02T06:15Z")


def test_other_athletes_streams_are_not_mixed_in(lib):
    ben = lib.samples_for_athlete("ben")
    assert len(ben) == 30
    assert set(ben["activity_id"]).isdisjoint(lib.samples_for_athlete("anna")["activity_id"])


def test_no_streams_gives_the_empty_canonical_table(lib):
    pd.testing.assert_frame_equal(lib.samples_for_athlete("nobody"), empty_table("samples"))
    late = lib.samples_for_athlete("anna", start=pd.Timestamp("2027-01-01T00:00Z"))
    pd.testing.assert_frame_equal(late, empty_table("samples"))


def test_naive_bounds_are_refused(lib):
    with pytest.raises(ValueError, match="time zone"):
        lib.samples_for_athlete("anna", start=pd.Timestamp("2026-03-01"))


def test_sessions_table_is_the_same_from_the_bulk_read(lib):
    from analyzer.indicators import sessions_table

    athlete = lib.athlete("anna")
    activities = lib.activities("anna")
    per_session = {a: lib.samples(a) for a in activities["activity_id"]}
    expected = sessions_table(activities, per_session, athlete)
    got = sessions_table(activities, lib.samples_for_athlete("anna"), athlete)
    pd.testing.assert_frame_equal(got, expected)
