"""One pipeline: the command line and the dashboard give the same results for the same athlete.

Both run :mod:`analyzer.pipeline`; these tests hold them to it on a library
file, with indicator conventions other than the defaults (the command line
used to ignore them in its report).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest

from analyzer import pipeline
from analyzer.cli import main
from analyzer.findings.report import render_report
from analyzer.indicators import IndicatorParams
from analyzer.schema import conform
from analyzer.store import Library
from tests.helpers.library import library_from_tables

PHYSIOLOGY = {
    "sex": "f",
    "hr_rest_bpm": 50.0,
    "hr_max_bpm": 188.0,
    "timezone": "Europe/Madrid",
    "sleep_need_h": 7.5,
}
FIRST = pd.Timestamp("2024-01-01 17:00", tz="UTC")
N_DAYS = 150
#: Conventions other than the defaults, as the Settings page and ``--set`` give them.
CHANGED = {"pmc_alpha": "inverse", "monotony_ddof": 0, "ewma_seed": "zero"}


def athlete_tables(seed: int = 11) -> dict[str, pd.DataFrame]:
    """Five months of evening sessions, nights, mornings, cramps of both kinds, a medication."""
    rng = np.random.default_rng(seed)
    days = np.flatnonzero(rng.random(N_DAYS) < 0.7)
    starts = [FIRST + pd.Timedelta(days=int(d), minutes=int(rng.integers(0, 120))) for d in days]
    durations = rng.gamma(5.0, 700.0, days.size)
    activities = pd.DataFrame(
        {
            "activity_id": [f"run-{d}" for d in days],
            "sport": "running",
            "start_utc": starts,
            "duration_s": durations,
            "moving_s": durations * 0.95,
            "avg_heart_rate_bpm": rng.normal(148, 9, days.size),
            "avg_temperature_c": rng.normal(18, 6, days.size),
            "rpe": rng.integers(3, 9, days.size).astype(float),
        }
    )
    nights = [dt.date(2024, 1, 2) + dt.timedelta(days=d) for d in range(N_DAYS) if d % 17]
    wake = [pd.Timestamp(n, tz="Europe/Madrid") + pd.Timedelta(hours=7) for n in nights]
    asleep = rng.normal(440, 50, len(nights))
    sleep = pd.DataFrame(
        {
            "night": nights,
            "start_utc": [w - pd.Timedelta(minutes=a + 25) for w, a in zip(wake, asleep)],
            "end_utc": wake,
            "asleep_min": asleep,
            "in_bed_min": asleep + 25,
            "source": "test",
        }
    )
    wellness = pd.DataFrame(
        {
            "date": nights,
            "resting_hr_bpm": rng.normal(52, 3, len(nights)),
            "hrv_rmssd_ms": rng.lognormal(4.0, 0.2, len(nights)),
            "source": "test",
        }
    )
    night_starts = [
        pd.Timestamp(nights[i], tz="Europe/Madrid") + pd.Timedelta(hours=3)
        for i in rng.choice(len(nights), 16, replace=False)
    ]
    session_cramps = [starts[i] + pd.Timedelta(minutes=30) for i in rng.choice(days.size, 12)]
    cramps = pd.DataFrame(
        {
            "start_utc": [t.tz_convert("UTC") for t in night_starts + session_cramps],
            "muscle": "calf",
            "side": "left",
            "severity_0_10": 6.0,
            "duration_s": 60.0,
            "context": ["night"] * len(night_starts) + ["exercise"] * len(session_cramps),
            "relief": "stretching",
        }
    )
    medications = pd.DataFrame(
        {"name": ["magnesium"], "kind": ["supplement"], "start_date": [dt.date(2024, 3, 1)]}
    )
    tables = {
        "activities": activities,
        "sleep": sleep,
        "wellness": wellness,
        "cramps": cramps,
        "medications": medications,
    }
    return {name: conform(name, frame) for name, frame in tables.items()}


@pytest.fixture
def library_path(tmp_path):
    return library_from_tables(tmp_path / "lib.sqlite", "lena", PHYSIOLOGY, athlete_tables())


def cli(capsys, *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def changed_options() -> list[str]:
    return [arg for name, value in CHANGED.items() for arg in ("--set", f"{name}={value}")]


def comparable(document: dict) -> dict:
    """A report document as its JSON says it, without the time it was written."""
    out = json.loads(render_report(document, "json")) if "generated_utc" in document else document
    out.pop("generated_utc", None)
    return out


def dashboard_data():
    """The dashboard's cached analysis calls (run here without a Streamlit server), emptied."""
    from dashboards import data

    data.st.cache_data.clear()
    return data


def test_cli_and_dashboard_give_identical_reports_and_features(library_path, capsys):
    base = ["--library", str(library_path), "--athlete", "lena", *changed_options()]
    cli_report = json.loads(cli(capsys, "report", *base, "--format", "json"))
    cli_features = pd.read_csv(io.StringIO(cli(capsys, "features", *base, "--format", "csv")))

    params = IndicatorParams(**CHANGED)
    with Library(library_path) as lib:
        version = lib.content_version()
    data = dashboard_data()
    shown = data.report_document(str(library_path), version, "lena", params)
    findings = data.findings(str(library_path), version, "lena", params)
    daily = data.daily(str(library_path), version, "lena", params)

    assert cli_report["findings"], "the test library must give findings to compare"
    assert comparable(cli_report) == comparable(shown)
    assert cli_report["indicator_conventions"]["pmc_alpha"] == "inverse"
    assert [f["sentence"] for f in cli_report["findings"]] == findings.findings["sentence"].tolist()
    expected = daily.assign(date=[d.isoformat() for d in daily["date"]])
    pd.testing.assert_frame_equal(
        cli_features, pd.read_csv(io.StringIO(expected.to_csv(index=False))), check_exact=True
    )


def test_the_report_follows_the_chosen_conventions(library_path, capsys):
    base = ["--library", str(library_path), "--athlete", "lena", "--format", "json"]
    default = json.loads(cli(capsys, "report", *base))
    changed = json.loads(cli(capsys, "report", *base, *changed_options()))
    assert default["indicator_conventions"]["pmc_alpha"] == "exponential"
    assert changed["indicator_conventions"]["pmc_alpha"] == "inverse"
    assert default["findings"] != changed["findings"]  # TSB-based exposures move with the model


def test_every_step_feeds_the_next(library_path):
    params = IndicatorParams(**CHANGED)
    with Library(library_path) as lib:
        result = pipeline.analyse_athlete(lib, "lena", params)
        sessions = pipeline.session_table(lib, "lena", params)
        daily = pipeline.daily_table(lib, "lena", sessions, params)
    pd.testing.assert_frame_equal(result.sessions, sessions)
    pd.testing.assert_frame_equal(result.daily, daily)
    assert result.daily.attrs["indicator_params"]["pmc_alpha"] == "inverse"
    assert result.report["indicator_conventions"] == result.daily.attrs["indicator_params"]
    assert result.report["conventions"]["sleep_need_h"] == 7.5
    assert sum(result.findings.n_cramps.values()) == 28


@pytest.mark.parametrize(
    ("stored", "used"),
    [(7.5, 7.5), (None, None), (float("nan"), None), (0.0, None), ("8", 8.0), ("x", None)],
)
def test_the_sleep_need_used_is_the_athletes_own_or_none(stored, used):
    assert pipeline.sleep_need_h({"sleep_need_h": stored}) == used
