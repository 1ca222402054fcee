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
def files(garmin_month) -> list[Path]:
    return sorted((garmin_month / "08").glob("*.fit"))[:20]


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


FAR_NS = 3_800_000_000 * 10**9  # 2090-06-01: a time decades past the data, as a corrupt file gives


def _store_far_sample(lib: Library, pending: list[tuple[str, str]]) -> None:
    """One stored heart-rate sample in 2090 and the given pending spans (SQL expressions)."""
    with lib.write() as conn:
        conn.execute(
            "INSERT INTO daily_samples (athlete_id, t_utc, kind, value, source) "
            "SELECT 'kent', ?, kind, value, source FROM daily_samples "
            "WHERE kind = 'heart_rate' LIMIT 1",
            (FAR_NS,),
        )
        for first, last in pending:
            conn.execute(
                "INSERT INTO pending_assembly (athlete_id, first_utc, last_utc, nights, days) "
                f"SELECT 'kent', {first}, {last}, 1, 1 FROM daily_samples LIMIT 1"
            )


def test_a_span_reaching_decades_past_the_data_is_assembled_where_the_data_are(
    files, tmp_path, monkeypatch
):
    """Work is bounded by the stored data, not by a corrupt span (a fuzz input took over 30 s)."""
    from analyzer.store import nights

    jobs_seen = []
    original = nights.assembled_pieces

    def spy(conn, athlete_id, timezone, jobs):
        jobs_seen.append(list(jobs))
        return original(conn, athlete_id, timezone, jobs)

    monkeypatch.setattr(nights, "assembled_pieces", spy)
    libs = []
    for name, pending in (
        ("one_span.sqlite", [("(SELECT MIN(t_utc) FROM daily_samples)", str(FAR_NS))]),
        (
            "two_spans.sqlite",
            [
                (
                    "(SELECT MIN(t_utc) FROM daily_samples)",
                    f"(SELECT MAX(t_utc) FROM daily_samples WHERE t_utc < {FAR_NS})",
                ),
                (str(FAR_NS), str(FAR_NS)),
            ],
        ),
    ):
        lib = Library(tmp_path / name)
        lib.create_athlete("kent", "Kent", timezone=TZ)
        lib.import_paths("kent", files[:6])
        _store_far_sample(lib, pending)
        jobs_seen.clear()
        assert lib.complete_pending_assembly() == ["kent"]
        libs.append((lib, [job for jobs in jobs_seen for job in jobs]))

    (one_span, jobs), (two_spans, _) = libs
    # 69 years of span make 813 pieces of 31 days; the data lie in two (nights and days each)
    assert len(jobs) == 4
    assert {(kind, lo) for kind, lo, _ in jobs if lo >= FAR_NS} == {
        ("nights", FAR_NS),
        ("days", FAR_NS),
    }
    assert one_span.wellness("kent")["date"].astype(str).max() == "2090-06-01"
    for read in (Library.sleep, Library.wellness):
        pd.testing.assert_frame_equal(read(one_span, "kent"), read(two_spans, "kent"))
    assert len(one_span.sleep("kent")) > 0
    one_span.close()
    two_spans.close()
