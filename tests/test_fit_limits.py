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

from analyzer.errors import ImportFileError
from analyzer.io.fit import read_fit, walk
from analyzer.io.fit_tables import read_fit_bundle
from analyzer.simulate.fit_encode import FitWriter, to_fit_seconds
from tests.helpers.paths import TEST_DATA

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


def _wide_layouts(n: int, first: int, n_fields: int = 255) -> bytes:
    """``n`` different record definitions of ``n_fields`` byte fields, one message each."""
    body = bytearray()
    for i in range(n):
        j = first + i
        sizes = [1 + j % 200, 1 + j // 200 % 200] + [1] * (n_fields - 2)
        fields = b"".join(bytes((number, sizes[number], 0x0D)) for number in range(n_fields))
        body += struct.pack("<BBBHB", 0x40 | i % 16, 0, 0, 20, n_fields) + fields
        body += bytes([i % 16]) + bytes(sum(sizes))
    head = struct.pack("<BBHI4s", 12, 0x20, 2132, len(body), b".FIT")
    return head + bytes(body) + b"\x00\x00"


def test_fit_layout_caches_across_files_are_bounded_by_the_fields_they_hold(monkeypatch):
    """Files of many wide layouts cannot fill the per-process caches past their budget.

    Counting entries alone let 16 hostile files of 4,096 layouts of 255 fields (3.2 MB
    each) keep 1.3 GB resident.
    """
    from analyzer.io import boundedcache, fastframe
    from analyzer.io.fit import decode, merged, plan

    budget = 20_000
    monkeypatch.setattr(boundedcache, "MAX_WEIGHT", budget)
    caches = [
        walk._shape,
        plan.layout_plan,
        plan.numeric_dtype,
        plan.selected_fields,
        merged._needed,
        decode.timestamp_slot,
        fastframe._cached_labels,
    ]
    for cache in caches:
        cache.cache_clear()
    first = None
    for k in range(4):  # 4 files of 120 layouts: 122,880 fields in all
        fit = read_fit(_wide_layouts(120, 120 * k), name=f"wide{k}.fit", check_crc=False)
        records = fit.messages("record")
        assert len(records) == 120
        with pytest.raises(ImportFileError, match="no session or record has a date"):
            read_fit_bundle(_wide_layouts(120, 120 * k), f"wide{k}.fit")
        first = records if first is None else first
        assert all(cache.cache_weight() <= budget for cache in caches)
    assert walk._shape.cache_weight() > 0 and plan.layout_plan.cache_weight() > 0
    # the first file read again, after its entries were dropped: the same messages
    again = read_fit(_wide_layouts(120, 0), name="wide0.fit", check_crc=False)
    pd.testing.assert_frame_equal(again.messages("record"), first)


def test_a_weighted_cache_drops_its_entries_before_passing_its_budget(monkeypatch):
    from analyzer.io import boundedcache

    monkeypatch.setattr(boundedcache, "MAX_WEIGHT", 10)
    calls = []

    @boundedcache.weighted_cache(len)
    def size(text: str) -> int:
        calls.append(text)
        return len(text)

    assert [size("abc"), size("abc"), size("defg")] == [3, 3, 4]
    assert calls == ["abc", "defg"] and size.cache_weight() == 4 + 5
    assert size("hi") == 2  # 9 + 3 > 10: everything dropped first
    assert size.cache_weight() == 3
    assert size("abc") == 3 and calls == ["abc", "defg", "hi", "abc"]
    size.cache_clear()
    assert size.cache_weight() == 0


def test_fit_fields_of_distinct_definitions_past_the_cap_stop_the_walk(monkeypatch):
    """Layouts cost decoding work per field: 4,096 layouts of 255 fields took 19 s to inspect."""
    monkeypatch.setattr(walk, "MAX_SHAPE_FIELDS", 255 * 10 + 100)
    fit = read_fit(_wide_layouts(30, 0), name="wide.fit", check_crc=False)
    assert fit.message_counts() == {"record": 10}
    assert any("more than 2,650 fields in different message definitions" in w for w in fit.warnings)
    assert len(fit.messages("record")) == 10


def test_fit_fields_cap_leaves_the_widest_real_file_whole():
    """The real file with the most layouts (366, fields in random order) is far below the cap."""
    data = (TEST_DATA / "devfields_multiple_index.fit").read_bytes()
    fit = read_fit(data, name="devfields_multiple_index.fit")
    assert not any("fields in different message definitions" in w for w in fit.warnings)
    shapes = walk.walk(data, "devfields_multiple_index.fit").shapes
    assert 4_000 < sum(len(s.fields) + len(s.dev_fields) for s in shapes) < walk.MAX_SHAPE_FIELDS
