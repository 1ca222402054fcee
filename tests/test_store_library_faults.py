"""A library under faults: bugs met on one file, a full disk, damaged or foreign or read-only files.

Each test rebuilds one fault:

* an unexpected exception while reading or storing one file fails that file
  alone, with a history row marked as an internal error; the batch goes on;
* a full disk (SQLite's own SQLITE_FULL, reached through ``max_page_count``)
  stops the batch with "the disk is full; N files imported; ..." and leaves a
  consistent library holding exactly the N files;
* the read-only commands refuse another program's SQLite database without
  changing a byte of it;
* an overwritten 4 KiB page gives "the library is damaged", never a traceback,
  and ``import`` refuses to write into it;
* a read-only library file can be read; a library cannot be created in a
  read-only folder, and the message says why;
* an archive with more members than the cap is refused before any member is read.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.store import ImportJob, Library
from analyzer.store.importing import job, onefile, reading
from tests.helpers.archives import make_zip
from tests.helpers.paths import TEST_DATA
from tests.helpers.store_files import cramp_file, json_reader, session_file

FIT = TEST_DATA / "activity_hr_fenix2_run.fit"
CRAMP_LOG = b"start_local,muscle,side\n2026-03-01T02:30:00,calf,left\n"


def _cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{i:03d}.json"
        day = f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}"
        path.write_bytes(session_file(f"{day}T07:00:00Z", 3600, 600, tag=str(i)))
        paths.append(path)
    return paths


# -- one file's unexpected exception, and a full disk ------------------------------------


def _reader_with_bugs(name, data, **options):
    if "recursion" in name:
        raise RecursionError("maximum recursion depth exceeded")
    if "csv" in name:
        raise csv.Error("field larger than field limit (131072)")
    if "zone" in name:
        raise OSError(36, "File name too long")
    return json_reader(name, data, **options)


def test_an_unexpected_exception_fails_that_file_alone(tmp_path):
    folder = tmp_path / "in"
    good = _files(folder, 2)
    for name in ("b_recursion.json", "c_csv.json", "d_zone.json"):
        (folder / name).write_bytes(cramp_file({"start_utc": "2026-03-01T02:00:00Z"}, tag=name))
    with Library(tmp_path / "lib.sqlite", reader=_reader_with_bugs) as lib:
        lib.create_athlete("anna", timezone="UTC")
        results = lib.import_paths("anna", [folder])
        statuses = {Path(r.name).name: r.status for r in results}
        assert statuses == {
            "000.json": "imported",
            "001.json": "imported",
            "b_recursion.json": "failed",
            "c_csv.json": "failed",
            "d_zone.json": "failed",
        }
        failed = [r for r in results if r.status == "failed"]
        for result, kind in zip(failed, ("RecursionError", "Error", "OSError")):
            assert (
                f"internal error: cramp-analyzer stopped on an unexpected {kind}" in result.message
            )
            assert "please report it" in result.message
        history = lib.imports("anna").set_index("original_name")
        assert list(history.loc[[r.name for r in failed], "internal_error"]) == [True] * 3
        assert not history.loc[str(good[0]), "internal_error"]
        assert len(lib.activities("anna")) == len(good)


def test_a_bug_while_storing_fails_that_file_alone(tmp_path, monkeypatch):
    from analyzer.store import writer

    real = writer.BundleWriter.write

    def write(self):
        if self.bundle.source_name.endswith("001.json"):
            raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'")
        real(self)

    monkeypatch.setattr(writer.BundleWriter, "write", write)
    with Library(tmp_path / "lib.sqlite", reader=json_reader) as lib:
        lib.create_athlete("anna", timezone="UTC")
        results = lib.import_paths("anna", _files(tmp_path / "in", 3))
        assert [r.status for r in results] == ["imported", "failed", "imported"]
        assert (
            "unexpected TypeError" in results[1].message
            and "while storing it" in results[1].message
        )
        assert lib.imports("anna")["internal_error"].tolist() == [False, True, False]
        assert len(lib.activities("anna")) == 2  # the failed file left nothing but its history row


def _small_disk(monkeypatch, pages: int) -> None:
    """Every library opened from now on lives on a 'disk' of ``pages`` pages (SQLITE_FULL after)."""
    from analyzer.store import library

    real = library.open_connection

    def opened(*args, **kwargs):
        conn, writable = real(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn, writable

    monkeypatch.setattr(library, "open_connection", opened)


def _stored(path: Path) -> tuple[int, int]:
    """Imported files and sessions in the library at ``path``, after checking it is sound."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        files = conn.execute("SELECT COUNT(*) FROM imports WHERE status = 'imported'").fetchone()
        sessions = conn.execute("SELECT COUNT(*) FROM activities").fetchone()
        return files[0], sessions[0]
    finally:
        conn.close()


def test_a_full_disk_stops_the_batch_and_the_library_stays_consistent(tmp_path, monkeypatch):
    monkeypatch.setattr(onefile, "default_reader", json_reader)
    files = _files(tmp_path / "in", 40)
    library = tmp_path / "lib.sqlite"
    Library(library).close()  # created at full size before the disk fills
    _small_disk(monkeypatch, pages=60)
    code, out, err = _cli(
        "import", "--library", library, "--athlete", "anna", "--timezone", "UTC", *files
    )
    assert code == 1
    stored_files, sessions = _stored(library)
    assert 0 < stored_files < len(files) and sessions == stored_files
    assert "the disk is full" in err and f"; {stored_files} files imported; " in err
    assert "run the import again after freeing space" in err and "Traceback" not in err
    lines = out.splitlines()
    assert sum(line.startswith("imported") for line in lines) == stored_files


@pytest.fixture
def grouped(monkeypatch):
    """Imports of 3 files or more read ahead by workers and committed in groups of 8."""
    if not reading.can_fork():
        pytest.skip("groups are used only when worker processes read ahead (forked)")
    monkeypatch.setattr(onefile, "default_reader", json_reader)
    monkeypatch.setattr(reading, "MIN_FILES", 3)
    monkeypatch.setattr(job, "GROUP_FILES", 8)
    monkeypatch.setattr(job, "GROUP_S", 600.0)


def test_the_import_page_says_why_an_upload_stopped(tmp_path, monkeypatch):
    from dashboards.importing import import_uploads

    library = tmp_path / "lib.sqlite"
    Library(library, reader=json_reader).close()
    _small_disk(monkeypatch, pages=60)
    uploads = [(path.name, path.read_bytes()) for path in _files(tmp_path / "in", 40)]
    with Library(library, reader=json_reader) as lib:
        lib.create_athlete("anna", timezone="UTC")
        table = import_uploads(lib, "anna", uploads)
    stored_files, _ = _stored(library)
    assert "the disk is full" in table.attrs["stopped"]
    assert f"; {stored_files} files imported;" in table.attrs["stopped"]
    assert list(table["status"]).count("imported") == stored_files


def test_a_full_disk_inside_a_group_keeps_the_files_before_it(tmp_path, monkeypatch, grouped):
    files = _files(tmp_path / "in", 40)
    library = tmp_path / "lib.sqlite"
    Library(library).close()
    _small_disk(monkeypatch, pages=60)
    with Library(library) as lib:
        lib.create_athlete("anna", timezone="UTC")
        report = ImportJob(lib, "anna").add_paths(files).run()
    assert report.stopped.endswith("run the import again after freeing space")
    stored_files, sessions = _stored(library)
    assert [r.status for r in report.results].count("imported") == stored_files == sessions > 0


def test_a_group_lost_at_its_commit_is_reported_as_not_stored(tmp_path, monkeypatch, grouped):
    from analyzer.store import transactions

    real = transactions.Transaction.commit
    commits = []

    def commit(self):  # the second group's COMMIT meets a full disk; SQLite rolls it back
        commits.append(1)
        if len(commits) == 2:
            self.conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        real(self)

    files = _files(tmp_path / "in", 20)
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.create_athlete("anna", timezone="UTC")
        monkeypatch.setattr(transactions.Transaction, "commit", commit)
        report = ImportJob(lib, "anna").add_paths(files).run()
    statuses = [r.status for r in report.results]
    assert statuses[:8] == ["imported"] * 8  # the first group
    assert statuses[8:16] == ["failed"] * 8 and len(statuses) == 16  # the lost group
    assert all("before this file was committed" in r.message for r in report.results[8:])
    assert "the disk is full; 8 files imported;" in report.stopped
    assert _stored(tmp_path / "lib.sqlite") == (8, 8)


# -- another program's database ----------------------------------------------------------


def _places(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.executemany("INSERT INTO moz_places (url) VALUES (?)", [("https://example.org",)] * 50)
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("command", ["athletes", "features", "report", "import"])
def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path, command):
    path = tmp_path / "places.sqlite"
    before = _places(path)
    argv = [command, "--library", path]
    if command != "athletes":
        argv += ["--athlete", "anna"]
    if command == "import":
        argv += [FIT]
    code, _, err = _cli(*argv)
    assert code == 2 and "an SQLite database of another program, not an athlete library" in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.sqlite"]  # no -wal, no -shm


def test_reading_a_library_writes_nothing(tmp_path):
    library = tmp_path / "lib.sqlite"
    code, _, _ = _cli("import", "--library", library, "--athlete", "anna", "--timezone", "UTC", FIT)
    assert code == 0
    before = hashlib.sha256(library.read_bytes()).hexdigest()
    for command in ("athletes", "features", "report"):
        argv = [command, "--library", library] + (
            [] if command == "athletes" else ["--athlete", "anna"]
        )
        assert _cli(*argv)[0] == 0
    assert hashlib.sha256(library.read_bytes()).hexdigest() == before


# -- a damaged library -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sound_library(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sound")
    library = folder / "lib.sqlite"
    log = folder / "cramps.csv"
    log.write_bytes(CRAMP_LOG)
    code, out, _ = _cli(
        "import", "--library", library, "--athlete", "anna", "--timezone", "UTC", FIT, log
    )
    assert code == 0, out
    assert not Path(f"{library}-wal").exists()  # closed cleanly: everything is in the main file
    return library


@pytest.mark.parametrize("page", range(2, 40, 3))
def test_an_overwritten_page_is_reported_as_damage_never_as_a_traceback(
    sound_library, tmp_path, page
):
    library = tmp_path / "lib.sqlite"
    shutil.copy(sound_library, library)
    size = library.stat().st_size
    if (page - 1) * 4096 >= size:
        pytest.skip(f"the library has only {size // 4096} pages")
    with library.open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(random.Random(page).randbytes(4096))
    damaged = library.read_bytes()
    base = ["--library", library, "--athlete", "anna"]
    for argv in (["athletes", "--library", library], ["features", *base], ["report", *base]):
        code, _, err = _cli(*argv)
        assert code in (0, 2), err
        assert code == 0 or "the library is damaged" in err, err
    log = tmp_path / "new.csv"
    log.write_bytes(CRAMP_LOG.replace(b"02:30", b"03:30"))
    code, _, err = _cli("import", *base, log)
    assert code in (0, 2), err
    if code == 2:
        assert "the library is damaged" in err and "restore a backup" in err
        assert library.read_bytes() == damaged  # never written into


# -- read-only files and folders ---------------------------------------------------------


def _as_another_user(function) -> dict:
    """Run ``function()`` (returning a JSON-able dict) as an unprivileged user, in a child process.

    Permissions do not bind root, so when the tests run as root the child drops
    to ``nobody`` after forking; otherwise it runs as this user.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        status = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            result = function()
            os.write(write_end, json.dumps(result).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child failed"
    return json.loads(data)


@pytest.fixture
def shared_dir():
    """A folder every user may enter (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="cramp-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


@pytest.mark.parametrize("folder_mode", [0o777, 0o755], ids=["writable folder", "read-only folder"])
def test_a_read_only_library_can_be_read(shared_dir, folder_mode):
    folder = shared_dir / "lib"
    folder.mkdir()
    library = folder / "lib.sqlite"
    assert (
        _cli("import", "--library", library, "--athlete", "anna", "--timezone", "UTC", FIT)[0] == 0
    )
    library.chmod(0o444)
    folder.chmod(folder_mode)
    before = library.read_bytes()

    def read() -> dict:
        code, out, err = _cli("athletes", "--library", library)
        refused = _cli("import", "--library", library, "--athlete", "anna", FIT)
        return {"code": code, "out": out, "err": err, "refused": refused}

    seen = _as_another_user(read)
    assert seen["code"] == 0, seen["err"]
    assert seen["out"].splitlines()[1].startswith("anna")
    code, _, err = seen["refused"]
    assert code == 2 and "cannot be written" in err and "read-only" in err
    assert library.read_bytes() == before


def test_creating_a_library_in_a_read_only_folder_says_why(shared_dir):
    folder = shared_dir / "locked"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)

    def create() -> dict:
        return dict(
            zip(
                ("code", "out", "err"),
                _cli("import", "--library", folder / "lib.sqlite", "--athlete", "anna", FIT),
            )
        )

    seen = _as_another_user(create)
    assert seen["code"] == 2
    assert (
        "cannot create a library there: the folder" in seen["err"] and "not writable" in seen["err"]
    )
    assert "Traceback" not in seen["err"] and list(folder.iterdir()) == []


# -- the member cap is checked before any member is read ---------------------------------


def test_an_archive_over_the_member_cap_is_refused_before_any_member_is_read(tmp_path, monkeypatch):
    from analyzer.io import archive

    monkeypatch.setattr(archive, "DEFAULT_LIMITS", archive.Limits(max_members=50))
    members = {
        f"cramps/{i:03d}.csv": CRAMP_LOG.replace(b"02:30", f"02:{i % 60:02d}".encode())
        for i in range(60)
    }
    data = make_zip(members)
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    reads = []

    def counting_reader(name, data, **options):
        reads.append(name)
        return onefile.default_reader(name, data, **options)

    with Library(tmp_path / "lib.sqlite", reader=counting_reader) as lib:
        lib.create_athlete("anna", timezone="UTC")
        for report in (
            ImportJob(lib, "anna").add_paths([path]).run(),
            ImportJob(lib, "anna").add_bytes("export.zip", data).run(),
        ):
            [result] = report.results
            assert result.status == "failed" and "more than 50" in result.message
        assert reads == [] and lib.cramps("anna").empty
