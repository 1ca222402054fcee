"""analyze_athlete end to end on synthetic athletes: planted effects, robustness, sentences."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.athlete import FINDINGS_COLUMNS
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

FAST = FindingsParams(n_permutations=200)


def assert_clean_sentences(findings: pd.DataFrame) -> None:
    for sentence in findings["sentence"]:
        assert isinstance(sentence, str) and sentence
        low = sentence.lower()
        assert "nan" not in low.replace("nance", "").split() and " nan" not in low
        assert "inf" not in low.split() and "none" not in low.split()
        assert "cause" not in low


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return synthetic_daily(730, seed=11)


def test_planted_exercise_intensity_is_the_top_finding(daily):
    cramps = planted_cramps(daily, 40, "exercise", "high_intensity", 5.0, seed=4)
    res = analyze_athlete(daily, cramps, timezone="UTC", params=FAST)
    f = res.findings
    assert list(f.columns) == FINDINGS_COLUMNS
    top = f.iloc[0]
    assert (top["cramp_type"], top["exposure"]) == ("exercise", "high_intensity")
    row = top
    assert row["estimate"] > 2 and row["ci_low"] > 1 and row["p_adjusted"] < 0.05
    assert row["n_events"] == 40 and not row["descriptive_only"]
    assert (
        "Exercise-associated cramps were" in row["sentence"] and "40 cramp days" in row["sentence"]
    )
    assert row["per_sd_measure"] == "intensity_rel_habit_per_sd" and row["per_sd_estimate"] > 1
    # The per-SD estimate is outside the adjusted family: in the table, never in the sentence.
    assert "SD" not in row["sentence"]
    assert row["evidence"] == "clear" and row["sentence"].startswith("Clear pattern")
    assert row["label"] == "a session more intense than usual"
    assert set(f["kind"]) == {"binary"}
    assert_clean_sentences(f)
    assert f["rank"].tolist() == list(range(1, len(f) + 1))


def test_bh_family_is_every_test_shown(daily):
    cramps = planted_cramps(daily, 30, "nocturnal", None, seed=4)
    f = analyze_athlete(daily, cramps, params=FAST).findings
    tested = f["p_value"].notna()
    from analyzer.findings.multiple import bh_adjust, family_weights

    primary = (f["hypothesis"] == "primary").to_numpy()
    assert set(f.loc[primary, "exposure"]) == {"hard_day", "short_sleep"}
    weights = family_weights(primary[tested], np.ones(tested.sum(), bool), FAST.primary_share)
    assert f.loc[tested, "p_adjusted"].to_numpy() == pytest.approx(
        bh_adjust(f.loc[tested, "p_value"].to_numpy(), weights)
    )
    assert (f.loc[tested, "p_adjusted"] >= f.loc[tested, "p_value"] - 1e-12).all()
    plain = analyze_athlete(daily, cramps, params=replace(FAST, primary_share=None)).findings
    tested = plain["p_value"].notna()
    assert plain.loc[tested, "p_adjusted"].to_numpy() == pytest.approx(
        bh_adjust(plain.loc[tested, "p_value"].to_numpy())
    )


def test_no_cramps_gives_a_statement_not_an_error(daily):
    res = analyze_athlete(daily, pd.DataFrame(columns=["start_utc", "context"]), params=FAST)
    assert res.findings.empty and list(res.findings.columns) == FINDINGS_COLUMNS
    assert res.summary.startswith("No cramps are logged")
    assert not any("No cramps" in note for note in res.notes)  # said once, in the summary
    assert res.epochs.empty and res.relief.empty
    res_none = analyze_athlete(daily, None, params=FAST)
    assert res_none.findings.empty


def test_one_cramp_is_descriptive_only(daily):
    cramps = planted_cramps(daily, 1, "nocturnal", None, seed=5)
    res = analyze_athlete(daily, cramps, params=FAST)
    f = res.findings
    assert len(f) and f["descriptive_only"].all()
    assert (f["n_events"] <= 1).all()
    assert_clean_sentences(f)
    assert any("only 1 logged" in note for note in res.notes)


def test_cramps_on_days_without_device_data(daily):
    gap = daily.copy()
    cols = [c for c in gap.columns if c != "date"]
    gap.loc[300:340, cols] = np.nan
    dates = pd.to_datetime(gap["date"].iloc[305:335:3].astype(str))
    cramps = pd.DataFrame(
        {"start_utc": (dates + pd.Timedelta(hours=3)).dt.tz_localize("UTC"), "context": "night"}
    )
    res = analyze_athlete(gap, cramps, params=FAST)
    f = res.findings
    assert set(f["status"]) <= {"no_events", "never_varies", "ok", "not_estimable"}
    assert (f["status"] == "no_events").any()
    assert f["p_value"].isna().all() or f.loc[f["p_value"].notna(), "n_events"].max() <= 10
    assert_clean_sentences(f)
    outside = pd.DataFrame(
        {"start_utc": [pd.Timestamp("2030-01-01 03:00", tz="UTC")], "context": ["night"]}
    )
    res = analyze_athlete(daily, outside, params=FAST)
    assert any("outside the recorded data" in note for note in res.notes)


def test_exposure_that_never_varies(daily):
    flat = daily.assign(acwr_ewma=1.0, tsb=0.0)
    cramps = planted_cramps(flat, 25, "nocturnal", None, seed=6)
    f = analyze_athlete(flat, cramps, params=FAST).findings.set_index(["cramp_type", "exposure"])
    for key in ("load_spike", "very_negative_tsb"):
        row = f.loc[("nocturnal", key)]
        assert row["status"] == "never_varies" and np.isnan(row["p_value"])
        assert "did not vary" in row["sentence"]
    assert np.isnan(f.loc[("nocturnal", "very_negative_tsb"), "per_sd_estimate"])


def test_missing_columns_and_empty_daily():
    cramps = pd.DataFrame(
        {"start_utc": [pd.Timestamp("2024-03-01 03:00", tz="UTC")], "context": ["night"]}
    )
    res = analyze_athlete(pd.DataFrame(), cramps, params=FAST)
    assert res.findings.empty
    sparse = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=90).date,
            "load": np.r_[np.zeros(30), np.full(60, 50.0)],
        }
    )
    res = analyze_athlete(sparse, cramps, params=FAST)
    assert_clean_sentences(res.findings)


def test_nocturnal_index_day_and_timezone():
    from analyzer.findings.events import cramp_index_days

    cramps = pd.DataFrame(
        {
            "start_utc": pd.to_datetime(
                [
                    "2024-03-14T01:30:00Z",
                    "2024-03-13T22:30:00Z",
                    "2024-03-14T15:00:00Z",
                    "2024-03-14T12:00:00Z",
                ]
            ),
            "context": ["night", "night", "exercise", "rest"],
        }
    )
    out = cramp_index_days(cramps, "Europe/Berlin")
    days = [str(d)[:10] for d in out["index_day"]]
    # 02:30 local -> that morning; 23:30 local -> next morning; exercise -> same date.
    assert days[:3] == ["2024-03-14", "2024-03-14", "2024-03-14"]
    assert out["cramp_type"].tolist() == ["nocturnal", "nocturnal", "exercise", "other"]


def test_relief_and_notes(daily):
    cramps = planted_cramps(daily, 12, "nocturnal", None, seed=7)
    cramps.loc[0, "context"] = "rest"
    res = analyze_athlete(daily, cramps, params=FAST)
    assert res.relief["n_cramps"].sum() == 12
    assert all("median duration" in s for s in res.relief["sentence"])
    assert any("at rest" in note for note in res.notes)
    assert res.conventions["parameters"]["stratum_days"] == 28
    assert "case-crossover" in res.method


def test_binary_test_conventions(daily):
    cramps = planted_cramps(daily, 40, "exercise", "high_intensity", 5.0, seed=4)
    exact = analyze_athlete(daily, cramps, params=FAST).findings.set_index("exposure")
    auto = analyze_athlete(
        daily, cramps, params=FindingsParams(n_permutations=100, binary_test="auto")
    ).findings.set_index("exposure")
    assert exact.loc["high_intensity", "method"].startswith("exact conditional test")
    assert "likelihood-ratio" in auto.loc["high_intensity", "method"]
    # Same conditional maximum-likelihood estimate either way.
    assert exact.loc["high_intensity", "estimate"] == pytest.approx(
        auto.loc["high_intensity", "estimate"], rel=1e-6
    )
    with pytest.raises(ValueError):
        FindingsParams(binary_test="wald")
