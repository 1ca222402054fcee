"""Implausible times are split off at import and cannot inflate stream work.

The cases: one flipped bit in one record's timestamp of a real ride (2^28 s = 8.5 years
later), a small file with records from 1998 to 2126, a session in 2126; and the 1 Hz power
grid of Normalized Power over a stream with one sample years away.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import FitRecordError
from analyzer.indicators import power as pw
from analyzer.indicators.params import IndicatorParams
from analyzer.indicators.session_streams import StreamSet, stream_metrics
from analyzer.io.fit import read_fit
from analyzer.io.fit.decode import timestamp_slot
from analyzer.io.fit_tables import read_fit_bundle
from analyzer.simulate.fit_encode import FitWriter, to_fit_seconds

DATA = Path(__file__).parent / "data"
RIDE = "devfields_types_sample.fit"  # a real 148 kB ride with a power stream


def _flip_timestamp_bit(data: bytes, record: int, bit: int) -> bytes:
    """``data`` with one bit of the timestamp of the ``record``-th record message flipped."""
    fit = read_fit(data)
    walk = fit._walk
    rows = np.flatnonzero(
        [walk.shapes[s].global_num == 20 for s in walk.def_shapes[walk.definition_ids]]
    )
    row = int(rows[record])
    shape = walk.shapes[walk.def_shapes[walk.definition_ids[row]]]
    offset, size, _, endian = timestamp_slot(shape.fields, shape.endian)
    assert size == 4 and endian == "<"
    out = bytearray(data)
    out[int(walk.positions[row]) + 1 + offset + bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def test_fit_one_flipped_timestamp_bit_is_split_off():
    data = (DATA / RIDE).read_bytes()
    clean = read_fit_bundle(data, RIDE)
    flipped = read_fit_bundle(_flip_timestamp_bit(data, 1000, 28), RIDE)
    samples, activity = flipped.tables["samples"], flipped.tables["activities"].iloc[0]
    assert len(samples) == len(clean.tables["samples"]) - 1
    span = (samples["t_utc"].max() - activity["start_utc"]).total_seconds()
    assert span <= activity["duration_s"] + 3600
    assert any("1 of 3424 records lie outside their session" in w for w in flipped.warnings)


def _dated_file(times: list[pd.Timestamp], session_start: pd.Timestamp | None = None) -> bytes:
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=times[0])
    w.add_raw(
        "record",
        [("timestamp", 4, "uint32"), ("heart_rate", 1, "uint8"), ("power", 2, "uint16")],
        [(int(to_fit_seconds(t)[0]), 150, 250) for t in times],
    )
    if session_start is not None:
        w.add(
            "session",
            timestamp=session_start,
            start_time=session_start,
            total_elapsed_time=600.0,
            sport="cycling",
        )
    return w.to_bytes()


def test_fit_records_from_1998_to_2126_keep_only_the_real_ride():
    ride = [pd.Timestamp("2024-05-01 17:00", tz="UTC") + pd.Timedelta(seconds=i) for i in range(5)]
    odd = [pd.Timestamp("1998-07-05 00:00", tz="UTC"), pd.Timestamp("2126-01-01", tz="UTC")]
    data = _dated_file([odd[0], *ride, odd[1]])
    assert len(data) < 400
    bundle = read_fit_bundle(data, "odd.fit")
    samples, activity = bundle.tables["samples"], bundle.tables["activities"].iloc[0]
    assert samples["t_utc"].tolist() == ride
    assert activity["start_utc"] == ride[0] and activity["duration_s"] == 4.0
    assert any("2 of 7 records lie outside their session" in w for w in bundle.warnings)


def test_fit_a_session_in_2126_is_refused():
    start = pd.Timestamp("2126-01-10 08:00", tz="UTC")  # uint32 FIT seconds end in Feb 2126
    data = _dated_file([start + pd.Timedelta(seconds=i) for i in range(5)], start)
    with pytest.raises(FitRecordError, match="every date in the file lies in the future"):
        read_fit_bundle(data, "future.fit")


def test_resample_regular_never_covers_more_than_the_session():
    t = np.array([0.0, 1.0, 2.0, 2.0**28])
    assert pw.resample_regular(t, np.full(4, 200.0), 1.0, 10.0, max_duration_s=3600).size == 3601
    assert pw.resample_regular(t[:3], np.full(3, 200.0), 1.0, 10.0, max_duration_s=3600).size == 3


def test_normalized_power_of_a_stream_with_a_sample_years_away_is_bounded():
    start = pd.Timestamp("2024-05-01 17:00", tz="UTC")
    times = [start + pd.Timedelta(seconds=i) for i in range(3600)]
    power = 200.0 + 50.0 * np.sin(np.arange(3600) / 60.0)
    clean = pd.DataFrame({"activity_id": "a", "t_utc": times, "power_w": power})
    far = pd.DataFrame(
        {"activity_id": ["a"], "t_utc": [start + pd.Timedelta(seconds=2**28)], "power_w": [300.0]}
    )
    params = IndicatorParams()
    gap = params.sample_max_gap_s
    expected = stream_metrics(StreamSet(clean, ["a"], gap, [3599.0]), params)
    damaged = pd.concat([clean, far], ignore_index=True)
    recorded = stream_metrics(StreamSet(damaged, ["a"], gap, [3599.0]), params)
    unknown = stream_metrics(StreamSet(damaged, ["a"], gap, [np.nan]), params)
    assert recorded["np_w"].iloc[0] == pytest.approx(expected["np_w"].iloc[0])
    assert np.isfinite(unknown["np_w"].iloc[0])  # bounded by the span with gaps capped
