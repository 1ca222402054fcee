"""Our FIT encoder writes files that fitdecode and fitparse read back exactly, without warnings."""

from __future__ import annotations

import io
import warnings

import fitdecode
import fitparse
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.io.fit.crc import crc16
from analyzer.simulate.fit_encode import FIT_EPOCH_S, FitWriter, to_fit_seconds

T0 = pd.Timestamp("2026-03-29 00:30:00", tz="UTC")


def decode(data: bytes) -> list[tuple[str, dict]]:
    """All data messages, decoded by fitdecode with CRC checks raising and warnings as errors."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    out.append((frame.name, {f.name: f.value for f in frame.fields}))
    return out


def test_header_and_crc_layout():
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    data = w.to_bytes()
    assert data[0] == 14 and data[8:12] == b".FIT"
    assert int.from_bytes(data[4:8], "little") == len(data) - 16
    assert crc16(data[:12]) == int.from_bytes(data[12:14], "little")
    assert crc16(data) == 0  # a file including its own CRC checks to zero


def test_time_conversion_uses_the_fit_epoch():
    assert to_fit_seconds(pd.Timestamp("1989-12-31", tz="UTC"))[0] == 0
    assert to_fit_seconds(T0)[0] == T0.timestamp() - FIT_EPOCH_S
    with pytest.raises(ValueError, match="tz-aware"):
        to_fit_seconds(pd.Timestamp("2026-01-01"))


def test_records_round_trip_with_scale_offset_and_missing_values():
    times = T0 + pd.to_timedelta([0, 4, 8], unit="s")
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    w.add(
        "record",
        timestamp=times,
        heart_rate=[120.0, np.nan, 150.0],
        enhanced_altitude=[-12.4, 0.0, 812.6],
        temperature=[-5.0, 0.0, 31.0],
        enhanced_speed=[3.123, 0.0, 12.5],
        distance=[0.0, 12.49, 25.0],
    )
    messages = decode(w.to_bytes())
    records = [m for name, m in messages if name == "record"]
    assert [r["timestamp"] for r in records] == list(times.to_pydatetime())
    assert [r["heart_rate"] for r in records] == [120, None, 150]
    assert [r["enhanced_altitude"] for r in records] == pytest.approx([-12.4, 0.0, 812.6])
    assert [r["temperature"] for r in records] == [-5, 0, 31]
    assert [r["enhanced_speed"] for r in records] == pytest.approx([3.123, 0.0, 12.5])
    assert [r["distance"] for r in records] == pytest.approx([0.0, 12.49, 25.0])


def test_enums_strings_and_unnamed_file_types():
    w = FitWriter()
    w.add("file_id", type=49, manufacturer="development", product_name="simulator")
    w.add("sleep_level", timestamp=[T0, T0 + pd.Timedelta(minutes=5)], sleep_level=["light", "rem"])
    messages = decode(w.to_bytes())
    assert messages[0] == (
        "file_id",
        {"type": 49, "manufacturer": "development", "product_name": "simulator"},
    )
    assert [m["sleep_level"] for _, m in messages[1:]] == ["light", "rem"]


def test_fitparse_reads_the_same_records():
    times = T0 + pd.to_timedelta(np.arange(50), unit="s")
    hr = np.arange(50) + 100.0
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    w.add("record", timestamp=times, heart_rate=hr, power=hr * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        records = [m.get_values() for m in fitparse.FitFile(w.to_bytes()).get_messages("record")]
    assert [r["heart_rate"] for r in records] == hr.astype(int).tolist()
    assert [r["power"] for r in records] == (hr * 2).astype(int).tolist()
    assert records[0]["timestamp"] == T0.tz_localize(None).to_pydatetime()


def test_more_than_sixteen_layouts_reuse_local_numbers():
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development")
    fields = ["heart_rate", "cadence", "power", "temperature", "distance", "enhanced_speed"]
    expected = []
    for i in range(40):  # 40 different field sets force redefinitions of local messages
        chosen = [f for bit, f in enumerate(fields) if (i + 1) >> bit & 1]
        w.add("record", timestamp=T0 + pd.Timedelta(seconds=i), **{f: float(i) for f in chosen})
        expected.append({f: i for f in chosen})
    records = [m for name, m in decode(w.to_bytes()) if name == "record"]
    assert len(records) == 40
    for got, want in zip(records, expected):
        assert {k: got[k] for k in want} == pytest.approx(want)


def test_bad_input_is_refused():
    w = FitWriter()
    with pytest.raises(ValueError, match="no message"):
        w.add("no_such_message", x=1)
    with pytest.raises(ValueError, match="no fields"):
        w.add("record", heart_beat=1)
    with pytest.raises(ValueError, match="out of range"):
        w.add("record", heart_rate=300.0)
    with pytest.raises(ValueError, match="different lengths"):
        w.add("record", heart_rate=[1.0, 2.0], cadence=[1.0])
    with pytest.raises(ValueError, match="not a profile value"):
        w.add("sleep_level", sleep_level="dozing")


@settings(max_examples=40, deadline=None)
@given(
    hr=st.lists(st.one_of(st.none(), st.integers(0, 254)), min_size=1, max_size=30),
    offset_s=st.integers(0, 10**8),
)
def test_any_heart_rate_series_round_trips(hr, offset_s):
    # FIT date_time values below 0x10000000 (1998) are device-relative, not dates.
    times = pd.Timestamp("2000-01-01", tz="UTC") + pd.to_timedelta(
        offset_s + np.arange(len(hr)), unit="s"
    )
    values = np.array([np.nan if v is None else v for v in hr], dtype=float)
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development")
    w.add("record", timestamp=times, heart_rate=values)
    records = [m for name, m in decode(w.to_bytes()) if name == "record"]
    assert [r["heart_rate"] for r in records] == hr
    assert [r["timestamp"] for r in records] == list(times.to_pydatetime())
