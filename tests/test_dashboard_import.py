"""AppTest: files uploaded through the Import page's file uploader land in the library."""

from __future__ import annotations

import io
import zipfile

import pytest

from analyzer.store import Library
from tests.helpers.dashboard import ROOT, app, errors, frames_with, simulated_fit

pytestmark = pytest.mark.slow  # builds the (trimmed) demo library once per run


def _results(at) -> dict[str, str]:
    (table,) = frames_with(at, "rows stored")
    return dict(zip(table["file"], table["status"]))


def test_a_fit_file_goes_into_a_new_library_of_the_users_own(demo_user, tmp_path):
    at = app("import_files.py")
    assert not at.exception, errors(at)
    assert at.radio(key="import_into_demo").value is False  # default: a library of your own
    at.text_input(key="import_new_id").set_value("me")
    at.text_input(key="import_new_tz").set_value("Europe/Berlin")
    name, data = simulated_fit()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    assert _results(at) == {name: "imported"}
    own = tmp_path / "xdg" / "cramp-analyzer" / "library.sqlite"
    assert own.is_file()
    # From now on the app opens the user's own library, with the new athlete.
    assert at.sidebar.selectbox(key="athlete").value == "me"
    assert not any("demo squad" in i.value for i in at.info)
    with Library(own) as lib:  # a zone typed in is the user's choice
        assert lib.athlete("me")["timezone_origin"] is None


def test_the_offered_time_zone_kept_as_it_is_stays_a_default(demo_user, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    at = app("import_files.py")
    assert at.text_input(key="import_new_tz").value == "America/New_York"  # this computer's
    at.text_input(key="import_new_id").set_value("me")
    name, data = simulated_fit()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    with Library(tmp_path / "xdg" / "cramp-analyzer" / "library.sqlite") as lib:
        athlete = lib.athlete("me")
    assert (athlete["timezone"], athlete["timezone_origin"]) == ("America/New_York", "computer")


def test_zip_uploads_are_opened_and_each_file_reported(demo_user):
    at = app("import_files.py")
    at.radio(key="import_into_demo").set_value(True).run()
    name, data = simulated_fit()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"export/{name}", data)
        zf.writestr(
            "export/cramp_log.csv",
            (ROOT / "sample_data" / "templates" / "cramp_log_template.csv").read_bytes(),
        )
        zf.writestr("export/notes.txt", b"not a tracker file")
    at.file_uploader(key="upload").set_value(
        ("export.zip", archive.getvalue(), "application/zip")
    ).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    results = _results(at)
    assert len(results) == 3
    statuses = sorted(results.values())
    assert "imported" in statuses and "failed" not in statuses
    assert results["export.zip/export/notes.txt"].startswith("skipped")
    # The same archive again changes nothing.
    at.button(key="do_import").click().run()
    assert set(_results(at).values()) <= {
        "already there",
        "skipped (not a kind of file the analyzer reads)",
    }


def _import_box(at):
    (box,) = [s for s in at.main.selectbox if s.label == "Athlete"]
    return box


def test_switching_the_sidebar_athlete_switches_where_uploads_go(demo_user):
    at = app("import_files.py")
    at.radio(key="import_into_demo").set_value(True).run()
    first = at.sidebar.selectbox(key="athlete").value
    assert _import_box(at).value == first
    sidebar = at.sidebar.selectbox(key="athlete")
    sidebar.select_index(1 if sidebar.index == 0 else 0).run()
    assert not at.exception, errors(at)
    other = at.sidebar.selectbox(key="athlete").value
    assert other != first
    assert _import_box(at).value == other  # not the stale first choice
    name, data = simulated_fit()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    assert _results(at) == {name: "imported"}
    with Library(demo_user) as lib:
        owners = lib.connection.execute(
            "SELECT DISTINCT athlete_id FROM imports WHERE original_name = ?", (name,)
        ).fetchall()
    assert owners == [(other,)]


def test_a_log_with_a_bad_row_is_refused_in_full_or_its_valid_rows_kept_on_request(demo_user):
    log = (
        b"start_local,muscle,side,severity_0_10,duration_s,context,relief,notes\n"
        b"2024-05-01T10:00,calf,left,5,30,exercise,,\n"
        b"\n"
        b"2024-05-03T10:00,hamstrng,left,5,30,exercise,,\n"
    )
    at = app("import_files.py")
    at.radio(key="import_into_demo").set_value(True).run()
    at.file_uploader(key="upload").set_value(("cramps.csv", log, "text/csv")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    assert _results(at) == {"cramps.csv": "failed"}
    shown = " ".join(m.value for m in at.markdown)
    assert "line 4" in shown and "hamstrng" in shown  # the whole message, not a cut-off cell
    at.checkbox(key="import_valid_rows_only").check().run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    assert _results(at) == {"cramps.csv": "imported with problems"}


def test_a_first_start_without_sample_data_says_where_they_are_looked_for(tmp_path, monkeypatch):
    import dashboards.state

    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.setenv("CRAMP_ANALYZER_DEMO_LIBRARY", str(tmp_path / "demo.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(dashboards.state, "sample_data_dir", lambda: tmp_path / "not-here")
    at = app()
    assert not at.exception, errors(at)
    told = " ".join(c.value for c in at.sidebar.caption)
    assert "sample_data/" in told and "CRAMP_ANALYZER_SAMPLE_DATA" in told
    assert "Import page" in told
