"""What a folder or archive may hold besides data, and which files two athletes may share.

* A file found in a folder or an archive that is of no kind the analyzer reads
  (a README, another program's JSON) is ``skipped``: listed with what it looks
  like, counted in the summary, no history row, exit code 0. A file of no
  known kind named on its own still fails.
* A cramp or medication log belongs to the athlete it is imported for: the
  same bytes may be imported for two athletes. A device file has one owner.
"""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from analyzer.cli import main
from analyzer.store import ImportJob, Library
from dashboards.importing import import_uploads
from tests.helpers.paths import TEST_DATA

FIT = TEST_DATA / "activity_hr_fenix2_run.fit"
README = b"# Notes\n\nExported from my watch on Sunday.\n"
OTHER_JSON = b'{"userProfile": {"gender": "FEMALE"}, "settings": [1, 2, 3]}'
MEDICATION_LOG = (
    b"name,kind,start_date,end_date,notes\n"
    b"hydrochlorothiazide,medication,2026-02-01,,started for blood pressure\n"
)


def _cli(tmp_path, capsys, *paths, athlete="anna") -> tuple[int, str]:
    library = tmp_path / "lib.sqlite"
    argv = ["import", "--library", str(library), "--athlete", athlete, "--timezone", "UTC"]
    code = main([*argv, *map(str, paths)])
    return code, capsys.readouterr().out


def test_a_zip_of_a_fit_file_and_other_kinds_imports_the_fit_file_and_exits_0(tmp_path, capsys):
    archive = tmp_path / "garmin_export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("DI_CONNECT/DI-Connect-Fitness/run.fit", FIT.read_bytes())
        zf.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", OTHER_JSON)
        zf.writestr("README.txt", README)
    code, out = _cli(tmp_path, capsys, archive)
    lines = out.splitlines()
    assert code == 0, out
    assert lines[0].startswith("imported") and "run.fit" in lines[0]
    assert lines[1].startswith("skipped") and "user_profile.json" in lines[1]
    assert "a JSON document with the keys settings, userProfile" in lines[1]
    assert lines[2].startswith("skipped") and "a text file" in lines[2]
    assert lines[3] == "1 imported, 0 partial, 0 duplicate, 0 failed, 2 skipped"
    with Library(tmp_path / "lib.sqlite") as lib:
        assert len(lib.activities("anna")) == 1
        history = lib.imports("anna")
        assert list(history["status"]) == ["imported"]  # skipped files leave no history row


def test_a_folder_with_a_readme_exits_0_and_a_file_named_on_its_own_fails(tmp_path, capsys):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(FIT, folder / "run.fit")
    (folder / "README.md").write_bytes(README)
    code, out = _cli(tmp_path, capsys, folder)
    assert code == 0, out
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "README.md" in skipped[0]
    code, out = _cli(tmp_path, capsys, folder / "README.md")
    assert code == 1
    assert out.splitlines()[0].startswith("failed") and "not a format the analyzer knows" in out


@pytest.mark.slow
def test_the_shared_garmin_month_imported_as_its_folder_exits_0(garmin_month, tmp_path, capsys):
    code, out = _cli(tmp_path, capsys, garmin_month)
    assert code == 0, out[-2000:]
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "PROVENANCE.md" in skipped[0]


def test_the_import_page_skips_what_an_uploaded_zip_holds_besides_data(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("export/run.fit", FIT.read_bytes())
        zf.writestr("export/notes.txt", README)
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.create_athlete("anna", timezone="UTC")
        table = import_uploads(
            lib, "anna", [("export.zip", archive.getvalue()), ("notes.txt", README)]
        )
    assert list(table["status"]) == [
        "imported",
        "skipped (not a kind of file the analyzer reads)",
        "failed",  # uploaded on its own: the user named it
    ]
    assert "a text file" in table["message"].iloc[1]


def test_the_same_medication_log_imports_for_two_athletes(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        for athlete in ("anna", "bernd"):
            lib.create_athlete(athlete, timezone="Europe/Berlin")
        first = lib.import_file("anna", "meds.csv", MEDICATION_LOG)
        second = lib.import_file("bernd", "meds.csv", MEDICATION_LOG)
        again = lib.import_file("bernd", "copy.csv", MEDICATION_LOG)
        assert (first.status, second.status, again.status) == ("imported", "imported", "duplicate")
        for athlete in ("anna", "bernd"):
            assert list(lib.medications(athlete)["name"]) == ["hydrochlorothiazide"]
        # re-reading bernd's copy and deleting anna leave the other athlete's log alone
        assert lib.reimport(second.sha256, "bernd").status == "imported"
        assert len(lib.imports("anna")) == 1 and len(lib.medications("anna")) == 1
        lib.delete_athlete("anna")
        assert list(lib.medications("bernd")["name"]) == ["hydrochlorothiazide"]
        assert lib.kept_file(second.sha256) == MEDICATION_LOG


def test_a_device_file_keeps_one_owner(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        for athlete in ("anna", "bernd"):
            lib.create_athlete(athlete, timezone="Europe/Berlin")
        data = FIT.read_bytes()
        assert lib.import_file("anna", "run.fit", data).status == "imported"
        refused = ImportJob(lib, "bernd").add_bytes("run.fit", data).run().results[0]
        assert refused.status == "failed"
        assert "already imported for athlete 'anna'" in refused.message
        assert lib.activities("bernd").empty
