"""``cramp-analyzer inspect FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cli import main
from analyzer.simulate.fit_encode import FitWriter, to_fit_seconds

DATA = Path(__file__).parent / "data"


def test_fit_inspect_json(capsys):
    assert main(["inspect", str(DATA / "activity_hr_fenix2_run.fit"), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["record_count"] == 2809
    assert summary["messages"]["session"] == 1
    assert summary["utc_offset_s"] == 7200.0
    assert summary["sport"] == ["running"]
    assert summary["time_span"]["start_utc"] == "2015-08-15T14:45:08+00:00"
    hr = summary["heart_rate_bpm"]
    assert hr["min"] <= hr["mean"] <= hr["max"]
    assert summary["warnings"] == [] and summary["errors"] == []


def test_the_time_span_is_the_records_not_a_device_info_in_local_time(capsys):
    import fitdecode

    path = DATA / "activity_hr_fenix2_run.fit"
    with fitdecode.FitReader(path) as reader:  # an independent decoder
        stamps = [
            frame.get_value("timestamp")
            for frame in reader
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record"
        ]
    assert main(["inspect", str(path), "--format", "json"]) == 0
    span = json.loads(capsys.readouterr().out)["time_span"]
    assert span["of"] == "records"
    assert span["duration_s"] == (max(stamps) - min(stamps)).total_seconds()  # 47 min, not 168


def test_fit_inspect_text_lists_warnings(capsys):
    assert main(["inspect", str(DATA / "corrupt_bad_crc.fit")]) == 0
    out = capsys.readouterr().out
    assert "records       14" in out
    assert "CRC mismatch" in out


def test_fit_inspect_bad_file_exits_non_zero(tmp_path, capsys):
    bad = tmp_path / "notes.fit"
    bad.write_text("these are not FIT bytes at all", encoding="utf-8")
    assert main(["inspect", str(bad), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["errors"]
    assert "notes.fit" in captured.err and "byte 0" in captured.err


def _odd_file(tmp_path: Path) -> Path:
    """Fields declared otherwise than the profile: a 3-byte uint16 heart rate (uint8 elements),
    a text power, a timestamp of two uint32 and a sport of two enums."""
    t0 = pd.Timestamp("2024-06-01 07:00", tz="UTC")
    fit_t0 = int(to_fit_seconds(t0)[0])
    w = FitWriter()
    w.add("file_id", type="activity", manufacturer="development", time_created=t0)
    w.add_raw(
        "record",
        [("timestamp", 4, "uint32"), ("heart_rate", 3, "uint16"), ("power", 4, "string")],
        [(fit_t0 + i, bytes([120 + i, 255, 3]), b"abc") for i in range(5)],
    )
    w.add_raw(
        "session",
        [("timestamp", 8, "uint32"), ("start_time", 4, "uint32"), ("sport", 2, "enum")],
        [((fit_t0 + 4, fit_t0 + 5), fit_t0, (1, 2))],
    )
    path = tmp_path / "odd.fit"
    path.write_bytes(w.to_bytes())
    return path


def test_fit_inspect_fields_declared_as_arrays_or_text(tmp_path, capsys):
    """``inspect`` summarises fields declared otherwise than the profile (arrays, text)."""
    path = _odd_file(tmp_path)
    assert main(["inspect", str(path), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["record_count"] == 5
    assert summary["sport"] == ["running"]  # the first of two enum elements
    assert summary["heart_rate_bpm"] == {"min": None, "mean": None, "max": None}
    assert summary["time_span"]["start_utc"] == "2024-06-01T07:00:00+00:00"
    assert any("heart_rate" in w or "field 3" in w for w in summary["warnings"])
    assert main(["inspect", str(path)]) == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(p.name for p in DATA.glob("*.fit") if p.stat().st_size < 60_000)),
    position=st.integers(min_value=0, max_value=10**9),
    value=st.integers(min_value=0, max_value=255),
    count=st.integers(min_value=1, max_value=8),
)
def test_fit_inspect_mutated_files_exit_0_or_2(tmp_path, capsys, name, position, value, count):
    data = bytearray((DATA / name).read_bytes())
    for k in range(count):  # change ``count`` bytes spread over the file
        data[(position + k * 997) % len(data)] = (value + 31 * k) % 256
    path = tmp_path / "mutated.fit"
    path.write_bytes(bytes(data))
    assert main(["inspect", str(path), "--format", "json"]) in (0, 2)
    json.loads(capsys.readouterr().out)
