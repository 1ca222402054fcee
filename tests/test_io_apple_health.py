"""Apple Health export.xml: streamed, offsets per record, SDNN apart from RMSSD, sleep per night."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from analyzer.errors import ImportFileError
from analyzer.io.registry import detect_format, read_archive, read_bytes, read_path
from analyzer.io.vendors.apple_health import read_apple_health_stream
from tests.helpers.paths import TEST_DATA

EXPORT = TEST_DATA / "exports" / "apple_health_export.xml"


@pytest.fixture(scope="module")
def bundle():
    return read_path(EXPORT)


def test_detected_by_root_element():
    assert detect_format("dışa aktarılan.xml", EXPORT.read_bytes()) == "apple_health_xml"


def test_daily_wellness_uses_each_record_offset(bundle):
    wellness = bundle.tables["wellness"].set_index("date")
    day = wellness.loc[dt.date(2024, 3, 30)]
    assert day["avg_heart_rate_bpm"] == pytest.approx((120 + 150 + 60) / 3)
    assert day["max_heart_rate_bpm"] == 150
    after = wellness.loc[dt.date(2024, 3, 31)]
    assert after["resting_hr_bpm"] == 52 and after["hrv_sdnn_ms"] == 48.5
    assert pd.isna(after["hrv_rmssd_ms"])  # SDNN is never stored as RMSSD


def test_sleep_night_across_the_spring_forward_change(bundle):
    sleep = bundle.tables["sleep"]
    assert len(sleep) == 1  # the watch's staged night wins over the app's unstaged one
    night = sleep.iloc[0]
    assert night["night"] == dt.date(2024, 3, 31)
    assert night["start_utc"] == pd.Timestamp("2024-03-30 22:40", tz="UTC")
    assert night["deep_min"] == 30.0  # 01:40 CET to 03:10 CEST is half an hour
    assert (night["light_min"], night["rem_min"], night["awake_min"]) == (120.0, 195.0, 15.0)
    assert night["asleep_min"] == 345.0 and night["in_bed_min"] == 375.0
    assert night["efficiency_pct"] == pytest.approx(92.0)
    assert list(bundle.tables["sleep_stages"]["stage"]) == ["light", "deep", "awake", "rem"]


def test_workouts_units_and_heart_rate_stream(bundle):
    acts = bundle.tables["activities"]
    run, strength = acts.iloc[0], acts.iloc[1]
    assert run["sport"] == "running" and run["distance_m"] == 6200.0 and run["duration_s"] == 1800.0
    assert (
        run["start_utc"] == pd.Timestamp("2024-03-30 17:00", tz="UTC")
        and run["utc_offset_s"] == 3600
    )
    assert run["avg_heart_rate_bpm"] == 135.0  # from the two samples inside the workout
    assert strength["sub_sport"] == "strength_training" and strength["duration_s"] == 2700.0
    assert strength["energy_kcal"] == pytest.approx(800 / 4.184)
    assert (strength["avg_heart_rate_bpm"], strength["max_heart_rate_bpm"]) == (112.0, 151.0)
    samples = bundle.tables["samples"]
    assert list(samples["heart_rate_bpm"]) == [120.0, 150.0]
    assert set(samples["activity_id"]) == {run["activity_id"]}


def test_sha256_matches_the_bytes(bundle):
    import hashlib

    assert bundle.source_sha256 == hashlib.sha256(EXPORT.read_bytes()).hexdigest()


def test_impossible_heart_rate_refused_or_skipped():
    text = EXPORT.read_text().replace('value="150"/>', 'value="900"/>', 1)
    with pytest.raises(ImportFileError) as info:
        read_bytes("export.xml", text.encode())
    assert (
        "export.xml" in str(info.value)
        and "'900'" in str(info.value)
        and "between 20 and 260" in str(info.value)
    )
    bundle = read_bytes("export.xml", text.encode(), valid_rows_only=True)
    assert "skipped 1" in bundle.warnings[0]
    assert (
        bundle.tables["wellness"].set_index("date").loc[dt.date(2024, 3, 30), "max_heart_rate_bpm"]
        == 120
    )


def test_malformed_xml_names_the_file_and_offset():
    data = EXPORT.read_bytes()[:-200]
    with pytest.raises(ImportFileError, match="export.xml.*malformed"):
        read_apple_health_stream("export.xml", io.BytesIO(data))


def test_zip_member_is_streamed_through_read_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("apple_health_export/export.xml", EXPORT.read_bytes())
        archive.writestr("apple_health_export/notes.txt", "hello")
    results = dict(read_archive("export.zip", buffer.getvalue()))
    assert results["apple_health_export/export.xml"].format == "apple_health_xml"
    assert isinstance(results["apple_health_export/notes.txt"], ImportFileError)


def _write_heart_rate_export(path, n_records: int) -> int:
    """A minimal export with ``n_records`` heart-rate records (about 330 bytes each)."""
    start = pd.Timestamp("2020-01-01 00:00:00")
    with path.open("w") as handle:
        handle.write('<?xml version="1.0"?>\n<HealthData locale="en_GB">\n')
        for i in range(n_records):
            t = (start + pd.Timedelta(seconds=90 * i)).strftime("%Y-%m-%d %H:%M:%S +0100")
            handle.write(
                f' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" '
                f'unit="count/min" startDate="{t}" endDate="{t}" value="{60 + i % 40}">\n'
                '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
                " </Record>\n"
            )
        handle.write("</HealthData>\n")
    return path.stat().st_size


@pytest.mark.slow
def test_memory_stays_flat_as_the_export_grows(tmp_path):
    """Peak Python allocations grow by a small fraction of the file's growth (the file is streamed).

    Parsing the whole file into a tree would take several times the file's size; what is kept
    per record here is one heart-rate sample (16 bytes) and the per-day sums.
    """
    import tracemalloc

    peaks, sizes = [], []
    for n in (2_000, 16_000):
        path = tmp_path / f"export_{n}.xml"
        sizes.append(_write_heart_rate_export(path, n))
        tracemalloc.start()
        bundle = read_path(path)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(bundle.tables["wellness"]) >= n * 90 // 86400
    assert sizes[1] > 7 * sizes[0]
    assert peaks[1] - peaks[0] < (sizes[1] - sizes[0]) / 4, (peaks, sizes)


def _sleep_export(*records: tuple[str, str, str]) -> bytes:
    kinds = {"core": "AsleepCore", "deep": "AsleepDeep", "rem": "AsleepREM"}
    rows = "".join(
        f'<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
        f'startDate="{start}" endDate="{end}" value="HKCategoryValueSleepAnalysis{kinds[kind]}"/>'
        for start, end, kind in records
    )
    return f'<?xml version="1.0"?><HealthData locale="en_DE">{rows}</HealthData>'.encode()


def test_a_day_sleep_across_noon_is_one_night_and_a_nap_is_not_counted():
    """Night shift, then 05:00-14:00 asleep (wake-up date 10 June), then a 17:00 nap."""
    data = _sleep_export(
        ("2024-06-10 05:00:00 +0200", "2024-06-10 09:00:00 +0200", "core"),
        ("2024-06-10 09:00:00 +0200", "2024-06-10 11:30:00 +0200", "deep"),
        ("2024-06-10 11:30:00 +0200", "2024-06-10 14:00:00 +0200", "rem"),
        ("2024-06-10 17:00:00 +0200", "2024-06-10 17:40:00 +0200", "core"),
    )
    sleep = read_apple_health_stream("export.xml", io.BytesIO(data)).tables["sleep"]
    assert sleep["night"].tolist() == [dt.date(2024, 6, 10)]
    assert sleep["asleep_min"].tolist() == [540.0]
    assert sleep["end_utc"].tolist() == [pd.Timestamp("2024-06-10 12:00", tz="UTC")]
