"""Bulk imports of Garmin daily files: workers reading ahead, assembly in pieces: same result."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.store import nights
from analyzer.store.importing import reading
from analyzer.store.library import Library

TZ = "Europe/Copenhagen"


@pytest.fixture
def files(garmin_month):
    return sorted(garmin_month.glob("1[01]/*.fit"))


def _import(path, files, progress=None):
    lib = Library(path)
    lib.create_athlete("kent", "Kent", timezone=TZ)
    return lib, lib.import_paths("kent", files, progress)


def test_worker_reads_give_the_same_results_statuses_and_progress(files, tmp_path, monkeypatch):
    if not reading.can_fork():
        pytest.skip("worker processes are only forked from a single-threaded process on POSIX")
    readers = []
    monkeypatch.setattr(reading, "MIN_FILES", 10)
    monkeypatch.setattr(reading, "AHEAD_PER_WORKER", 3)
    original = reading.ReadAhead.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        readers.append(self)

    monkeypatch.setattr(reading.ReadAhead, "__init__", spy)
    seen = []
    # a corrupt file and a duplicate inside the batch: failed / duplicate, as inline
    broken = tmp_path / "zz_broken_SLEEP_DATA.fit"
    broken.write_bytes(b"\x00" * 40)
    again = tmp_path / "zz_again_WELLNESS.fit"
    again.write_bytes(files[1].read_bytes())
    batch = [*files, broken, again]
    lib, results = _import(
        tmp_path / "workers.sqlite", batch, lambda d, t, r: seen.append((d, t, r.name))
    )
    assert len(readers) == 1 and readers[0].read_by_workers >= len(files) - 2

    monkeypatch.setattr(reading, "MIN_FILES", 10**9)
    inline, inline_results = _import(tmp_path / "inline.sqlite", batch)
    assert [(r.name, r.status, r.message, r.counts) for r in results] == [
        (r.name, r.status, r.message, r.counts) for r in inline_results
    ]
    assert results[-2].status == "failed" and results[-1].status == "duplicate"
    assert seen == [(i + 1, len(batch), str(p)) for i, p in enumerate(batch)]
    for read in (Library.sleep, Library.wellness, Library.sleep_stages):
        pd.testing.assert_frame_equal(read(lib, "kent"), read(inline, "kent"))
    assert len(lib.wellness("kent")) > 0
    lib.close()
    inline.close()


def test_nights_and_days_assembled_in_pieces_of_two_days_equal_one_piece(
    garmin_month, tmp_path, monkeypatch
):
    files = sorted(garmin_month.glob("0[1-6]/*.fit"))
    monkeypatch.setattr(nights, "CHUNK_DAYS", 2)  # several pieces of nights and of days
    pieces, _ = _import(tmp_path / "pieces.sqlite", files)
    monkeypatch.setattr(nights, "CHUNK_DAYS", 10_000)
    whole, _ = _import(tmp_path / "whole.sqlite", files)
    for read in (Library.sleep, Library.wellness, Library.sleep_stages):
        pd.testing.assert_frame_equal(read(pieces, "kent"), read(whole, "kent"))
    assert len(pieces.sleep("kent")) >= 4 and len(pieces.wellness("kent")) >= 5
    pieces.close()
    whole.close()
