"""Re-reading kept files with a better reader."""

from __future__ import annotations

import pytest

from analyzer.errors import CsvImportError, LibraryError
from tests.helpers.store_files import cramp_file, json_reader, session_file, sha


def better_reader(name, data, *, timezone=None, valid_rows_only=False):
    """The test reader, improved: it now also reads the session's RPE."""
    bundle = json_reader(name, data, timezone=timezone)
    if "activities" in bundle.tables:
        bundle.tables["activities"] = bundle.tables["activities"].assign(rpe=6.0)
    return bundle


def broken_reader(name, data, *, timezone=None, valid_rows_only=False):
    raise CsvImportError(name, "this reader version cannot read it")


def test_reimport_replaces_what_the_file_contributed(lib):
    run = session_file("2026-03-01T08:00:00Z", 3600, 40)
    log = cramp_file({"start_utc": "2026-03-01T08:30:00Z", "muscle": "calf"})
    lib.import_file("anna", "run.fit", run)
    lib.import_file("anna", "log.csv", log)
    manual = lib.add_cramp("anna", "2026-03-01T08:45:00Z", "hamstring", context="exercise")
    assert lib.activities("anna")["rpe"].isna().all()
    version = lib.content_version()

    lib.reader = better_reader
    results = lib.reimport_athlete("anna")
    assert [r.status for r in results] == ["imported", "imported"]
    assert all(r.message.startswith("re-imported") for r in results)
    sessions = lib.activities("anna")
    assert sessions["rpe"].tolist() == [6.0]
    assert len(lib.samples(sessions["activity_id"].iloc[0])) == 40
    cramps = lib.cramps("anna")
    assert len(cramps) == 2 and manual in set(cramps["cramp_id"])
    assert cramps["activity_id"].notna().all()
    assert len(lib.imports("anna")) == 2
    assert lib.content_version() > version


def test_failed_reimport_keeps_the_earlier_import(lib):
    run = session_file("2026-03-01T08:00:00Z", 3600, 10)
    lib.import_file("anna", "run.fit", run)
    lib.reader = broken_reader
    result = lib.reimport(sha(run))
    assert result.status == "failed" and "earlier import stays" in result.message
    assert len(lib.activities("anna")) == 1
    assert list(lib.imports("anna")["status"]) == ["imported", "failed"]


def test_reimport_of_unknown_file_is_an_error(lib):
    with pytest.raises(LibraryError, match="no imported file"):
        lib.reimport("0" * 64)
