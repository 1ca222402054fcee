"""Crash safety and concurrency of imports, with real processes.

* An import process killed with SIGKILL at random points (after a random
  number of files, plus a random few milliseconds into the next one) leaves a
  library that passes ``PRAGMA integrity_check`` and holds every file wholly
  or not at all; the next import completes.
* Two processes importing into one library at once both succeed (one waits
  for the other's transactions); nothing is lost or doubled.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.store_files import cramp_file, session_file, sha

ROOT = Path(__file__).resolve().parents[1]
N_SAMPLES = 1500

CHILD = """
import sys
sys.path.insert(0, {root!r})
from analyzer.store import Library
from tests.helpers.store_files import json_reader

lib = Library(sys.argv[1], reader=json_reader)
lib.ensure_athlete(sys.argv[2], timezone="Europe/Berlin")
print("ready", flush=True)
def progress(done, total, result):
    print(done, result.status, result.name, flush=True)
results = lib.import_paths(sys.argv[2], sys.argv[3:], progress)
print("done", flush=True)
sys.exit(1 if any(r.status == "failed" for r in results) else 0)
"""


def _write_files(folder: Path, first: int, count: int) -> dict[str, dict]:
    """Write ``count`` session files (each with cramps); return expectations by SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for i in range(first, first + count):
        day = f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}"
        data = session_file(f"{day}T07:00:00Z", 3600, N_SAMPLES, tag=str(i))
        log = cramp_file(
            {"start_utc": f"{day}T07:30:00Z", "muscle": "calf", "side": "left"},
            {"start_utc": f"{day}T02:00:00Z", "muscle": "calf", "context": "night"},
            tag=str(i),
        )
        for kind, content in (("session", data), ("cramps", log)):
            (folder / f"{i:03d}-{kind}.json").write_bytes(content)
            expected[sha(content)] = {"kind": kind}
    return expected


def _child(tmp_path: Path, library: Path, athlete: str, *folders: Path) -> subprocess.Popen:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT)))
    return subprocess.Popen(
        [sys.executable, str(script), str(library), athlete, *map(str, folders)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_whole_or_absent(library: Path, expected: dict[str, dict]) -> int:
    """Assert the library is sound and each file is wholly in or out; return how many are in."""
    conn = sqlite3.connect(library)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        present = 0
        for digest, info in expected.items():
            imports = conn.execute(
                "SELECT COUNT(*) FROM imports WHERE sha256 = ? AND status = 'imported'", (digest,)
            ).fetchone()[0]
            kept = conn.execute(
                "SELECT COUNT(*) FROM files WHERE sha256 = ?", (digest,)
            ).fetchone()[0]
            if info["kind"] == "session":
                rows = conn.execute(
                    "SELECT COUNT(*), COALESCE(SUM(s.n_rows), 0) FROM activities a "
                    "LEFT JOIN sample_streams s USING (activity_id) WHERE a.source_sha256 = ?",
                    (digest,),
                ).fetchone()
                whole, none = (1, N_SAMPLES), (0, 0)
            else:
                rows = conn.execute(
                    "SELECT COUNT(*) FROM cramps WHERE source_sha256 = ?", (digest,)
                ).fetchone()
                whole, none = (2,), (0,)
            assert imports in (0, 1)
            if imports:
                assert (tuple(rows), kept) == (whole, 1), digest
                present += 1
            else:
                assert (tuple(rows), kept) == (none, 0), digest
        return present
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_each_file_whole_or_absent(tmp_path):
    folder = tmp_path / "files"
    expected = _write_files(folder, 0, 12)
    library = tmp_path / "lib.sqlite"
    n_files = len(expected)
    present = 0
    for seed in range(5):
        rng = random.Random(seed)
        child = _child(tmp_path, library, "anna", folder)
        assert child.stdout.readline().strip() == "ready"
        # Let a random number of the files still missing be imported, then kill a few ms later.
        wanted, seen = rng.randrange((n_files - present) // 2 + 1), 0
        while seen < wanted:
            line = child.stdout.readline()
            if not line or line.startswith("done"):
                break
            seen += " imported " in line
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        present = _check_whole_or_absent(library, expected)
    finisher = _child(tmp_path, library, "anna", folder)
    out, err = finisher.communicate(timeout=120)
    assert finisher.returncode == 0, err
    assert _check_whole_or_absent(library, expected) == n_files


@pytest.mark.slow
def test_two_processes_importing_at_once_lose_and_double_nothing(tmp_path):
    shared = _write_files(tmp_path / "shared", 0, 6)
    own_a = _write_files(tmp_path / "a", 10, 6)
    own_b = _write_files(tmp_path / "b", 20, 6)
    library = tmp_path / "lib.sqlite"
    first = _child(tmp_path, library, "anna", tmp_path / "a", tmp_path / "shared")
    second = _child(tmp_path, library, "anna", tmp_path / "shared", tmp_path / "b")
    out_a, err_a = first.communicate(timeout=180)
    out_b, err_b = second.communicate(timeout=180)
    assert (first.returncode, second.returncode) == (0, 0), err_a + err_b
    expected = {**shared, **own_a, **own_b}
    assert _check_whole_or_absent(library, expected) == len(expected)
    statuses = [line.split()[1] for line in (out_a + out_b).splitlines() if line[:1].isdigit()]
    assert statuses.count("imported") == len(expected)
    assert statuses.count("duplicate") == len(shared)
    conn = sqlite3.connect(library)
    assert conn.execute("SELECT COUNT(*) FROM activities").fetchone()[0] == 18
    assert conn.execute("SELECT COUNT(*) FROM cramps").fetchone()[0] == 36
    conn.close()
