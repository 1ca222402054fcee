"""One pipeline: the command line and the dashboard give the same results for the same athlete.

Both run :mod:`analyzer.pipeline`; these tests hold them to it on a library
file, with indicator conventions other than the defaults, which the report must
honour as the dashboard does.
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
from analyzer.findings.events import cramp_index_days
from analyzer.findings.report import render_report
from analyzer.indicators import IndicatorParams
from analyzer.schema import conform
from analyzer.store import Library
from analyzer.timebase import days_to_dates
from tests.helpers.library import library_from_tables
from tests.helpers.store_files import cramp_file, encode, session_file

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


def test_date_span_covers_local_days_nights_and_cramp_nights(lib):
    assert pipeline.date_span(lib, "anna") == (None, None)
    lib.import_file("anna", "a.fit", session_file("2026-03-03T22:30:00Z", 1800, 10))  # 23:30 local
    lib.import_file(
        "anna",
        "s.json",
        encode({"tables": {"sleep": [{"night": "2026-03-05", "asleep_min": 400, "source": "x"}]}}),
    )
    assert pipeline.date_span(lib, "anna") == (dt.date(2026, 3, 3), dt.date(2026, 3, 5))
    lib.import_file(
        "anna",
        "c.json",
        cramp_file(
            {"start_utc": "2026-02-27T23:30:00Z", "muscle": "calf", "context": "rest"},
            {"start_utc": "2026-03-05T20:00:00Z", "muscle": "calf", "context": "night"},
        ),
    )
    # 00:30 Berlin on 28 February; 21:00 on 5 March is the night ending 6 March.
    assert pipeline.date_span(lib, "anna") == (dt.date(2026, 2, 28), dt.date(2026, 3, 6))


def test_the_findings_use_the_night_the_library_stored_for_a_day_sleeper(lib):
    """A shift worker's 05:00-14:00 day sleep: its 13:30 cramp is that date's night in both."""

    sleep = {
        "night": "2026-06-10",
        "start_utc": "2026-06-10T03:00:00Z",  # 05:00 CEST
        "end_utc": "2026-06-10T12:00:00Z",  # 14:00 CEST
        "asleep_min": 500,
        "source": "x",
    }
    lib.import_file("anna", "sleep.json", encode({"tables": {"sleep": [sleep]}}))
    cramp = {"start_utc": "2026-06-10T11:30:00Z", "muscle": "calf", "context": "night"}
    lib.import_file("anna", "log.json", cramp_file(cramp))
    stored = lib.cramps("anna")["night"].tolist()
    events = cramp_index_days(pipeline.cramps_with_offsets(lib, "anna"), "Europe/Berlin")
    assert stored == [dt.date(2026, 6, 10)]
    assert tb_dates(events["index_day"]) == stored
    # Without the library's link the cut-off alone would have said 11 June.
    unlinked = cramp_index_days(lib.cramps("anna").drop(columns="night"), "Europe/Berlin")
    assert tb_dates(unlinked["index_day"]) == [dt.date(2026, 6, 11)]


def test_a_cramp_abroad_falls_on_the_local_day_of_its_session(lib):
    """Home zone Berlin; a session in New York recorded with the device's offset (UTC-4)."""

    start = "2026-05-06T23:00:00Z"  # 19:00 in New York, already 01:00 on 7 May in Berlin
    lib.import_file("anna", "run.fit", session_file(start, 3600, utc_offset_s=-14400.0))
    cramp = {"start_utc": "2026-05-06T23:40:00Z", "muscle": "calf", "context": "exercise"}
    lib.import_file("anna", "log.json", cramp_file(cramp))
    sessions = pipeline.session_table(lib, "anna")
    events = cramp_index_days(pipeline.cramps_with_offsets(lib, "anna"), "Europe/Berlin")
    assert sessions["local_date"].tolist() == [dt.date(2026, 5, 6)]
    assert tb_dates(events["index_day"]) == [dt.date(2026, 5, 6)]


def tb_dates(days: pd.Series) -> list:
    return list(days_to_dates(days.to_numpy().astype("datetime64[D]")))
