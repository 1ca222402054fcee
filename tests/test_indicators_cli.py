"""``cramp-analyzer features`` against a real library file."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest

from analyzer import pipeline
from analyzer.cli import main
from analyzer.cli.features import parse_overrides
from analyzer.indicators import DAILY_COLUMNS, daily_table, sessions_table
from analyzer.indicators.journal import JOURNAL_COLUMNS
from analyzer.schema import conform
from analyzer.store import Library
from tests.helpers.library import library_from_tables, nightly_tables

PHYSIOLOGY = {
    "sex": "f",
    "hr_rest_bpm": 48.0,
    "hr_max_bpm": 186.0,
    "lthr_bpm": 164.0,
    "ftp_w": 230.0,
    "timezone": "Europe/Oslo",
    "sleep_need_h": 7.5,
}
START = pd.Timestamp("2024-01-08 07:00", tz="UTC")
N_DAYS = 40


def bundle_tables() -> dict[str, pd.DataFrame]:
    """Forty days of sessions (one with a 1 Hz stream), nights and wellness with gaps."""
    rng = np.random.default_rng(7)
    days = [d for d in range(N_DAYS) if d % 7 != 3]
    activities = conform(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"act-{d}" for d in days],
                "sport": "cycling",
                "start_utc": [START + pd.Timedelta(days=d) for d in days],
                "duration_s": 3600.0,
                "moving_s": 3500.0,
                "avg_heart_rate_bpm": rng.uniform(120, 160, len(days)),
                "rpe": 5.0,
            }
        ),
    )
    t = START + pd.to_timedelta(np.arange(3600), unit="s")
    samples = conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": "act-0",
                "t_utc": t,
                "heart_rate_bpm": 140.0,
                "power_w": 200.0,
            }
        ),
    )
    nights = [dt.date(2024, 1, 8) + dt.timedelta(days=d) for d in range(N_DAYS) if d != 20]
    nightly = nightly_tables(
        nights, rng, bed_h=2, wake_h=5, asleep_min=(360, 480), in_bed_min=500.0
    )
    return {"activities": activities, "samples": samples, **nightly}


@pytest.fixture
def library_path(tmp_path):
    return library_from_tables(tmp_path / "library.sqlite", "kari", PHYSIOLOGY, bundle_tables())


def run_cli(capsys, *args) -> str:
    code = main(["features", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_features_csv_is_the_daily_table(library_path, capsys):
    out = run_cli(capsys, "--library", str(library_path), "--athlete", "kari", "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert tuple(table.columns) == DAILY_COLUMNS + JOURNAL_COLUMNS  # the daily log's, empty here
    assert len(table) == N_DAYS and table["date"].iloc[0] == "2024-01-08"
    with Library(library_path) as lib:
        expected = pipeline.daily_table(lib, "kari", pipeline.session_table(lib, "kari"))
    np.testing.assert_allclose(table["ctl"], expected["ctl"], rtol=1e-9)
    assert table["load"].iloc[3] == 0.0  # no session, but sleep and wellness: a rest day
    assert table.loc[0, "load"] == pytest.approx(expected.loc[0, "load"])


def test_features_json_records_conventions(library_path, capsys):
    out = run_cli(
        capsys,
        "--library",
        str(library_path),
        "--athlete",
        "kari",
        "--format",
        "json",
        "--set",
        "pmc_alpha=inverse",
        "--set",
        "monotony_ddof=0",
    )
    document = json.loads(out)
    assert document["athlete_id"] == "kari"
    assert document["indicator_params"]["pmc_alpha"] == "inverse"
    assert document["indicator_params"]["monotony_ddof"] == 0
    assert document["columns"] == list(DAILY_COLUMNS + JOURNAL_COLUMNS)
    rows = document["daily"]
    assert len(rows) == N_DAYS and rows[0]["date"] == "2024-01-08"
    assert rows[0]["acwr_ewma"] is None  # warm-up: null, never NaN
    assert rows[-1]["ctl"] > 0


def test_library_round_trip_matches_the_pure_functions(library_path):
    tables = bundle_tables()
    athlete = {"athlete_id": "kari", **PHYSIOLOGY}
    sessions = sessions_table(tables["activities"], tables["samples"], athlete)
    expected = daily_table(sessions, tables["sleep"], tables["wellness"], athlete)
    with Library(library_path) as lib:
        stored_sessions = pipeline.session_table(lib, "kari")
        daily = pipeline.daily_table(lib, "kari", stored_sessions)
    first = stored_sessions.iloc[0]
    assert first["load_source"] == "tss"  # the streamed session has power and the athlete an FTP
    assert first["np_w"] == pytest.approx(200.0)
    for column in (
        "load",
        "ctl",
        "tsb",
        "acwr_rolling_coupled",
        "sleep_debt_7n_h",
        "resting_hr_z",
        "hrv_lnrmssd_z",
    ):
        np.testing.assert_allclose(
            daily[column], expected[column], rtol=1e-9, equal_nan=True, err_msg=column
        )


def test_unknown_athlete_and_bad_override(library_path, capsys):
    assert main(["features", "--library", str(library_path), "--athlete", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err
    code = main(["features", "--library", str(library_path), "--athlete", "kari", "--set", "tau=3"])
    assert code == 2 and "NAME=VALUE" in capsys.readouterr().err
    with pytest.raises(ValueError, match="must be one of"):
        parse_overrides(["pmc_alpha=sideways"])


def test_missing_library_is_an_error(tmp_path, capsys):
    assert main(["features", "--library", str(tmp_path / "none.sqlite"), "--athlete", "x"]) == 2
    assert "no library" in capsys.readouterr().err
