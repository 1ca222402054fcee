"""Cramps linked to their session (inside or just after) and nocturnal cramps to their night."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.store.linking import cramp_nights
from tests.helpers.store_files import cramp_file, encode, session_file


def _links(lib):
    cramps = lib.cramps("anna")
    return dict(zip(cramps["start_utc"].dt.strftime("%H:%M"), cramps["activity_id"]))


def test_cramp_inside_and_after_a_session(lib):
    # Session 08:00-09:00 UTC; default window 60 min after its end.
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    log = cramp_file(
        {"start_utc": "2026-03-01T08:30:00Z", "muscle": "calf", "context": "exercise"},
        {"start_utc": "2026-03-01T09:59:00Z", "muscle": "calf", "context": "after_exercise"},
        {"start_utc": "2026-03-01T10:01:00Z", "muscle": "calf", "context": "rest"},
        {"start_utc": "2026-03-01T07:59:00Z", "muscle": "calf", "context": "rest"},
    )
    lib.import_file("anna", "log.csv", log)
    session = lib.activities("anna")["activity_id"].iloc[0]
    assert _links(lib) == {"07:59": None, "08:30": session, "09:59": session, "10:01": None}


def test_cramps_logged_first_are_linked_when_the_session_arrives(lib):
    lib.import_file(
        "anna", "log.csv", cramp_file({"start_utc": "2026-03-01T08:30:00Z", "muscle": "calf"})
    )
    assert lib.cramps("anna")["activity_id"].isna().all()
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    assert (
        lib.cramps("anna")["activity_id"].iloc[0] == lib.activities("anna")["activity_id"].iloc[0]
    )


def test_link_moves_to_the_kept_session_when_a_richer_duplicate_arrives(lib):
    lib.import_file(
        "anna", "list.csv", session_file("2026-03-01T08:00:00Z", 3600, fmt="strava_csv")
    )
    lib.import_file(
        "anna", "log.csv", cramp_file({"start_utc": "2026-03-01T08:30:00Z", "muscle": "calf"})
    )
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:30Z", 3590, 20))
    kept = lib.activities("anna")
    assert len(kept) == 1
    assert lib.cramps("anna")["activity_id"].iloc[0] == kept["activity_id"].iloc[0]


def test_window_is_configurable(lib):
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    lib.import_file(
        "anna", "log.csv", cramp_file({"start_utc": "2026-03-01T09:30:00Z", "muscle": "calf"})
    )
    assert lib.cramps("anna")["activity_id"].notna().all()
    lib.set_link_window(15 * 60)
    assert lib.link_window_s == 900.0
    assert lib.cramps("anna")["activity_id"].isna().all()


def test_later_overlapping_session_wins(lib):
    lib.import_file("anna", "a.fit", session_file("2026-03-01T08:00:00Z", 3600, 10))
    lib.import_file("anna", "b.fit", session_file("2026-03-01T09:20:00Z", 600, 10, tag="b"))
    lib.import_file(
        "anna", "log.csv", cramp_file({"start_utc": "2026-03-01T09:25:00Z", "muscle": "calf"})
    )
    sessions = lib.activities("anna")
    assert lib.cramps("anna")["activity_id"].iloc[0] == sessions["activity_id"].iloc[1]


@pytest.mark.parametrize(
    ("utc", "zone", "night"),
    [
        ("2026-03-02T01:30:00Z", "Europe/Berlin", "2026-03-02"),  # 02:30 local
        (
            "2026-03-01T22:30:00Z",
            "Europe/Berlin",
            "2026-03-02",
        ),  # 23:30 local: the night ending next day
        ("2026-03-02T04:00:00Z", "America/Los_Angeles", "2026-03-02"),  # 20:00 local on 1 March
        ("2026-03-29T01:30:00Z", "Europe/Berlin", "2026-03-29"),  # 03:30 CEST, the DST night
    ],
)
def test_night_without_sleep_record(utc, zone, night):
    assert cramp_nights([pd.Timestamp(utc).value], [], zone) == [night]


def test_nocturnal_cramp_takes_the_night_of_its_sleep_record(lib):
    sleep = {
        "night": "2026-03-02",
        "start_utc": "2026-03-01T21:00:00Z",
        "end_utc": "2026-03-02T05:00:00Z",
        "asleep_min": 450,
        "source": "x",
    }
    lib.import_file("anna", "sleep.json", encode({"tables": {"sleep": [sleep]}}))
    lib.import_file(
        "anna",
        "log.csv",
        cramp_file({"start_utc": "2026-03-01T21:30:00Z", "muscle": "calf", "context": "night"}),
    )
    cramps = lib.cramps("anna")
    # 22:30 local, before midnight: the sleep record says which night.
    assert cramps["night"].iloc[0] == dt.date(2026, 3, 2)
    assert cramps["activity_id"].iloc[0] is None


def test_changing_the_time_zone_relinks_nights(lib):
    lib.import_file(
        "anna",
        "log.csv",
        cramp_file({"start_utc": "2026-03-02T10:30:00Z", "muscle": "calf", "context": "night"}),
    )
    assert lib.cramps("anna")["night"].iloc[0] == dt.date(2026, 3, 2)  # 11:30 Berlin
    lib.set_physiology("anna", timezone="Asia/Tokyo")  # 19:30 Tokyo
    assert lib.cramps("anna")["night"].iloc[0] == dt.date(2026, 3, 3)
