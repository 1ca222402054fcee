"""The Import page with large exports.

The upload limit and the command line are named, and a large upload is kept in chunks.
"""

from __future__ import annotations

import pytest

from analyzer.store import Library, keptfiles
from tests.helpers.dashboard import app, errors, frames_with
from tests.test_store_large import ATHLETE, chunk_count, export_xml


@pytest.fixture
def own_library(tmp_path, monkeypatch):
    path = tmp_path / "library.sqlite"
    with Library(path) as lib:
        lib.create_athlete(ATHLETE, timezone="Europe/Berlin")
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return path


def test_page_names_the_upload_limit_and_the_cli_for_larger_exports(own_library):
    at = app("import_files.py")
    assert not at.exception, errors(at)
    [note] = [c.value for c in at.caption if "command line" in c.value]
    assert "up to 1,024 MB" in note  # dashboards/.streamlit/config.toml server.maxUploadSize
    assert f"cramp-analyzer import --library {own_library} --athlete {ATHLETE}" in note


def test_upload_over_the_threshold_is_kept_in_chunks(own_library, monkeypatch):
    monkeypatch.setattr(keptfiles, "LARGE_FILE_BYTES", 16384)
    monkeypatch.setattr(keptfiles, "CHUNK_BYTES", 3000)
    data = export_xml()
    at = app("import_files.py")
    at.file_uploader(key="upload").set_value(("export.xml", data, "text/xml")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "rows stored")
    assert list(table["status"]) == ["imported"]
    with Library(own_library) as lib:
        [sha256] = lib.imports(ATHLETE)["sha256"]
        assert chunk_count(lib, sha256) == -(-len(data) // 3000)
        assert lib.kept_file(sha256) == data
