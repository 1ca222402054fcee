"""Group commit: several files' writes in one transaction, each file in its own savepoint."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from analyzer.store import importer
from analyzer.store.library import Library
from analyzer.store.readahead import read_in_worker
from tests.helpers.store_files import cramp_file, encode, json_reader, session_file, sha


def _bad_at_write_reader(name, data, **options):
    """The test reader, but a file named ``bad*`` gets a medication whose date fails to store."""
    bundle = json_reader(name, data, **options)
    if name.startswith("bad"):
        meds = bundle.tables["medications"].astype({"start_date": object})
        meds.loc[:, "start_date"] = "not a date"
        bundle.tables["medications"] = meds
    return bundle


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite", reader=_bad_at_write_reader)
    library.create_athlete("anna", timezone="Europe/Berlin")
    yield library
    library.close()


def _count(lib, sql, *args) -> int:
    return lib.connection.execute(sql, args).fetchone()[0]


def test_a_failed_write_is_rolled_back_alone_and_the_group_commits_the_rest(lib):
    good = session_file("2025-03-01T07:00:00Z", 3600, 10, tag="good")
    bad = encode(
        {
            "format": "cramp_log_csv",
            "tables": {
                "cramps": [{"start_utc": "2025-03-02T02:00:00Z", "muscle": "calf"}],
                "medications": [{"name": "magnesium", "start_date": "2025-03-01"}],
            },
        }
    )
    log = cramp_file({"start_utc": "2025-03-03T02:00:00Z", "muscle": "calf"})
    version = lib.content_version()
    with lib.write_group(max_items=10, max_s=600) as group:
        results = []
        for name, data in (("good.json", good), ("bad.json", bad), ("log.json", log)):
            results.append(importer.import_file(lib, "anna", name, data))
            group.item_done()
        assert group.is_open and group.commits == 0  # nothing committed yet
        other = sqlite3.connect(lib.path)  # another connection sees none of it
        assert other.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0
    assert group.commits == 1 and not group.is_open
    assert [r.status for r in results] == ["imported", "failed", "imported"]
    assert "could not be stored" in results[1].message
    assert other.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 3
    other.close()
    # the bad file left only its history row: no cramp, no medication, no kept bytes
    assert _count(lib, "SELECT COUNT(*) FROM cramps WHERE source_sha256 = ?", sha(bad)) == 0
    assert _count(lib, "SELECT COUNT(*) FROM medications") == 0
    assert _count(lib, "SELECT COUNT(*) FROM files WHERE sha256 = ?", sha(bad)) == 0
    assert _count(lib, "SELECT COUNT(*) FROM cramps") == 1
    assert _count(lib, "SELECT COUNT(*) FROM activities") == 1
    assert lib.content_version() == version + 1  # one bump per commit


def test_the_same_bytes_twice_in_one_group_are_a_duplicate(lib):
    log = cramp_file({"start_utc": "2025-03-03T02:00:00Z", "muscle": "calf"})
    with lib.write_group(max_items=10, max_s=600) as group:
        first = importer.import_file(lib, "anna", "log.json", log)
        group.item_done()
        again = importer.import_file(lib, "anna", "copy.json", log)  # sees the uncommitted row
        group.item_done()
    assert (first.status, again.status) == ("imported", "duplicate")
    assert _count(lib, "SELECT COUNT(*) FROM imports") == 1
    assert _count(lib, "SELECT COUNT(*) FROM cramps") == 1


def test_a_full_group_commits_and_the_lock_is_free_between_groups(lib):
    logs = [
        cramp_file({"start_utc": f"2025-03-{d:02d}T02:00:00Z", "muscle": "calf"})
        for d in range(1, 6)
    ]
    with lib.write_group(max_items=2, max_s=600) as group:
        for i, data in enumerate(logs):
            importer.import_file(lib, "anna", f"{i}.json", data)
            group.item_done()
            if i == 1:  # the group was full and committed: another thread may write now
                assert not group.is_open
                done = threading.Event()
                thread = threading.Thread(
                    target=lambda: (lib.rename_athlete("anna", "Anna"), done.set())
                )
                thread.start()
                thread.join(timeout=30)
                assert done.is_set()
    assert group.commits == 3  # 2 + 2 + the last one on leaving
    assert _count(lib, "SELECT COUNT(*) FROM cramps") == 5


def test_an_error_leaving_the_group_still_commits_the_finished_files(lib):
    log = cramp_file({"start_utc": "2025-03-03T02:00:00Z", "muscle": "calf"})
    with pytest.raises(KeyboardInterrupt):
        with lib.write_group(max_items=10, max_s=600):
            importer.import_file(lib, "anna", "log.json", log)
            with lib.write() as conn:  # a write interrupted half-way: rolled back alone
                conn.execute("UPDATE athletes SET display_name = 'half' WHERE athlete_id = 'anna'")
                raise KeyboardInterrupt
    assert _count(lib, "SELECT COUNT(*) FROM imports") == 1
    assert lib.athlete("anna")["display_name"] == "anna"
    assert not lib.connection.in_transaction


def _worker_fails_on_sleep_files(name, data, timezone, valid_rows_only):
    """A read-ahead worker that gives up on SLEEP_DATA files (they are read by the writer)."""
    if "SLEEP_DATA" in name:
        return None
    return read_in_worker(name, data, timezone, valid_rows_only)


def test_files_read_by_the_writer_are_read_with_no_group_open(samples_dir, tmp_path, monkeypatch):
    from analyzer.store import readahead

    if not readahead.can_fork():
        pytest.skip("worker processes are only forked from a single-threaded process on POSIX")
    files = sorted((samples_dir / "garmin_wellness_2021_06" / "12").glob("*.fit"))
    if len(files) < 10:
        pytest.skip("garmin_wellness_2021_06 is not in the shared samples")
    monkeypatch.setattr(readahead, "MIN_FILES", 10)
    monkeypatch.setattr(readahead, "read_in_worker", _worker_fails_on_sleep_files)
    readers, inline_reads = [], []
    original = readahead.ReadAhead.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        fallback = self._fallback

        def read_here(name, data, **options):
            inline_reads.append((name, lib.connection.in_transaction))
            return fallback(name, data, **options)

        self._fallback = read_here
        readers.append(self)

    monkeypatch.setattr(readahead.ReadAhead, "__init__", spy)
    lib = Library(tmp_path / "lib.sqlite")
    lib.create_athlete("kent", timezone="Europe/Copenhagen")
    results = lib.import_paths("kent", files)
    assert [r.status for r in results] == ["imported"] * len(files)
    sleep_files = [str(p) for p in files if "SLEEP_DATA" in p.name]
    assert sleep_files and [name for name, _ in inline_reads] == sleep_files
    assert not any(open_ for _, open_ in inline_reads)  # the group was committed first
    assert readers[0].read_by_workers == len(files) - len(sleep_files)
    lib.close()
