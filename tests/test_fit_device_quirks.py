"""What devices really write, decoded as Garmin's FIT SDK decodes it.

Each case is a file written for it with the project's FIT encoder
(:meth:`analyzer.simulate.fit_encode.FitWriter.add_raw` lays out definitions
by hand), and where the FIT SDK defines the behaviour, the SDK's Python
decoder (garmin-fit-sdk 21.218) reads the same bytes as the oracle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from garmin_fit_sdk import Decoder, Stream

from analyzer.errors import FitRecordError
from analyzer.io.fit import read_fit
from analyzer.io.fit_tables import read_fit_bundle
from analyzer.simulate.fit_encode import FitWriter, to_fit_seconds
from analyzer.timebase import local_dates

T0 = pd.Timestamp("2022-03-15 02:30:00", tz="UTC")  # 2022-03-14 on the US east coast
FIT_T0 = int(to_fit_seconds(T0)[0])


def sdk_messages(data: bytes) -> dict:
    """The FIT SDK's decoding of ``data`` (messages by key), failing on any decoder error."""
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        merge_heart_rates=False
    )
    assert not errors, errors
    return messages


def activity_file(*, local_timestamp: float | None, file_type: str = "activity") -> bytes:
    """A 10-minute run: file_id, 1 Hz records, a lap, a session and an activity message."""
    times = T0 + pd.to_timedelta(np.arange(600), unit="s")
    end = times[-1]
    w = FitWriter()
    w.add("file_id", type=file_type, manufacturer="development", time_created=T0)
    w.add("record", timestamp=times, heart_rate=np.full(600, 140.0))
    if file_type == "activity":
        w.add("lap", timestamp=end, start_time=T0, total_elapsed_time=600.0)
        w.add("session", timestamp=end, start_time=T0, total_elapsed_time=600.0, sport="running")
        local = np.nan if local_timestamp is None else local_timestamp
        w.add("activity", timestamp=end, local_timestamp=np.array([local]), num_sessions=1)
    return w.to_bytes()


# --- defect 1: local_timestamp that is not a local time ----------------------------------


@pytest.mark.parametrize(
    "local, why",
    [
        (0.0, "raw 0 (Zwift)"),
        (FIT_T0 + 20 * 365 * 86400, "20 years ahead (MyWhoosh)"),
        (FIT_T0 + 6.7 * 86400, "6.7 days off"),
        (FIT_T0 + 3600 + 7, "not a multiple of 15 minutes"),
        (FIT_T0 + 15 * 3600, "beyond +14 h"),
    ],
)
def test_fit_implausible_local_timestamp_is_an_unknown_offset(local, why):
    data = activity_file(local_timestamp=local)
    fit = read_fit(data, name="odd.fit")
    assert fit.utc_offset_s is None, why
    assert any("local_timestamp" in w and "odd.fit" in w for w in fit.warnings), fit.warnings
    activities = read_fit_bundle(data, "odd.fit").tables["activities"]
    assert np.isnan(activities["utc_offset_s"].iloc[0])


@pytest.mark.parametrize("offset_s", [-12 * 3600, -9.5 * 3600, 0, 5.75 * 3600, 14 * 3600])
def test_fit_plausible_offsets_are_kept(offset_s):
    end_s = FIT_T0 + 599
    fit = read_fit(activity_file(local_timestamp=end_s + offset_s))
    assert fit.utc_offset_s == offset_s
    assert not fit.warnings


def test_fit_zwift_style_file_lands_on_its_real_local_day():
    """local_timestamp 0: the athlete's zone dates the ride, not 1989-12-31."""
    bundle = read_fit_bundle(activity_file(local_timestamp=0.0), "zwift.fit")
    activities = bundle.tables["activities"]
    days = local_dates(activities["start_utc"], "America/New_York", activities["utc_offset_s"])
    assert days.tolist() == [dt.date(2022, 3, 14)]
    assert any("local_timestamp" in w for w in bundle.warnings)


def test_fit_local_date_time_below_0x10000000_is_not_a_date():
    """The FIT profile: local_date_time values below 0x10000000 are not dates."""
    activity = read_fit(activity_file(local_timestamp=12345.0)).messages("activity")
    assert activity["local_timestamp"].isna().all()
    assert activity["local_timestamp_relative_s"].tolist() == [12345]


# --- defect 2: course files -------------------------------------------------------------


def test_fit_course_file_makes_no_session():
    data = activity_file(local_timestamp=None, file_type="course")
    bundle = read_fit_bundle(data, "route.fit")
    assert "activities" not in bundle.tables and "samples" not in bundle.tables
    assert any("course" in w for w in bundle.warnings)


# --- defects 3-7: fields as the FIT SDK decodes them ------------------------------------


def raw_file(message: str, fields: list, rows: list, **file_id) -> bytes:
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0, **file_id)
    w.add_raw(message, fields, rows)
    return w.to_bytes()


@pytest.mark.parametrize(
    "first, second, expected_m",
    [(0xFFFFFFFF, 2500, 25.0), (1000, 2500, 25.0), (1000, 0xFFFFFFFF, 10.0)],
)
def test_fit_field_defined_twice_keeps_the_last_valid_value(first, second, expected_m):
    """A pool-swim lap with total_distance defined twice: the SDK keeps the last valid one."""
    fields = [("timestamp", 4, "uint32"), ("total_distance", 4, "uint32")]
    data = raw_file("lap", [*fields, ("total_distance", 4, "uint32")], [(FIT_T0, first, second)])
    assert sdk_messages(data)["lap_mesgs"][0]["total_distance"] == expected_m
    fit = read_fit(data, name="swim.fit")
    assert fit.messages("lap")["total_distance"].tolist() == [expected_m]
    assert any("defined twice" in w for w in fit.warnings)


def test_fit_component_into_an_invalid_target_value_is_missing():
    """event.gear_change_data -> rear_gear_num (uint8z): a 0 there is invalid, as in the SDK."""
    gears = 0 | (17 << 8) | (2 << 16) | (50 << 24)  # rear_gear_num 0, rear_gear 17, front 2/50
    fields = [("timestamp", 4, "uint32"), ("event", 1, "enum"), ("event_type", 1, "enum")]
    data = raw_file("event", [*fields, ("data", 4, "uint32")], [(FIT_T0, 43, 3, gears)])
    sdk = sdk_messages(data)["event_mesgs"][0]
    assert sdk["rear_gear_num"] is None and sdk["rear_gear"] == 17
    event = read_fit(data).messages("event").iloc[0]
    assert pd.isna(event["rear_gear_num"]) if "rear_gear_num" in event else True
    assert (event["rear_gear"], event["front_gear_num"], event["front_gear"]) == (17, 2, 50)


def test_fit_mis_sized_field_reads_as_uint8_elements_as_the_sdk_does():
    """COROS: event.data declared uint32 with size 1 is one uint8: timer_trigger 'manual'."""
    fields = [("timestamp", 4, "uint32"), ("event", 1, "enum"), ("event_type", 1, "enum")]
    data = raw_file("event", [*fields, ("data", 1, "uint32")], [(FIT_T0, 0, 0, b"\x00")])
    assert sdk_messages(data)["event_mesgs"][0]["timer_trigger"] == "manual"
    fit = read_fit(data, name="coros.fit")
    event = fit.messages("event").iloc[0]
    assert event["timer_trigger"] == "manual" and event["data"] == 0
    assert any("not a multiple" in w and "uint8" in w for w in fit.warnings)


def test_fit_mis_sized_array_reads_as_uint8_elements():
    fields = [("timestamp", 4, "uint32"), ("heart_rate", 1, "uint8")]
    data = raw_file("record", [*fields, ("power", 3, "uint16")], [(FIT_T0, 150, b"\x01\xff\x03")])
    assert sdk_messages(data)["record_mesgs"][0]["power"] == [1, None, 3]
    assert read_fit(data).messages("record")["power"].tolist() == [(1, None, 3)]


def test_fit_array_of_enum_values_gives_their_names():
    fields = [("timestamp", 4, "uint32"), ("activity_type", 2, "enum")]
    data = raw_file("monitoring_info", fields, [(FIT_T0, (6, 1)), (FIT_T0 + 60, (6, 200))])
    sdk = sdk_messages(data)["monitoring_info_mesgs"]
    assert sdk[0]["activity_type"] == ["walking", "running"]
    got = read_fit(data).messages("monitoring_info")["activity_type"].tolist()
    assert got == [("walking", "running"), ("walking", 200)]


def test_fit_numeric_field_with_more_elements_than_the_profile_stays_numeric():
    """A 2 x uint32 enhanced_speed: the column stays numeric (first element), with a warning."""
    fields = [("timestamp", 4, "uint32"), ("enhanced_speed", 8, "uint32")]
    data = raw_file("record", fields, [(FIT_T0, (3000, 3100)), (FIT_T0 + 1, (0xFFFFFFFF, 3200))])
    assert sdk_messages(data)["record_mesgs"][0]["enhanced_speed"] == [3.0, 3.1]
    fit = read_fit(data, name="long.fit")
    speed = fit.messages("record")["enhanced_speed"]
    assert speed.dtype == np.float64
    assert speed.tolist()[0] == 3.0 and np.isnan(speed.tolist()[1])
    assert any("enhanced_speed" in w and "2 elements" in w for w in fit.warnings)


# --- defect 8: hr beat times, protocol version, segment numbers, CRC -----------------------


def _sdk_beat_times(data: bytes) -> list[float]:
    """Every hr beat dated as the SDK's expand_heart_rates does (without its 250 ms filling)."""
    beats, anchor_t, anchor_counter = [], None, None
    for message in sdk_messages(data)["hr_mesgs"]:
        counters = message["event_timestamp"]
        counters = counters if isinstance(counters, list) else [counters]
        if message.get("timestamp") is not None:
            fraction = message.get("fractional_timestamp") or 0.0
            anchor_t = (message["timestamp"] - FIT_EPOCH).total_seconds() + fraction
            anchor_counter = counters[0]
        beats += [anchor_t + c - anchor_counter for c in counters]
    return beats


FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "name", ["activity_hr_msgs_fr935_chained.fit", "activity_hrm_plugin_hr_msgs.fit"]
)
def test_fit_hr_beats_are_dated_from_their_anchor_as_the_sdk_does(samples_dir, name):
    data = (samples_dir / "fit" / name).read_bytes()
    ours = [b for row in read_fit(data).messages("hr")["event_timestamp"] for b in row]
    np.testing.assert_allclose(ours, _sdk_beat_times(data), rtol=0, atol=1e-6)


def test_fit_hr_beats_of_a_written_file():
    """An anchor (counter 1000.5 s at 12:00:00.25 UTC) and 12-bit counters that wrap."""
    counter = 1000.5
    raw = int(counter * 1024)
    later = [raw + 700, raw + 1500, raw + 4000, raw + 4700]  # wraps past 4096 counts
    packed = 0
    for i, value in enumerate(later):
        packed |= (value & 0xFFF) << (12 * i)
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    w.add_raw(
        "hr",
        [
            ("timestamp", 4, "uint32"),
            ("fractional_timestamp", 2, "uint16"),
            ("event_timestamp", 4, "uint32"),
            ("filtered_bpm", 1, "uint8"),
        ],
        [(FIT_T0, 8192, raw, 60)],
    )
    w.add_raw(
        "hr",
        [("event_timestamp_12", 6, "byte"), ("filtered_bpm", 4, "uint8")],
        [(packed.to_bytes(6, "little"), (61, 62, 63, 64))],
    )
    data = w.to_bytes()
    beats = [b for row in read_fit(data).messages("hr")["event_timestamp"] for b in row]
    expected = [FIT_T0 + 0.25 + (v - raw) / 1024 for v in [raw, *later]]
    np.testing.assert_allclose(beats, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(_sdk_beat_times(data), expected, rtol=0, atol=1e-9)


def test_fit_protocol_version_3_is_read_with_a_warning():
    w = FitWriter(protocol_version=0x30)
    w.add("file_id", type="activity", manufacturer="development", time_created=T0)
    w.add("record", timestamp=T0, heart_rate=120.0)
    fit = read_fit(w.to_bytes(), name="v3.fit")
    assert fit.messages("record")["heart_rate"].tolist() == [120.0]
    assert any("protocol version 3.0" in w for w in fit.warnings)


def test_fit_segments_are_numbered_from_1_in_every_warning():
    first = activity_file(local_timestamp=None)
    second = bytearray(activity_file(local_timestamp=None))
    second[-1] ^= 0xFF  # the second segment's CRC is wrong
    fit = read_fit(first + bytes(second) + b"garbage!", name="chain.fit")
    crc = [w for w in fit.warnings if "CRC mismatch" in w]
    after = [w for w in fit.warnings if "are not a FIT file" in w]
    assert len(crc) == 1 and "FIT segment 2 " in crc[0]
    assert len(after) == 1 and "after FIT segment 2 " in after[0]


def test_fit_crc_is_checked_when_reading_stops_early():
    """A damaged byte that stops the walk: the CRC says the data are corrupt too."""
    data = bytearray(activity_file(local_timestamp=None))
    # header 14, file_id definition 15 and message 8, record definition 12: the 11th record
    # (6 bytes each) starts at byte 109; its header becomes one of undefined local type 11
    data[109] = 0x0B
    fit = read_fit(bytes(data), name="damaged.fit")
    assert any("stopped reading" in w for w in fit.warnings)
    assert any("CRC mismatch" in w for w in fit.warnings)


# --- a file whose clock was never set -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["compressed_ts_antfs_dump.fit", "compressed_ts_speed_distance.fit"]
)
def test_fit_file_without_any_date_is_refused_with_a_clear_message(name):
    """Forerunner 70 files: every time counts seconds since power-on; nothing can be dated."""
    data = (Path(__file__).parent / "data" / name).read_bytes()
    with pytest.raises(FitRecordError, match="seconds since the device was switched on"):
        read_fit_bundle(data, name)
