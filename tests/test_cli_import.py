"""The ``import``, ``athletes`` and ``demo`` commands."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzer.cli import main
from analyzer.errors import LibraryError
from analyzer.paths import LIBRARY_ENV
from analyzer.store import Library, build_demo_library
from tests.helpers.paths import SAMPLE_DATA
from tests.helpers.store_files import cramp_file, encode, json_reader, session_file


@pytest.fixture
def test_format(monkeypatch):
    """Make the library read the test JSON format (see test_store_fixtures)."""
    monkeypatch.setattr("analyzer.store.importing.onefile.default_reader", json_reader)


def test_import_prints_results_and_creates_the_athlete(tmp_path, capsys, test_format):
    run = tmp_path / "run.json"
    run.write_bytes(session_file("2026-03-01T08:00:00Z", 1800, 30))
    library = tmp_path / "lib.sqlite"
    code = main(
        [
            "import",
            "--library",
            str(library),
            "--athlete",
            "anna",
            "--timezone",
            "Europe/Berlin",
            "--name",
            "Anna K.",
            str(run),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert "created athlete 'anna'" in err
    lines = out.splitlines()
    assert lines[0].startswith("imported") and "run.json" in lines[0] and "samples=30" in lines[0]
    assert lines[-2] == "1 imported, 0 partial, 0 duplicate, 0 failed"
    assert lines[-1] == (
        "athlete 'anna' in the library: sessions 1, nights 0, cramps 0, 2026-03-01 to 2026-03-01"
    )
    with Library(library) as lib:
        assert lib.athlete("anna")["timezone"] == "Europe/Berlin"
        assert lib.athlete("anna")["display_name"] == "Anna K."

    code = main(["import", "--library", str(library), "--athlete", "anna", str(run)])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("duplicate")


def test_any_failed_file_makes_the_exit_code_non_zero(tmp_path, capsys, test_format):
    good = tmp_path / "good.json"
    good.write_bytes(session_file("2026-03-01T08:00:00Z", 1800))
    bad = tmp_path / "bad.json"
    bad.write_bytes(encode({"fail": "column 'muscle' is missing"}))
    code = main(
        [
            "import",
            "--library",
            str(tmp_path / "lib.sqlite"),
            "--athlete",
            "anna",
            str(good),
            str(bad),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "failed" in out and "column 'muscle' is missing" in out
    assert out.splitlines()[-2] == "1 imported, 0 partial, 0 duplicate, 1 failed"


def test_missing_path_is_an_error_message(tmp_path, capsys, test_format):
    code = main(
        [
            "import",
            "--library",
            str(tmp_path / "lib.sqlite"),
            "--athlete",
            "anna",
            str(tmp_path / "nowhere.fit"),
        ]
    )
    assert code == 2
    assert "nowhere.fit: no such file or folder" in capsys.readouterr().err


def test_progress_goes_to_stderr(tmp_path, capsys, test_format, monkeypatch):
    monkeypatch.setattr("analyzer.cli.importcmd.PROGRESS_AFTER_S", 0.0)
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.json").write_bytes(session_file(f"2026-03-0{i + 1}T08:00:00Z", 600))
    main(["import", "--library", str(tmp_path / "lib.sqlite"), "--athlete", "anna", str(folder)])
    out, err = capsys.readouterr()
    assert "[3/3]" in err
    assert "[3/3]" not in out


def test_library_defaults_to_the_environment_variable(tmp_path, capsys, test_format, monkeypatch):
    library = tmp_path / "from-env.sqlite"
    monkeypatch.setenv(LIBRARY_ENV, str(library))
    log = tmp_path / "log.json"
    log.write_bytes(cramp_file({"start_utc": "2026-03-01T08:00:00Z", "muscle": "calf"}))
    assert main(["import", "--athlete", "anna", str(log)]) == 0
    assert library.exists()
    capsys.readouterr()
    assert main(["athletes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "name", "activities", "nights", "cramps", "from", "to"]
    assert out[1].split() == ["anna", "anna", "0", "0", "1", "2026-03-01", "2026-03-01"]


def test_athletes_without_a_library_says_so(tmp_path, capsys):
    assert main(["athletes", "--library", str(tmp_path / "none.sqlite")]) == 2
    assert "no library here yet" in capsys.readouterr().err


def test_real_cramp_and_medication_templates(tmp_path, capsys):
    """The real registry and log readers, end to end."""
    templates = SAMPLE_DATA / "templates"
    library = tmp_path / "lib.sqlite"
    code = main(
        [
            "import",
            "--library",
            str(library),
            "--athlete",
            "anna",
            "--timezone",
            "Europe/Berlin",
            str(templates / "cramp_log_template.csv"),
            str(templates / "medication_log_template.csv"),
        ]
    )
    assert code == 0, capsys.readouterr()
    with Library(library) as lib:
        cramps = lib.cramps("anna")
        assert len(cramps) == 4
        night = cramps[cramps["context"] == "night"]
        assert night["night"].tolist() == [dt.date(2024, 5, 12)]
        assert len(lib.medications("anna")) == 3


def _small_squad(root):
    (root / "athletes.csv").write_text(
        "athlete_id,display_name,sex,hr_rest_bpm,hr_max_bpm,lthr_bpm,ftp_w,timezone,sleep_need_h\n"
        "runner,Rita Runner,f,45,190,172,,Europe/Berlin,8\n"
        "masters,Max Masters,m,55,165,,200,America/New_York,7.5\n"
    )
    (root / "runner").mkdir(exist_ok=True)
    (root / "runner" / "run1.json").write_bytes(session_file("2026-03-01T08:00:00Z", 3600, 20))
    (root / "runner" / "cramps.json").write_bytes(
        cramp_file({"start_utc": "2026-03-01T08:40:00Z", "muscle": "calf", "context": "exercise"})
    )
    (root / "masters").mkdir(exist_ok=True)
    (root / "masters" / "cramps.json").write_bytes(
        cramp_file({"start_utc": "2026-03-02T07:30:00Z", "muscle": "calf", "context": "night"})
    )


def test_demo_builds_the_squad(tmp_path, capsys, test_format):
    squad = tmp_path / "sample_data"
    squad.mkdir()
    _small_squad(squad)
    library = tmp_path / "demo.sqlite"
    assert main(["demo", "--library", str(library), "--sample-data", str(squad)]) == 0
    out = capsys.readouterr().out
    assert "3 imported" in out and "runner: 1 activities" in out
    with Library(library) as lib:
        assert lib.athlete("masters")["hr_max_bpm"] == 165.0
        assert lib.athlete("runner")["ftp_w"] is None
        assert lib.cramps("runner")["activity_id"].notna().all()
        assert lib.cramps("masters")["night"].tolist() == [dt.date(2026, 3, 2)]
    # Running it again changes nothing.
    assert main(["demo", "--library", str(library), "--sample-data", str(squad)]) == 0
    assert "3 duplicate" in capsys.readouterr().out


def test_build_demo_library_leaves_no_partial_file(tmp_path, test_format):
    squad = tmp_path / "sample_data"
    squad.mkdir()
    _small_squad(squad)
    (squad / "athletes.csv").write_text("athlete_id,hr_max_bpm\nrunner,a lot\n")
    target = tmp_path / "demo.sqlite"
    with pytest.raises(LibraryError, match="not a number"):
        build_demo_library(target, squad)
    assert list(tmp_path.glob("*demo.sqlite*")) == []
    _small_squad(squad)
    results = build_demo_library(target, squad)
    assert [r.status for r in results] == ["imported"] * 3
    assert target.exists()


def test_demo_progress_counts_over_the_squad(tmp_path, test_format):
    squad = tmp_path / "sample_data"
    squad.mkdir()
    _small_squad(squad)
    seen = []
    build_demo_library(
        tmp_path / "demo.sqlite", squad, lambda done, total, result: seen.append((done, total))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_import_ends_with_what_the_athlete_now_has(garmin_month, tmp_path, capsys):
    # Garmin daily files: the nights are assembled after the files, so the per-file lines
    # do not count them; the closing line does. The span is of every local day with data:
    # the wellness data of the last folder reaches 4 June in Copenhagen.
    days = [str(garmin_month / day) for day in ("01", "02", "03")]
    code = main(
        [
            "import",
            "--library",
            str(tmp_path / "lib.sqlite"),
            "--athlete",
            "kent",
            "--timezone",
            "Europe/Copenhagen",
            *days,
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "athlete 'kent' in the library: sessions 0, nights 3, cramps 0, 2021-06-01 to 2021-06-04"
    )
