"""Corrupt, truncated, hostile and unusual FIT input.

The reader either returns data with warnings or raises the project's own
FitError family, with the file name, the byte offset and what was kept.
Synthetic files are built here byte by byte (with fitdecode's CRC as an
independent check of ours) to exercise big-endian records, 12-byte headers,
compressed-timestamp rollover, mis-sized fields and undefined local types.
"""

from __future__ import annotations

import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from fitdecode.utils import compute_crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.errors import FitError, FitHeaderError
from analyzer.io.fit import read_fit
from analyzer.io.fit_tables import canonical_tables, read_fit_bundle

DATA = Path(__file__).parent / "data"
SMALL_FILES = sorted(p for p in DATA.glob("*.fit") if p.stat().st_size < 8000)

# --- a tiny FIT writer for synthetic files ---------------------------------------


def fit_file(records: bytes, *, header_size: int = 14, crc: bool = True) -> bytes:
    """Header + records + file CRC (CRC-16 from fitdecode, independent of ours)."""
    head = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(records), b".FIT")
    if header_size == 14:
        head += struct.pack("<H", compute_crc(head))
    body = head + records
    return body + (struct.pack("<H", compute_crc(body)) if crc else b"")


def definition(
    local: int, global_num: int, fields: list[tuple[int, int, int]], big: bool = False
) -> bytes:
    endian = ">" if big else "<"
    out = struct.pack("<BBB", 0x40 | local, 0, 1 if big else 0) + struct.pack(
        f"{endian}HB", global_num, len(fields)
    )
    return out + b"".join(struct.pack("BBB", *f) for f in fields)


RECORD = 20
TIMESTAMP, HEART_RATE, POWER = (253, 4, 0x86), (3, 1, 0x02), (7, 2, 0x84)
T0 = 1_000_000_000  # FIT seconds: 2021-09-08 01:46:40 UTC


def record(local: int, *values, fmt: str = "<IBH") -> bytes:
    return bytes([local]) + struct.pack(fmt, *values)


# --- real damaged files ------------------------------------------------------------


def test_fit_bad_file_crc_keeps_data_and_warns():
    fit = read_fit(DATA / "corrupt_bad_crc.fit")
    assert len(fit.messages("record")) == 14
    assert any("CRC mismatch" in w and "corrupt_bad_crc.fit" in w for w in fit.warnings)


def test_fit_bad_crc_in_second_chained_segment():
    fit = read_fit(DATA / "corrupt_chained_second_bad_crc.fit")
    assert fit.n_segments == 2
    assert len(fit.messages("record")) == 28
    assert any("segment 2" in w and "CRC" in w for w in fit.warnings)


def test_fit_truncated_file_returns_every_complete_message():
    fit = read_fit(DATA / "truncated_unterminated_nick.fit")
    assert len(fit.messages("record")) == 14391  # what fitdecode yields before its EOF error
    assert any("file ends inside a data message" in w for w in fit.warnings)


@pytest.mark.parametrize("name", ["corrupt_chained_bad_header.fit", "corrupt_chained_nodata.fit"])
def test_fit_garbage_after_first_segment_keeps_first(name):
    fit = read_fit(DATA / name)
    assert len(fit.messages("record")) == 14
    assert fit.warnings


def test_fit_undefined_local_message_stops_with_what_came_before():
    records = definition(0, RECORD, [TIMESTAMP, HEART_RATE, POWER])
    records += record(0, T0, 120, 200) + record(0, T0 + 1, 121, 210)
    records += bytes([0x05]) + b"\x00" * 7  # data for local type 5, never defined
    records += record(0, T0 + 2, 122, 220)
    fit = read_fit(fit_file(records))
    assert fit.messages("record")["heart_rate"].tolist() == [120.0, 121.0]
    assert any("undefined local message type 5" in w for w in fit.warnings)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "too short"),
        (b"hello world, not a FIT file", "signature"),
        (b"\x0e" + b"\x00" * 13, "signature"),
    ],
)
def test_fit_not_a_fit_file_raises_fit_header_error(data, problem):
    with pytest.raises(FitHeaderError) as info:
        read_fit(data, name="upload.fit")
    message = str(info.value)
    assert "upload.fit" in message and "byte 0" in message and problem in message


def test_fit_missing_path_raises_fit_error(tmp_path):
    with pytest.raises(FitError, match="cannot read file"):
        read_fit(tmp_path / "absent.fit")


def test_fit_bundle_of_garbage_raises_fit_error():
    with pytest.raises(FitError):
        read_fit_bundle(b"\x00" * 40, "x.fit")


# --- synthetic features -------------------------------------------------------------


def test_fit_big_endian_and_12_byte_header_without_crc():
    records = definition(0, RECORD, [TIMESTAMP, HEART_RATE, POWER], big=True)
    records += record(0, T0, 150, 0x0102, fmt=">IBH")
    fit = read_fit(fit_file(records, header_size=12))
    frame = fit.messages("record")
    assert frame["power"].tolist() == [258.0]
    assert frame["timestamp"].iloc[0].isoformat() == "2021-09-08T01:46:40+00:00"
    assert fit.warnings == []  # no header CRC in a 12-byte header; the file CRC matches


def test_fit_header_crc_mismatch_warns():
    data = bytearray(fit_file(definition(0, RECORD, [TIMESTAMP]) + record(0, T0, fmt="<I")))
    data[12] ^= 0xFF
    fit = read_fit(bytes(data))
    assert len(fit.messages("record")) == 1
    assert any("header CRC" in w for w in fit.warnings)


def test_fit_compressed_timestamps_roll_over():
    records = definition(0, RECORD, [TIMESTAMP, HEART_RATE])
    records += definition(1, RECORD, [HEART_RATE])
    base = T0 - (T0 % 32) + 30  # low 5 bits = 30
    records += bytes([0]) + struct.pack("<IB", base, 100)
    for offset, hr in [(31, 101), (1, 102), (3, 103)]:  # 31 -> +1 s, then roll over to +3 s, +5 s
        records += bytes([0x80 | (1 << 5) | offset, hr])
    frame = read_fit(fit_file(records)).messages("record")
    seconds = (frame["timestamp"] - frame["timestamp"].iloc[0]).dt.total_seconds().tolist()
    assert seconds == [0.0, 1.0, 3.0, 5.0]


def test_fit_device_relative_timestamps_stay_integers():
    records = (
        definition(0, RECORD, [TIMESTAMP, HEART_RATE])
        + bytes([0])
        + struct.pack("<IB", 17218114, 90)
    )
    frame = read_fit(fit_file(records)).messages("record")
    assert frame["timestamp"].isna().all()
    assert frame["timestamp_relative_s"].tolist() == [17218114]


def test_fit_mis_sized_field_reads_as_uint8_like_the_sdk():
    # COROS-style: a uint32 field declared with size 1 is one uint8 (distance, scale 100)
    records = definition(0, RECORD, [TIMESTAMP, (5, 1, 0x86), HEART_RATE])
    records += bytes([0]) + struct.pack("<IBB", T0, 7, 140)
    fit = read_fit(fit_file(records))
    frame = fit.messages("record")
    assert frame["distance"].tolist() == [0.07]
    assert frame["heart_rate"].tolist() == [140.0]
    assert any("not a multiple of its type" in w for w in fit.warnings)


def test_fit_developer_field_named_and_scaled_from_field_description():
    dev_id = definition(0, 207, [(3, 1, 0x02)]) + bytes([0, 0])  # developer_data_index 0
    desc_fields = [
        (0, 1, 0x02),
        (1, 1, 0x02),
        (2, 1, 0x02),
        (3, 8, 0x07),
        (6, 1, 0x02),
        (7, 1, 0x01),
        (8, 4, 0x07),
    ]
    desc = definition(1, 206, desc_fields)
    desc += bytes([1]) + struct.pack(
        "<BBB8sBb4s", 0, 5, 0x84, b"Core T\x00\x00", 100, 0, b"C\x00\x00\x00"
    )
    rec_def = (
        bytes([0x60 | 2, 0, 0])
        + struct.pack("<HB", RECORD, 1)
        + bytes([253, 4, 0x86])
        + bytes([1, 5, 2, 0])
    )
    data = bytes([2]) + struct.pack("<IH", T0, 3712)
    frame = read_fit(fit_file(dev_id + desc + rec_def + data)).messages("record")
    assert frame["Core T"].tolist() == [37.12]


# --- hypothesis: mutated real files -------------------------------------------------


def _decode_everything(data: bytes) -> None:
    try:
        fit = read_fit(data, name="fuzz.fit")
        for name in fit.message_names():
            fit.messages(name)
        dict(canonical_tables(fit))
        _ = fit.utc_offset_s
    except FitError:
        pass


def _mutate(data: bytes, kind: str, position: int, value: int, length: int) -> bytes:
    pos = position % max(len(data), 1)
    if not data and kind in ("flip", "byte"):
        return data
    if kind == "flip":
        out = bytearray(data)
        out[pos] ^= 1 << (value % 8)
        return bytes(out)
    if kind == "byte":
        out = bytearray(data)
        out[pos] = value % 256
        return bytes(out)
    if kind == "truncate":
        return data[:pos]
    if kind == "insert":
        return data[:pos] + bytes([value % 256]) * length + data[pos:]
    return data[:pos] + data[pos + length :]  # delete


mutations = st.tuples(
    st.sampled_from(["flip", "byte", "truncate", "insert", "delete"]),
    st.integers(0, 10**6),
    st.integers(0, 255),
    st.integers(1, 16),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SMALL_FILES), st.lists(mutations, min_size=1, max_size=4))
def test_fit_mutated_files_raise_only_fit_errors(path, changes):
    data = path.read_bytes()
    for change in changes:
        data = _mutate(data, *change)
    _decode_everything(data)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SMALL_FILES), mutations)
def test_fit_mutated_files_use_bounded_memory(path, change):
    data = _mutate(path.read_bytes(), *change)
    tracemalloc.start()
    try:
        _decode_everything(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * len(data) + 16 * 2**20


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=400))
def test_fit_random_bytes_after_a_valid_header(tail):
    data = fit_file(tail, crc=False)
    _decode_everything(data)
    _decode_everything(np.frombuffer(data, dtype=np.uint8).tobytes()[: len(data) // 2])


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=1, max_size=5000))  # fitdecode asserts on empty input
def test_fit_crc16_equals_fitdecodes(data):
    """Both paths of our CRC (byte loop below 1 kB, numpy blocks above) against fitdecode's."""
    from analyzer.io.fit.crc import crc16

    assert crc16(data) == compute_crc(data)


def test_fit_signalling_nan_in_a_float_field_is_missing_without_a_warning():
    """Random bytes in a float32 field can be a signalling NaN; numpy warns when casting it."""
    import warnings

    fields = [TIMESTAMP, (200, 4, 0x88), (201, 8, 0x89)]  # unknown float32 and float64 fields
    records = definition(0, RECORD, fields, big=True)
    records += bytes([0]) + struct.pack(">I", T0) + bytes([0x7F, 0x80, 0, 1])
    records += bytes([0x7F, 0xF0, 0, 0, 0, 0, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = read_fit(fit_file(records)).messages("record")
    assert list(frame.columns) == ["timestamp"]  # NaN in every message: left out
