"""Message frames: the fast paths build exactly what the plain constructions build.

``to_dataframe`` assembles a frame from its blocks and the decoder reuses
per-layout plans across files; these tests pin both to the straightforward
constructions (``pd.DataFrame(dict)``, a decoder with empty caches) on the
bundled files, and the tuple builders to element-by-element tuples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.io.fit import frames, read_fit
from analyzer.io.fit.reader import clear_layout_caches
from analyzer.io.fit.values import Column, row_tuples

DATA = Path(__file__).parent / "data"
FILES = (
    "activity_hr_edge500_ride.fit",  # record stream, enums, sub-fields, components
    "activity_hr_msgs_fr935_chained.fit",  # hr event timestamps (tuples), chained segments
    "devfields_types_sample.fit",  # developer fields
    "compressed_ts_speed_distance.fit",  # compressed timestamps, accumulated distance
)


def _all_frames(path: Path) -> dict[str, pd.DataFrame]:
    fit = read_fit(path)
    return {name: fit.messages(name) for name in fit.message_names()}


def _dict_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame through ``pd.DataFrame(dict)`` (object columns kept object)."""
    data = {
        name: pd.Series(frame[name].array, dtype=frame[name].dtype, copy=True)
        for name in frame.columns
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(frame)))


@pytest.mark.parametrize("name", FILES)
def test_fit_block_frames_equal_dict_frames(name):
    for message, frame in _all_frames(DATA / name).items():
        expected = _dict_frame(frame)
        pd.testing.assert_frame_equal(frame, expected, check_exact=True, obj=message)
        assert frame.columns.dtype == expected.columns.dtype
        assert isinstance(frame.index, pd.RangeIndex)


@pytest.mark.parametrize("name", FILES)
def test_fit_cold_and_warm_layout_caches_decode_alike(name):
    clear_layout_caches()
    cold = _all_frames(DATA / name)
    warm = _all_frames(DATA / name)
    assert list(cold) == list(warm)
    for message in cold:
        pd.testing.assert_frame_equal(cold[message], warm[message], check_exact=True, obj=message)


def test_fit_frame_columns_are_independent_objects():
    fit_a, fit_b = read_fit(DATA / FILES[0]), read_fit(DATA / FILES[0])
    a, b = fit_a.messages("record"), fit_b.messages("record")
    a.columns.name = "renamed"
    assert b.columns.name is None


def test_fit_to_dataframe_without_blocks_api_matches(monkeypatch):
    columns = {
        "timestamp": Column("dt", np.array([1e9, np.nan, 5.0])),
        "speed": Column("num", np.array([1.5, np.nan, 2.0])),
        "sport": Column("obj", np.array(["running", None, "cycling"], dtype=object)),
        "empty": Column("num", np.full(3, np.nan)),
        "local": Column("ldt", np.array([1e9, 2e9, np.nan])),
    }
    fast = frames.to_dataframe(columns)
    monkeypatch.setattr(frames, "HAVE_BLOCKS", False)
    slow = frames.to_dataframe(columns)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert list(fast.columns) == ["timestamp", "timestamp_relative_s", "speed", "sport", "local"]
    assert str(fast["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert fast["sport"].dtype == object
    assert fast["timestamp_relative_s"].tolist()[2] == 5


def test_fit_row_tuples_match_element_by_element():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 100, size=(50, 4))
    valid = rng.random((50, 4)) > 0.2
    out = row_tuples(values.tolist(), valid)
    for row, ok, got in zip(values.tolist(), valid.tolist(), out.tolist()):
        assert got == tuple(v if good else None for v, good in zip(row, ok))
    assert row_tuples([], np.zeros((0, 3), dtype=bool)).shape == (0,)
