"""Stream blobs and value conversion round-trip exactly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analyzer.errors import LibraryDamagedError
from analyzer.schema import conform
from analyzer.store.codec import date_to_iso, frame_to_rows, rows_to_frame, utc_to_ns
from analyzer.store.streams import decode_stream, encode_stream, streams_to_frame

floats = st.floats(allow_nan=True, allow_infinity=False, width=64)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 300),
    data=st.data(),
    step_ns=st.integers(1, 10**10),
    t0=st.integers(0, 2 * 10**18),
)
def test_sample_stream_round_trip(n, data, step_ns, t0):
    times = t0 + step_ns * np.sort(data.draw(arrays(np.int64, n, elements=st.integers(0, 10**6))))
    frame = conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": ["x"] * n,
                "t_utc": pd.to_datetime(times, unit="ns", utc=True),
                "heart_rate_bpm": data.draw(arrays(np.float64, n, elements=floats)),
                "power_w": np.full(n, np.nan),
                "altitude_m": data.draw(arrays(np.float64, n, elements=floats)),
            }
        ),
    )
    n_rows, columns, payload = encode_stream("samples", frame)
    assert "power_w" not in columns  # all-missing columns are not stored
    back = streams_to_frame(
        "samples", [({"activity_id": "x"}, decode_stream("samples", n_rows, columns, payload))]
    )
    pd.testing.assert_frame_equal(back, frame)


def test_corrupt_blob_is_detected():
    frame = conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": ["x"] * 3,
                "t_utc": pd.date_range("2026-01-01", periods=3, freq="s", tz="UTC"),
                "heart_rate_bpm": [100.0, 101.0, 102.0],
            }
        ),
    )
    n, columns, payload = encode_stream("samples", frame)
    with pytest.raises(LibraryDamagedError, match="the library is damaged"):
        decode_stream("samples", n + 1, columns, payload)


def test_rows_round_trip_with_missing_values():
    frame = conform(
        "sleep",
        pd.DataFrame(
            {
                "athlete_id": ["a", "a"],
                "night": [dt.date(2026, 3, 1), None],
                "start_utc": [pd.Timestamp("2026-02-28T22:00Z"), pd.NaT],
                "asleep_min": [420.0, np.nan],
                "source": ["garmin", None],
            }
        ),
    )
    columns = list(frame.columns)
    rows = frame_to_rows("sleep", frame, columns)
    assert rows[1][columns.index("asleep_min")] is None
    assert rows[0][columns.index("night")] == "2026-03-01"
    pd.testing.assert_frame_equal(rows_to_frame("sleep", rows, columns), frame)


def test_value_helpers():
    assert utc_to_ns("2026-01-01T01:00:00+01:00") == pd.Timestamp("2026-01-01T00:00Z").value
    assert utc_to_ns(None) is None
    with pytest.raises(ValueError, match="time zone"):
        utc_to_ns("2026-01-01T00:00")
    assert date_to_iso(dt.datetime(2026, 1, 2, 3, 4)) == "2026-01-02"
    assert date_to_iso("2026-01-02") == "2026-01-02"
