"""Group commit: several files' writes in one transaction, each file in its own savepoint.

Groups are used when worker processes read the files ahead (forked from a
single-threaded process); the library's default reader is replaced by the
store tests' JSON reader for that, in the workers too.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest

from analyzer.store.importing import job, onefile, reading
from analyzer.store.library import Library
from tests.helpers.store_files import cramp_file, encode, json_reader, session_file, sha


def _bad_at_write_reader(name, data, **options):
    """The test reader, but a file named ``bad*`` gets a medication whose date fails to store."""
    bundle = json_reader(name, data, **options)
    if name.rsplit("/", 1)[-1].startswith("bad"):
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


@pytest.fixture
def grouped(tmp_path, monkeypatch):
    """A library whose imports of 3 files or more are read ahead and committed in groups of 10."""
    if not reading.can_fork():
        pytest.skip("groups are used only when worker processes read ahead (forked)")
    monkeypatch.setattr(onefile, "default_reader", _bad_at_write_reader)
    monkeypatch.setattr(reading, "MIN_FILES", 3)
    monkeypatch.setattr(job, "GROUP_FILES", 10)
    monkeypatch.setattr(job, "GROUP_S", 600.0)
    library = Library(tmp_path / "lib.sqlite")
    library.create_athlete("anna", timezone="Europe/Berlin")
    yield library
    library.close()


def _count(lib, sql, *args) -> int:
    return lib.connection.execute(sql, args).fetchone()[0]


def _write(folder, files: dict[str, bytes]) -> list:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def test_a_failed_write_is_rolled_back_alone_and_the_group_commits_the_rest(grouped, tmp_path):
    lib = grouped
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
    paths = _write(tmp_path / "in", {"a_good.json": good, "bad.json": bad, "c_log.json": log})
    version = lib.content_version()
    other = sqlite3.connect(lib.path)  # another connection sees nothing before the group commits
    seen_by_other = []

    def progress(done, total, result):
        seen_by_other.append(other.execute("SELECT COUNT(*) FROM imports").fetchone()[0])

    results = lib.import_paths("anna", paths, progress)
    assert seen_by_other == [0, 0, 0]
    assert [r.status for r in results] == ["imported", "failed", "imported"]
    assert "internal error" in results[1].message and "while storing it" in results[1].message
    assert other.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 3
    other.close()
    # the bad file left only its history row: no cramp, no medication, no kept bytes
    assert _count(lib, "SELECT COUNT(*) FROM cramps WHERE source_sha256 = ?", sha(bad)) == 0
    assert _count(lib, "SELECT COUNT(*) FROM medications") == 0
    assert _count(lib, "SELECT COUNT(*) FROM files WHERE sha256 = ?", sha(bad)) == 0
    assert _count(lib, "SELECT COUNT(*) FROM cramps") == 1
    assert _count(lib, "SELECT COUNT(*) FROM activities") == 1
    assert lib.content_version() == version + 1  # one bump per commit


def test_the_same_bytes_twice_in_one_group_are_a_duplicate(grouped, tmp_path):
    log = cramp_file({"start_utc": "2025-03-03T02:00:00Z", "muscle": "calf"})
    other = session_file("2025-03-01T07:00:00Z", 3600, 10)
    paths = _write(tmp_path / "in", {"a.json": log, "b.json": other, "c_copy.json": log})
    results = grouped.import_paths("anna", paths)  # the copy sees the uncommitted first one
    assert [r.status for r in results] == ["imported", "imported", "duplicate"]
    assert _count(grouped, "SELECT COUNT(*) FROM imports") == 2
    assert _count(grouped, "SELECT COUNT(*) FROM cramps") == 1


def test_a_full_group_commits_and_the_lock_is_free_between_groups(lib):
    with lib.write_group(max_items=2, max_s=600) as group:
        for i in range(5):
            lib.add_medication("anna", "magnesium", "supplement", f"2025-03-{i + 1:02d}")
            group.item_done()
            if i == 1:  # the group was full and committed: another thread may write now
                assert not group.is_open
                done = threading.Event()

                def rename(done=done):
                    lib.rename_athlete("anna", "Anna")
                    done.set()

                thread = threading.Thread(target=rename)
                thread.start()
                thread.join(timeout=30)
                assert done.is_set()
    assert group.commits == 3  # 2 + 2 + the last one on leaving
    assert _count(lib, "SELECT COUNT(*) FROM medications") == 5


def test_an_error_leaving_the_group_still_commits_the_finished_files(lib):
    with pytest.raises(KeyboardInterrupt):
        with lib.write_group(max_items=10, max_s=600):
            lib.add_medication("anna", "magnesium", "supplement", "2025-03-01")
            with lib.write() as conn:  # a write interrupted half-way: rolled back alone
                conn.execute("UPDATE athletes SET display_name = 'half' WHERE athlete_id = 'anna'")
                raise KeyboardInterrupt
    assert _count(lib, "SELECT COUNT(*) FROM medications") == 1
    assert lib.athlete("anna")["display_name"] == "anna"
    assert not lib.connection.in_transaction


_read_in_worker = reading.read_in_worker


def _worker_fails_on_sleep_files(name, data, timezone, valid_rows_only):
    """A read-ahead worker that gives up on SLEEP_DATA files (they are read by the writer)."""
    if "SLEEP_DATA" in name:
        return None
    return _read_in_worker(name, data, timezone, valid_rows_only)


def test_files_read_by_the_writer_are_read_with_no_group_open(garmin_month, tmp_path, monkeypatch):
    if not reading.can_fork():
        pytest.skip("worker processes are only forked from a single-threaded process on POSIX")
    files = sorted((garmin_month / "12").glob("*.fit"))
    monkeypatch.setattr(reading, "MIN_FILES", 10)
    monkeypatch.setattr(reading, "read_in_worker", _worker_fails_on_sleep_files)
    readers, inline_reads = [], []
    original = reading.ReadAhead.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        readers.append(self)

    read_file = onefile.read_file

    def read_here(reader, name, data, **options):
        inline_reads.append((name, lib.connection.in_transaction))
        return read_file(reader, name, data, **options)

    monkeypatch.setattr(reading.ReadAhead, "__init__", spy)
    monkeypatch.setattr(job.onefile, "read_file", read_here)
    lib = Library(tmp_path / "lib.sqlite")
    lib.create_athlete("kent", timezone="Europe/Copenhagen")
    results = lib.import_paths("kent", files)
    assert [r.status for r in results] == ["imported"] * len(files)
    sleep_files = [str(p) for p in files if "SLEEP_DATA" in p.name]
    assert sleep_files and [name for name, _ in inline_reads] == sleep_files
    assert not any(open_ for _, open_ in inline_reads)  # the group was committed first
    assert readers[0].read_by_workers == len(files) - len(sleep_files)
    lib.close()
