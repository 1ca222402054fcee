"""The nights and days of a bulk import assembled by worker processes equal those assembled in one."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.store import nights, readahead, rebuild
from analyzer.store.library import Library

MONTH = "garmin_wellness_2021_06"
TZ = "Europe/Copenhagen"


@pytest.fixture
def files(samples_dir):
    folder = samples_dir / MONTH
    if not folder.is_dir():
        pytest.skip(f"{MONTH} is not in the shared samples")
    return sorted(folder.glob("0[1-6]/*.fit"))


def _import(path, files):
    lib = Library(path)
    lib.create_athlete("kent", "Kent", timezone=TZ)
    lib.import_paths("kent", files)
    return lib


def test_pieces_assembled_by_workers_equal_the_pieces_assembled_here(files, tmp_path, monkeypatch):
    if not readahead.can_fork():
        pytest.skip("worker processes are only forked from a single-threaded process on POSIX")
    monkeypatch.setattr(nights, "CHUNK_DAYS", 2)  # several pieces of nights and of days
    submitted = []

    class CountingPool(rebuild.ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            submitted.append(args[-1])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(rebuild, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(rebuild, "MIN_PARALLEL_PIECES", 2)
    parallel = _import(tmp_path / "parallel.sqlite", files)
    assert {kind for kind, _, _ in submitted} == {"nights", "days"} and len(submitted) > 4

    monkeypatch.setattr(rebuild, "MIN_PARALLEL_PIECES", 10**9)
    count = len(submitted)
    here = _import(tmp_path / "here.sqlite", files)
    assert len(submitted) == count  # assembled in this process
    for read in (Library.sleep, Library.wellness, Library.sleep_stages):
        pd.testing.assert_frame_equal(read(parallel, "kent"), read(here, "kent"))
    assert len(parallel.sleep("kent")) >= 4 and len(parallel.wellness("kent")) >= 5
    parallel.close()
    here.close()
