"""Group commit of a bulk import killed mid-group (SIGKILL), with real Garmin daily files.

A bulk import read ahead by worker processes commits its files in groups
(:meth:`analyzer.store.library.Library.write_group`). Here the child commits
every 6 files and is killed while the 21st file's progress call waits: files
1-18 (three whole groups) are in, 19-21 (written, reported, not committed)
are wholly out, and the next import (here the explicit maintenance step)
completes the pending assembly of the committed files, giving what importing
just those 18 files gives.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from analyzer.store.importing import reading
from analyzer.store.library import Library
from tests.helpers.store_files import import_and_kill, sha

MONTH = "garmin_wellness_2021_06"
TZ = "Europe/Copenhagen"
GROUP = 6
KILL_AT = 21

CHILD = """
import sys, time
from analyzer.store.importing import job, reading
from analyzer.store.library import Library

reading.MIN_FILES = 10
job.GROUP_FILES = {group}
job.GROUP_S = 600.0
lib = Library(sys.argv[1])
lib.ensure_athlete("kent", timezone={tz!r})
def progress(done, total, result):
    print(done, result.status, flush=True)
    if done == {kill_at}:
        time.sleep(60)  # killed here: files after the last whole group are written, not committed
lib.import_paths("kent", sys.argv[2:], progress)
"""


@pytest.fixture
def files(samples_dir) -> list[Path]:
    folder = samples_dir / MONTH
    if not folder.is_dir():
        pytest.skip(f"{MONTH} is not in the shared samples")
    return sorted(folder.glob("0[89]/*.fit"))  # 34 files: two days and their nights


def _state(path: Path) -> tuple[dict[str, dict], int]:
    """Per SHA-256 of a stored file: its counts and rows; and the pending row count."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        out = {}
        for digest, counts in conn.execute("SELECT sha256, counts_json FROM imports").fetchall():
            out[digest] = {"counts": json.loads(counts)}
        for table in ("daily_samples", "sleep_stages", "files"):
            column = "sha256" if table == "files" else "source_sha256"
            for digest, n in conn.execute(
                f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}"
            ).fetchall():
                out.setdefault(digest, {"counts": None})[table] = n
        pending = conn.execute("SELECT COUNT(*) FROM pending_assembly").fetchone()[0]
        return out, pending
    finally:
        conn.close()


def test_a_kill_mid_group_leaves_whole_groups_and_the_assembly_completes(files, tmp_path):
    if not reading.can_fork():
        pytest.skip("groups are committed only when worker processes read ahead (forked)")
    path = tmp_path / "killed.sqlite"
    import_and_kill(
        tmp_path, CHILD.format(group=GROUP, tz=TZ, kill_at=KILL_AT), path, files, KILL_AT
    )

    stored, pending = _state(path)
    committed = (KILL_AT // GROUP) * GROUP
    digests = [sha(p.read_bytes()) for p in files]
    assert set(stored) == set(digests[:committed])  # whole groups in, the open group wholly out
    for digest in digests[:committed]:  # each file whole: history, kept bytes, its new samples
        info = stored[digest]
        assert info["files"] == 1
        assert info.get("daily_samples", 0) == info["counts"].get("daily_samples", 0)
        assert info.get("sleep_stages", 0) <= info["counts"].get("sleep_stages", 0)
    assert pending > 0

    reference = Library(tmp_path / "reference.sqlite")
    reference.create_athlete("kent", "Kent", timezone=TZ)
    reference.import_paths("kent", files[:committed])
    with Library(path) as lib:
        assert _state(path)[1] == pending  # opening writes nothing
        assert lib.complete_pending_assembly() == ["kent"]
        assert _state(path)[1] == 0
        for read in (Library.sleep, Library.wellness, Library.sleep_stages):
            pd.testing.assert_frame_equal(read(lib, "kent"), read(reference, "kent"))
        assert len(lib.wellness("kent")) > 0
    reference.close()
