"""Deferred assembly of Garmin nights and days: a bulk import killed before its end.

``import_paths`` stores each file in its own transaction and records the
file's span in ``pending_assembly``; nights and days are assembled once at the
end. Here a real import process is killed (SIGKILL) after 15 of 20 files,
before that final assembly: opening the library again changes nothing (a
read never writes), and the next import completes the pending rows, giving
exactly what an uninterrupted import of the same 15 files gives.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from analyzer.store.library import Library
from tests.helpers.store_files import import_and_kill

MONTH = "garmin_wellness_2021_06"
TZ = "Europe/Copenhagen"
KILL_AFTER = 15

CHILD = """
import sys, time
from analyzer.store.library import Library

lib = Library(sys.argv[1])
lib.ensure_athlete("kent", timezone={tz!r})
def progress(done, total, result):
    print(done, result.status, flush=True)
    if done == {kill_after}:
        time.sleep(60)  # the parent kills the process here, before the final assembly
lib.import_paths("kent", sys.argv[2:], progress)
"""


@pytest.fixture
def files(samples_dir) -> list[Path]:
    folder = samples_dir / MONTH
    if not folder.is_dir():
        pytest.skip(f"{MONTH} is not in the shared samples")
    return sorted((folder / "08").glob("*.fit"))[:20]


def _pending(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM pending_assembly").fetchone()[0]
    finally:
        conn.close()


def test_a_killed_bulk_import_is_assembled_by_the_next_import(files, tmp_path):
    path = tmp_path / "killed.sqlite"
    import_and_kill(tmp_path, CHILD.format(tz=TZ, kill_after=KILL_AFTER), path, files, KILL_AFTER)
    pending = _pending(path)
    assert pending > 0  # the files are in, their nights and days are not assembled yet

    reference = Library(tmp_path / "reference.sqlite")
    reference.create_athlete("kent", "Kent", timezone=TZ)
    reference.import_paths("kent", files[:KILL_AFTER])
    with Library(path) as lib:
        assert _pending(path) == pending and lib.sleep("kent").empty  # opening writes nothing
        lib.create_athlete("other")
        assert lib.import_paths("other", []) == []  # any import completes what is pending
        assert _pending(path) == 0
        assert len(lib.imports("kent")) == KILL_AFTER
        for read in (Library.sleep, Library.wellness):
            pd.testing.assert_frame_equal(read(lib, "kent"), read(reference, "kent"))
        assert len(lib.wellness("kent")) > 0
    reference.close()


def test_a_single_file_import_completes_pending_spans(files, tmp_path):
    lib = Library(tmp_path / "lib.sqlite")
    lib.create_athlete("kent", "Kent", timezone=TZ)
    lib.import_paths("kent", files[:10])
    with lib.write() as conn:  # as if a killed import had stored the files but not assembled them
        conn.execute("DELETE FROM wellness")
        conn.execute("DELETE FROM sleep")
        conn.execute(
            "INSERT INTO pending_assembly (athlete_id, first_utc, last_utc, nights, days) "
            "SELECT 'kent', MIN(t_utc), MAX(t_utc), 1, 1 FROM daily_samples"
        )
    assert lib.wellness("kent").empty
    result = lib.import_file("kent", files[10].name, files[10].read_bytes())
    assert result.status == "imported"
    assert _pending(lib.path) == 0

    reference = Library(tmp_path / "reference.sqlite")
    reference.create_athlete("kent", "Kent", timezone=TZ)
    reference.import_paths("kent", files[:11])
    for read in (Library.sleep, Library.wellness):
        pd.testing.assert_frame_equal(read(lib, "kent"), read(reference, "kent"))
    assert len(lib.wellness("kent")) > 0
    lib.close()
    reference.close()
