"""``cramp-analyzer inspect FILE``."""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.cli import main

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
