"""In-session context of exercise cramps, relief table, and squad pooling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete, analyze_squad
from analyzer.findings.insession import decoupling_pct, in_session_table, session_context
from analyzer.findings.relief import relief_table
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

START = pd.Timestamp("2024-06-01 16:00", tz="UTC")
FAST = FindingsParams(n_permutations=100)


def session_samples(minutes=60, hr_late=150.0, power=200.0, temperature=28.0):
    t = START + pd.to_timedelta(np.arange(minutes * 60), unit="s")
    hr = np.full(t.size, 140.0)
    hr[-600:] = hr_late
    return pd.DataFrame(
        {
            "activity_id": "a1",
            "t_utc": t,
            "heart_rate_bpm": hr,
            "power_w": power,
            "speed_mps": 3.0,
            "temperature_c": temperature,
            "distance_m": np.arange(t.size) * 3.0,
        }
    )


def test_decoupling_oracle():
    # Worked by hand from (EF1 - EF2) / EF1: 200 W at 140 bpm, then 200 W at 147 bpm -> 4.7619 %.
    samples = pd.DataFrame({"heart_rate_bpm": [140.0] * 50 + [147.0] * 50, "power_w": 200.0})
    assert decoupling_pct(samples) == pytest.approx(4.7619, abs=1e-4)
    pace = pd.DataFrame({"heart_rate_bpm": [140.0] * 10 + [150.0] * 10, "speed_mps": 3.0})
    assert decoupling_pct(pace) == pytest.approx(6.6667, abs=1e-4)


def test_session_context_of_a_cramp_at_the_end():
    samples = session_samples()
    row = session_context("c1", "a1", START + pd.Timedelta(minutes=60), samples)
    assert row["minutes_into_session"] == pytest.approx(59.98, abs=0.02)
    assert row["fraction_of_session"] == pytest.approx(1.0, abs=1e-3)
    assert row["heart_rate_last10_bpm"] == pytest.approx(150.0)
    assert row["heart_rate_before_bpm"] == pytest.approx(140.0)
    assert row["work_kj"] == pytest.approx(200 * 3599 / 1000, rel=1e-3)
    assert row["temperature_last10_c"] == pytest.approx(28.0)
    assert row["distance_m"] == pytest.approx(3599 * 3.0)
    assert row["decoupling_pct"] > 0
    assert "heart rate in the 10 minutes before was 7% above the session so far" in row["sentence"]
    assert "nan" not in row["sentence"].lower()


def test_in_session_table_handles_missing_samples():
    cramps = pd.DataFrame(
        {
            "cramp_id": ["c1", "c2", "c3"],
            "cramp_type": ["exercise"] * 2 + ["nocturnal"],
            "start_utc": [START + pd.Timedelta(minutes=30)] * 3,
            "activity_id": ["a1", "gone", None],
        }
    )
    table = in_session_table(
        cramps, lambda aid: session_samples() if aid == "a1" else pd.DataFrame(columns=["t_utc"])
    )
    assert table["cramp_id"].tolist() == ["c1", "c2"]
    assert table.loc[0, "minutes_into_session"] == pytest.approx(30.0)
    assert table.loc[1, "sentence"] == "No samples were recorded for the linked session."
    assert in_session_table(cramps, None).empty


def test_relief_table_median_and_iqr():
    cramps = pd.DataFrame(
        {
            "relief": ["stretching"] * 4 + ["massage", None],
            "duration_s": [30, 60, 90, 120, 45, 10],
            "severity_0_10": 5.0,
        }
    )
    table = relief_table(cramps).set_index("relief")
    assert table.loc["stretching", "median_duration_s"] == 75
    assert table.loc["stretching", "q25_duration_s"] == 52.5
    assert table.loc["not logged", "n_cramps"] == 1
    assert "median duration 75 s (middle half 52-98 s)" in table.loc["stretching", "sentence"]


def test_squad_pooling_single_athlete_equals_own_analysis():
    daily = synthetic_daily(500, seed=21)
    cramps = planted_cramps(daily, 30, "exercise", "high_intensity", 4.0, seed=22)
    own = analyze_athlete(daily, cramps, params=FAST).findings.set_index(["cramp_type", "exposure"])
    squad = analyze_squad({"a": {"daily": daily, "cramps": cramps}}, params=FAST)
    pooled = squad.findings.set_index(["cramp_type", "exposure"])
    key = ("exercise", "high_intensity")
    assert pooled.loc[key, "estimate"] == pytest.approx(own.loc[key, "estimate"])
    assert pooled.loc[key, "n_athletes"] == 1


def test_squad_pools_events_across_athletes():
    athletes = {}
    for i in range(3):
        daily = synthetic_daily(400, seed=30 + i)
        athletes[f"athlete{i}"] = {
            "daily": daily,
            "timezone": "Europe/Berlin",
            "cramps": planted_cramps(
                daily, 15, "exercise", "high_intensity", 5.0, seed=40 + i, timezone="Europe/Berlin"
            ),
        }
    athletes["null"] = {"daily": synthetic_daily(400, seed=99), "cramps": None}
    squad = analyze_squad(athletes, params=FAST)
    pooled = squad.findings.set_index(["cramp_type", "exposure"]).loc[
        ("exercise", "high_intensity")
    ]
    assert pooled["n_events"] == 45 and pooled["n_athletes"] == 3
    assert pooled["estimate"] > 2 and pooled["p_adjusted"] < 0.05
    assert pooled["mh_estimate"] == pytest.approx(pooled["estimate"], rel=0.3)
    assert "their own 90-day habit" in pooled["sentence"]
    summary = squad.roster.set_index("athlete_id")
    assert summary.loc["null", "cramps"] == 0
    assert (
        summary.loc["null", "summary"]
        == "No cramps are logged yet, so there is nothing to compare."
    )
    assert squad.summary.startswith("What stands out after allowing for all")
    assert "a session more intense than usual" in squad.summary
    trained = summary[summary["training_h"] > 0]
    assert (trained["exercise_cramps_per_100h"] > 0).any()
    # Nocturnal cramps are not counted per training hour.
    assert trained["exercise_cramps_per_100h"].to_numpy() == pytest.approx(
        (100 * trained["exercise_cramps"] / trained["training_h"]).to_numpy()
    )
