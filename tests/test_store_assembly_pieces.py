"""A bulk import's nights and days assembled in small pieces equal those assembled in one piece."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.store import nights
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


def test_pieces_of_two_days_equal_one_piece(files, tmp_path, monkeypatch):
    monkeypatch.setattr(nights, "CHUNK_DAYS", 2)  # several pieces of nights and of days
    pieces = _import(tmp_path / "pieces.sqlite", files)
    monkeypatch.setattr(nights, "CHUNK_DAYS", 10_000)
    whole = _import(tmp_path / "whole.sqlite", files)
    for read in (Library.sleep, Library.wellness, Library.sleep_stages):
        pd.testing.assert_frame_equal(read(pieces, "kent"), read(whole, "kent"))
    assert len(pieces.sleep("kent")) >= 4 and len(pieces.wellness("kent")) >= 5
    pieces.close()
    whole.close()
