"""Files that would exhaust memory or time: the reader's caps hold and say so.

Each case is built with the project's FIT encoder (or byte by byte where the
case is a hostile layout no encoder writes): a definition before every data
message (as Suunto writes), millions of one-byte records, hundreds of
thousands of distinct definitions. The caps are patched small where the real
file would take a while to build; one slow test builds the 60 MB file.
"""

from __future__ import annotations

import struct
import tracemalloc

import pandas as pd
import pytest

from analyzer.io.fit import read_fit, walk
from analyzer.io.fit_tables import read_fit_bundle
from analyzer.simulate.fit_encode import FitWriter, to_fit_seconds

T0 = pd.Timestamp("2023-05-01 06:00:00", tz="UTC")
FIT_T0 = int(to_fit_seconds(T0)[0])


def _records(n: int) -> list[tuple]:
    return [(FIT_T0 + i, 100 + i % 60, 200 + i % 90) for i in range(n)]


RECORD = [("timestamp", 4, "uint32"), ("heart_rate", 1, "uint8"), ("power", 2, "uint16")]


def _ride(define_each: bool, n: int = 3000) -> bytes:
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    w.add_raw("record", RECORD, _records(n), define_each=define_each)
    w.add("session", timestamp=T0, start_time=T0, total_elapsed_time=float(n), sport="cycling")
    return w.to_bytes()


def test_fit_a_definition_before_every_message_decodes_as_one_definition():
    """The Suunto Ambit3 pattern: as many definition messages as data messages."""
    once, each = _ride(define_each=False), _ride(define_each=True)
    assert len(each) > len(once) + 3000 * 10
    a, b = read_fit(once), read_fit(each)
    pd.testing.assert_frame_equal(a.messages("record"), b.messages("record"))
    assert b._walk.def_offsets.size >= 3000 and len(b._walk.shapes) == len(a._walk.shapes)
    samples = [read_fit_bundle(d, "x.fit").tables["samples"] for d in (once, each)]
    pd.testing.assert_frame_equal(*(s.drop(columns="activity_id") for s in samples))


def _one_byte_records(n: int) -> bytes:
    """A definition without fields, then ``n`` data messages of one byte (the header)."""
    body = struct.pack("<BBBHB", 0x40, 0, 0, 20, 0) + bytes(n)
    head = struct.pack("<BBHI4s", 12, 0x20, 2132, len(body), b".FIT")
    return head + body + b"\x00\x00"


def test_fit_data_messages_past_the_cap_are_not_read(monkeypatch):
    monkeypatch.setattr(walk, "MAX_DATA_MESSAGES", 1000)
    fit = read_fit(_one_byte_records(5000), name="ones.fit", check_crc=False)
    assert fit.message_counts() == {"record": 1000}
    assert any("more than 1,000 data messages" in w for w in fit.warnings)


@pytest.mark.slow
def test_fit_60_mb_of_one_byte_records_stays_in_bounded_memory():
    data = _one_byte_records(60_000_000)
    tracemalloc.start()
    try:
        fit = read_fit(data, name="ones.fit", check_crc=False)
        counts = fit.message_counts()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts == {"record": walk.MAX_DATA_MESSAGES}
    assert peak < 400 * 2**20  # 4 million messages: positions and their tables


def _distinct_definitions(n: int) -> bytes:
    """``n`` definitions of ``record``, each with a different unknown field number/size."""
    parts = []
    for i in range(n):
        number, size = 100 + i % 150, 1 + i // 150 % 200
        parts.append(struct.pack("<BBBHBBBB", 0x40, 0, 0, 20, 1, number, size, 0x0D))
        parts.append(bytes([0]) + bytes(size))
    body = b"".join(parts)
    head = struct.pack("<BBHI4s", 12, 0x20, 2132, len(body), b".FIT")
    return head + body + b"\x00\x00"


def test_fit_distinct_definitions_past_the_cap_stop_the_walk(monkeypatch):
    monkeypatch.setattr(walk, "MAX_SHAPES", 300)
    fit = read_fit(_distinct_definitions(1000), name="layouts.fit", check_crc=False)
    assert fit.message_counts() == {"record": 300}
    assert any("more than 300 different message definitions" in w for w in fit.warnings)
    assert len(fit.messages("record")) == 300


def test_fit_definitions_past_the_cap_stop_the_walk(monkeypatch):
    monkeypatch.setattr(walk, "MAX_DEFINITIONS", 500)
    fit = read_fit(_ride(define_each=True, n=2000), name="suunto.fit")
    assert fit.message_counts()["record"] == 499  # file_id's definition is the first
    assert any("more than 500 definition messages" in w for w in fit.warnings)


@pytest.mark.slow
def test_fit_250000_distinct_definitions_are_capped():
    """A 6.5 MB file of 250,000 definition layouts (about 45 s to decode without the caps)."""
    data = _distinct_definitions(250_000)
    fit = read_fit(data, name="layouts.fit", check_crc=False)
    assert fit.message_counts() == {"record": walk.MAX_SHAPES}
    assert len(fit.messages("record")) == walk.MAX_SHAPES
    assert fit.messages("record")["unknown_100"].notna().any()


def test_fit_files_past_the_size_cap_are_refused(monkeypatch, tmp_path):
    from analyzer.errors import FitError
    from analyzer.io.fit import reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    data = _ride(define_each=False, n=200)
    path = tmp_path / "big.fit"
    path.write_bytes(data)
    for source in (data, path):
        with pytest.raises(FitError, match="more than the 1,000 this reader accepts"):
            read_fit(source, name="big.fit")
