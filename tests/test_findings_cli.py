"""``cramp-analyzer report`` against a real library file (md, json, html)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from analyzer.cli import main
from analyzer.schema import conform
from tests.helpers.library import library_from_tables, nightly_tables

PHYSIOLOGY = {
    "sex": "m",
    "hr_rest_bpm": 50.0,
    "hr_max_bpm": 185.0,
    "lthr_bpm": 165.0,
    "ftp_w": 250.0,
    "timezone": "Europe/Berlin",
    "sleep_need_h": 8.0,
}
START = pd.Timestamp("2024-01-01 16:00", tz="UTC")
N_DAYS = 120


def bundle_tables() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    days = [d for d in range(N_DAYS) if d % 7 not in (2, 5)]
    activities = conform(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"act-{d}" for d in days],
                "sport": "running",
                "start_utc": [START + pd.Timedelta(days=d) for d in days],
                "duration_s": rng.uniform(1800, 5400, len(days)),
                "moving_s": 3000.0,
                "avg_heart_rate_bpm": rng.uniform(125, 165, len(days)),
                "rpe": 5.0,
            }
        ),
    )
    t = START + pd.Timedelta(days=days[-1]) + pd.to_timedelta(np.arange(3600), unit="s")
    samples = conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": f"act-{days[-1]}",
                "t_utc": t,
                "heart_rate_bpm": 150.0,
                "speed_mps": 3.2,
            }
        ),
    )
    nights = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in range(N_DAYS)]
    nightly = nightly_tables(
        nights, rng, bed_h=1, wake_h=6, asleep_min=(330, 500), in_bed_min=520.0
    )
    night_days = np.sort(rng.choice(np.arange(30, N_DAYS), 14, replace=False))
    cramps = conform(
        "cramps",
        pd.DataFrame(
            {
                "cramp_id": [f"c{i}" for i in range(15)],
                "start_utc": [
                    START.normalize() + pd.Timedelta(days=int(d), hours=2) for d in night_days
                ]
                + [t[0] + pd.Timedelta(minutes=50)],
                "muscle": "calf",
                "severity_0_10": 6.0,
                "duration_s": rng.uniform(20, 200, 15),
                "context": ["night"] * 14 + ["exercise"],
                "relief": "stretching",
            }
        ),
    )
    medications = conform(
        "medications",
        pd.DataFrame(
            {
                "name": ["hydrochlorothiazide"],
                "kind": ["medication"],
                "start_date": [dt.date(2024, 3, 1)],
                "end_date": [None],
            }
        ),
    )
    return {
        "activities": activities,
        "samples": samples,
        **nightly,
        "cramps": cramps,
        "medications": medications,
    }


@pytest.fixture
def library_path(tmp_path):
    return library_from_tables(tmp_path / "library.sqlite", "max", PHYSIOLOGY, bundle_tables())


def run_report(capsys, path, fmt) -> str:
    code = main(["report", "--library", str(path), "--athlete", "max", "--format", fmt])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_report_json_has_findings_with_every_key(library_path, capsys):
    doc = json.loads(run_report(capsys, library_path, "json"))
    keys = {
        "exposure",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
        "p_adjusted",
        "n_events",
        "n_referents",
        "descriptive_only",
        "sentence",
    }
    assert doc["findings"] and all(keys <= set(row) for row in doc["findings"])
    assert doc["cramps"] == {"nocturnal": 14, "exercise": 1}
    assert doc["coverage"]["days"] >= N_DAYS - 1 and doc["coverage"]["nights_with_sleep"] > 100
    assert doc["medications"][0]["name"] == "hydrochlorothiazide"
    assert "doctor" in doc["medical_note"]
    assert doc["conventions"]["timezone"] == "Europe/Berlin"
    assert doc["conventions"]["parameters"]["stratum_days"] == 28
    for row in doc["findings"]:
        assert "nan" not in row["sentence"].lower().split()
    tested = [r for r in doc["findings"] if r["p_value"] is not None]
    assert all(r["p_adjusted"] >= r["p_value"] - 1e-12 for r in tested)
    nocturnal = [
        r for r in doc["findings"] if r["cramp_type"] == "nocturnal" and r["kind"] == "binary"
    ]
    assert nocturnal and all(r["n_events"] <= 14 for r in nocturnal)
    exercise = [r for r in doc["findings"] if r["cramp_type"] == "exercise"]
    assert all(r["descriptive_only"] for r in exercise)
    assert len(doc["in_session"]) == 1
    assert doc["in_session"][0]["minutes_into_session"] == pytest.approx(50, abs=0.1)


def test_report_markdown_and_html(library_path, capsys, tmp_path):
    md = run_report(capsys, library_path, "md")
    for heading in (
        "## Method and parameters",
        "## Data coverage",
        "## Findings (ranked)",
        "## Medication timeline",
        "hydrochlorothiazide",
    ):
        assert heading in md
    assert "discuss it with your" in md
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                "--library",
                str(library_path),
                "--athlete",
                "max",
                "--format",
                "html",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<h2>Findings (ranked)</h2>" in page


def test_report_errors_are_clear(tmp_path, library_path, capsys):
    assert main(["report", "--library", str(tmp_path / "none.sqlite"), "--athlete", "x"]) == 2
    assert "no library here" in capsys.readouterr().err
    assert main(["report", "--library", str(library_path), "--athlete", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err
