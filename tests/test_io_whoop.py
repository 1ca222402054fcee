"""WHOOP cycles and sleeps: local times with a per-row zone, nights by wake-up date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import CsvImportError
from analyzer.io.registry import detect_format, read_bytes
from tests.helpers.paths import TEST_DATA


def real(samples_dir, name: str) -> bytes:
    return (samples_dir / "exports" / "whoop" / name).read_bytes()


def test_real_sleeps_main_sleeps_only(samples_dir):
    data = real(samples_dir, "sleeps.csv")
    assert detect_format("x", data) == "whoop_sleeps_csv"
    bundle = read_bytes("sleeps.csv", data)
    sleep = bundle.tables["sleep"]
    assert len(sleep) == 17 and "3 nap(s) not imported" in bundle.warnings[0]
    first = sleep.iloc[0]
    assert first["night"] == dt.date(2024, 6, 24)
    assert first["start_utc"] == pd.Timestamp(
        "2024-06-24 00:24:26", tz="UTC"
    )  # 20:24:26 at UTC-04:00
    assert first["end_utc"] == pd.Timestamp("2024-06-24 09:44:09", tz="UTC")
    assert (first["asleep_min"], first["deep_min"], first["rem_min"]) == (504.0, 77.0, 139.0)
    assert first["efficiency_pct"] == 90.0 and first["source"] == "whoop"
    # 2024-06-15 21:42:59 at UTC+01:00 -> woke 2024-06-16 06:47:05 local.
    assert sleep.iloc[2]["night"] == dt.date(2024, 6, 16)


def test_real_cycles_to_wellness(samples_dir):
    data = real(samples_dir, "physiological_cycles.csv")
    assert detect_format("x", data) == "whoop_cycles_csv"
    wellness = read_bytes("physiological_cycles.csv", data).tables["wellness"]
    assert len(wellness) == 20
    first = wellness.iloc[0]
    assert first["date"] == dt.date(2024, 6, 24)
    assert (first["resting_hr_bpm"], first["hrv_rmssd_ms"]) == (77.0, 16.0)


def test_sleep_across_fall_back_night_counts_real_hours():
    sleep = read_bytes(
        "s.csv", (TEST_DATA / "exports" / "whoop_sleeps_dst.csv").read_bytes()
    ).tables["sleep"]
    night = sleep.iloc[0]
    assert night["night"] == dt.date(2024, 11, 3)
    # 23:10 EDT to 06:40 EST is 8 h 30 min, not the 7 h 30 min of the wall clock.
    assert night["end_utc"] - night["start_utc"] == pd.Timedelta(hours=8, minutes=30)
    assert sleep.iloc[1]["night"] == dt.date(2024, 11, 4)


def test_time_repeated_by_fall_back_is_reported():
    text = (TEST_DATA / "exports" / "whoop_sleeps_dst.csv").read_text()
    text = text.replace("2024-11-03 06:40:00", "2024-11-03 01:30:00")
    with pytest.raises(CsvImportError) as info:
        read_bytes("s.csv", text.encode())
    assert "row 1, column 'Wake onset': '2024-11-03 01:30:00'" in str(info.value)
    assert "repeated by a daylight-saving change" in str(info.value)


def test_unknown_zone_text_is_a_row_problem():
    text = (
        (TEST_DATA / "exports" / "whoop_sleeps_dst.csv")
        .read_text()
        .replace("America/New_York", "Narnia", 1)
    )
    with pytest.raises(
        CsvImportError, match=r"row 1, column 'Sleep onset'.*a time zone for this row"
    ):
        read_bytes("s.csv", text.encode())


def test_real_cycles_alone_give_one_night_per_cycle_with_a_sleep(samples_dir):
    data = real(samples_dir, "physiological_cycles.csv")
    cycles = read_bytes("physiological_cycles.csv", data)
    nights = cycles.tables["sleep"]
    # 20 cycles; the one of 2024-06-22 23:00 has no sleep onset or wake-up in the export
    assert len(cycles.tables["wellness"]) == 20 and len(nights) == 19
    assert nights["night"].is_unique
    first = nights.iloc[0]
    assert first["night"] == dt.date(2024, 6, 24)
    assert first["end_utc"] == pd.Timestamp("2024-06-24 09:44:09", tz="UTC")
    assert (first["asleep_min"], first["in_bed_min"], first["score"]) == (504.0, 557.0, 100.0)


def test_real_cycles_and_sleeps_describe_a_night_alike(samples_dir):
    cycles = read_bytes("c.csv", real(samples_dir, "physiological_cycles.csv")).tables["sleep"]
    sleeps = read_bytes("s.csv", real(samples_dir, "sleeps.csv")).tables["sleep"]
    both = cycles.merge(sleeps, on="night", suffixes=("_c", "_s"))
    assert len(both) == 16
    for column in ("start_utc", "end_utc", "asleep_min", "deep_min", "efficiency_pct", "source"):
        assert (both[f"{column}_c"] == both[f"{column}_s"]).all(), column


@pytest.mark.parametrize("order", [("cycles", "sleeps"), ("sleeps", "cycles")])
def test_cycles_and_sleeps_in_either_order_store_each_night_once(samples_dir, tmp_path, order):
    from analyzer.store import Library

    files = {"cycles": "physiological_cycles.csv", "sleeps": "sleeps.csv"}
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.create_athlete("w", timezone="America/New_York")
        for kind in order:
            result = lib.import_file("w", files[kind], real(samples_dir, files[kind]))
            assert result.status in ("imported", "partial"), result.message  # naps: partial
        nights = lib.sleep("w")
    # 19 nights from the cycles, 17 main sleeps in sleeps.csv: 20 different nights together
    assert len(nights) == 20 and nights["night"].is_unique
    assert set(nights["source"]) == {"whoop"}
    night = nights.set_index("night").loc[dt.date(2024, 6, 24)]
    assert (night["asleep_min"], night["rem_min"]) == (504.0, 139.0)
