"""An athlete's time zone: the computer's by default, checked names, and changing it later.

Changing the zone re-derives what depended on it; the oracle is a library into
which the same files were imported with the new zone from the start.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analyzer.cli import main
from analyzer.errors import LibraryError
from analyzer.store import Library
from analyzer.store.validation import check_timezone
from analyzer.store.zones import system_timezone

CRAMP_LOG = (
    b"start_local,muscle,side,severity_0_10,duration_s,context\n"
    b"2026-03-01T02:30:00,calf,left,6,90,night\n"
    b"2026-03-03T18:10:00,hamstring,right,4,30,exercise\n"
)
OLD, NEW = "Europe/Berlin", "America/New_York"


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "x" * 300, "Mars/Olympus"])
def test_names_that_are_not_iana_zones_are_refused(name):
    with pytest.raises(LibraryError, match="not an IANA time-zone name"):
        check_timezone(name)


def test_the_computers_zone_comes_from_tz_or_etc_localtime(monkeypatch):
    monkeypatch.setenv("TZ", NEW)
    assert system_timezone() == NEW
    monkeypatch.setenv("TZ", f":/usr/share/zoneinfo/{OLD}")
    assert system_timezone() == OLD
    monkeypatch.delenv("TZ")
    assert system_timezone() is None or check_timezone(system_timezone())


def test_a_new_athlete_gets_the_computers_zone_and_local_times_import(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("TZ", NEW)
    log = tmp_path / "cramps.csv"
    log.write_bytes(CRAMP_LOG)
    library = tmp_path / "lib.sqlite"
    code = main(["import", "--library", str(library), "--athlete", "anna", str(log)])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert f"created athlete 'anna' with time zone {NEW} (this computer's" in captured.err
    with Library(library) as lib:
        assert lib.athlete("anna")["timezone"] == NEW
        first = lib.cramps("anna")["start_utc"].iloc[0]
    assert first == pd.Timestamp("2026-03-01T07:30:00Z")  # 02:30 in New York


def test_garmin_connect_activities_import_without_a_timezone(samples_dir, tmp_path, capsys):
    activities = samples_dir / "exports" / "garmin_connect" / "Activities.csv"
    if not activities.is_file():
        pytest.skip("the Garmin Connect export sample is not in the shared samples")
    library = tmp_path / "lib.sqlite"
    code = main(["import", "--library", str(library), "--athlete", "anna", str(activities)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("imported")


def _imported(path, zone, files) -> Library:
    lib = Library(path)
    lib.create_athlete("kent", timezone=zone)
    lib.import_paths("kent", files)
    return lib


def test_changing_the_zone_rederives_local_times_nights_and_links(garmin_month, tmp_path):
    month = garmin_month
    log = tmp_path / "in" / "cramps.csv"
    log.parent.mkdir()
    log.write_bytes(CRAMP_LOG.replace(b"2026-03-0", b"2021-06-0"))
    files = [*sorted(month.glob("0[1-3]/*.fit")), log]
    changed = _imported(tmp_path / "changed.sqlite", OLD, files)
    before = changed.cramps("kent")
    changed.set_physiology("kent", timezone=NEW)
    reference = _imported(tmp_path / "reference.sqlite", NEW, files)
    assert changed.athlete("kent")["timezone"] == NEW
    assert not changed.cramps("kent")["start_utc"].equals(before["start_utc"])
    for read in (Library.cramps, Library.sleep, Library.wellness, Library.sleep_stages):
        pd.testing.assert_frame_equal(read(changed, "kent"), read(reference, "kent"))
    assert len(changed.sleep("kent")) >= 2
    changed.close()
    reference.close()


def test_a_refused_zone_changes_nothing(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.create_athlete("anna", timezone=OLD)
        version = lib.content_version()
        with pytest.raises(LibraryError):
            lib.set_physiology("anna", timezone="localtime", hr_max_bpm=190)
        assert lib.athlete("anna")["timezone"] == OLD and lib.athlete("anna")["hr_max_bpm"] is None
        assert lib.content_version() == version


def _zone(capsys, library, *sets) -> dict:
    argv = ["athlete", "--library", str(library), "--athlete", "anna", "--format", "json"]
    assert main([*argv, *(item for s in sets for item in ("--set", s))]) == 0
    return json.loads(capsys.readouterr().out)["settings"]["timezone"]


def test_the_computers_zone_is_a_default_until_the_user_sets_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TZ", NEW)
    log = tmp_path / "cramps.csv"
    log.write_bytes(CRAMP_LOG)
    library = tmp_path / "lib.sqlite"
    assert main(["import", "--library", str(library), "--athlete", "anna", str(log)]) == 0
    capsys.readouterr()
    default = _zone(capsys, library)
    assert default["value"] == NEW
    assert default["source"].startswith(
        "default: this computer's time zone when the athlete was created; set yours with "
        "'cramp-analyzer athlete --set timezone=NAME'"
    )
    assert main(["athlete", "--library", str(library), "--athlete", "anna"]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("timezone")]
    assert line.split()[1:3] == [NEW, "default:"]
    with Library(library) as lib:  # other settings leave the zone a default
        lib.set_physiology("anna", hr_max_bpm=190)
    assert _zone(capsys, library) == default
    # setting the zone it already has makes it the user's own
    assert _zone(capsys, library, f"timezone={NEW}") == {"value": NEW, "source": "set by you"}


def test_a_zone_given_at_creation_is_set_by_you(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TZ", NEW)
    log = tmp_path / "cramps.csv"
    log.write_bytes(CRAMP_LOG)
    library = tmp_path / "lib.sqlite"
    argv = ["import", "--library", str(library), "--athlete", "anna", "--timezone", NEW, str(log)]
    assert main(argv) == 0
    capsys.readouterr()
    assert _zone(capsys, library) == {"value": NEW, "source": "set by you"}


def test_a_computer_without_a_zone_gives_utc_said_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("analyzer.store.zones.system_timezone", lambda: None)
    library = tmp_path / "lib.sqlite"
    log = tmp_path / "cramps.csv"
    log.write_bytes(CRAMP_LOG)
    assert main(["import", "--library", str(library), "--athlete", "anna", str(log)]) == 0
    assert "could not be told" in capsys.readouterr().err
    zone = _zone(capsys, library)
    assert zone["value"] == "UTC"
    assert zone["source"].startswith("default: UTC (this computer's time zone could not be told")
    assert _zone(capsys, library, "timezone=UTC") == {"value": "UTC", "source": "set by you"}


def test_a_new_zone_is_set_by_you_and_an_origin_needs_a_zone(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.create_athlete("anna", timezone=OLD, timezone_origin="browser")
        assert lib.athlete("anna")["timezone_origin"] == "browser"
        lib.set_physiology("anna", timezone=NEW)
        assert lib.athlete("anna")["timezone_origin"] is None
        with pytest.raises(LibraryError, match="time zone origin 'moon' is not one of"):
            lib.create_athlete("bert", timezone=OLD, timezone_origin="moon")
        with pytest.raises(LibraryError, match="a time zone origin needs a time zone"):
            lib.create_athlete("bert", timezone_origin="computer")
        assert not lib.has_athlete("bert")
