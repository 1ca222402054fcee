"""Daily-log exposures: exercise cramps after days without enough fluid, unanswered days excluded.

The athlete is simulated here, independently of the code under test: a daily
table (the findings' synthetic generator), a hydration answer per day, exercise
cramps drawn on training days with odds 5 times higher on days not hydrated,
and a WHOOP journal written in the real export's format with 15% of the days
left unanswered, read back through the WHOOP reader.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.exposures import is_primary
from analyzer.findings.journal import item_exposures, journal_exposures
from analyzer.findings.synthetic import synthetic_daily
from analyzer.indicators.journal import with_journal
from analyzer.io.vendors.whoop_journal import read_whoop_journal
from tests.helpers.journal import whoop_journal

N_DAYS = 730
P_NOT_HYDRATED = 0.3
BASE_P = 0.04
ODDS_RATIO = 5.0
UNANSWERED = 0.15


def _athlete(seed: int = 7):
    rng = np.random.default_rng(seed)
    daily = synthetic_daily(N_DAYS, seed=seed)
    dates = list(daily["date"])
    hydrated = rng.random(N_DAYS) >= P_NOT_HYDRATED
    training = daily["load"].to_numpy() > 0
    odds = BASE_P / (1 - BASE_P) * np.where(hydrated, 1.0, ODDS_RATIO)
    cramp = training & (rng.random(N_DAYS) < odds / (1 + odds))
    cramp[:28] = False
    unanswered = rng.random(N_DAYS) < UNANSWERED
    answers = {d: (None if skip else bool(h)) for d, h, skip in zip(dates, hydrated, unanswered)}
    log = read_whoop_journal("journal_entries.csv", whoop_journal(answers))
    days = pd.to_datetime(pd.Series(dates)[cramp].astype(str)).reset_index(drop=True)
    cramps = pd.DataFrame(
        {
            "cramp_id": [f"c{i}" for i in range(len(days))],
            "start_utc": (days + pd.Timedelta(hours=17)).dt.tz_localize("UTC"),
            "muscle": "calf",
            "context": "exercise",
            "activity_id": None,
        }
    )
    daily = with_journal(daily, log.tables["daily_log"], log.tables["daily_tags"])
    return daily, cramps, unanswered


def _row(result, exposure: str, cramp_type: str = "exercise") -> dict:
    rows = result.findings
    (row,) = rows[(rows["exposure"] == exposure) & (rows["cramp_type"] == cramp_type)].to_dict(
        "records"
    )
    return row


@pytest.fixture(scope="module")
def athlete():
    return _athlete()


def test_unanswered_days_are_missing_in_the_exposure_never_no(athlete):
    daily, _, unanswered = athlete
    (not_hydrated,) = [e for e in item_exposures(FindingsParams()) if e.key == "not_hydrated"]
    values = not_hydrated.values(daily)
    assert np.array_equal(np.isnan(values), unanswered)
    assert np.isnan(values).mean() == pytest.approx(UNANSWERED, abs=0.03)


def test_exercise_cramps_after_days_without_enough_fluid_are_found(athlete):
    daily, cramps, _ = athlete
    result = analyze_athlete(daily, cramps, timezone="UTC")
    row = _row(result, "not_hydrated")
    assert is_primary("exercise", "not_hydrated") and row["hypothesis"] == "primary"
    assert row["n_events"] >= 25 and not row["descriptive_only"]
    assert row["ci_low"] > 1.5 and row["ci_low"] < ODDS_RATIO < row["ci_high"]
    assert row["p_adjusted"] < 0.01 and row["evidence"] == "clear"
    assert "too little to drink" in result.summary
    assert any("Daily log:" in note and "never counted as a 'no'" in note for note in result.notes)


def test_counting_unanswered_days_as_no_would_bias_the_estimate(athlete):
    daily, cramps, unanswered = athlete
    honest = _row(analyze_athlete(daily, cramps, timezone="UTC"), "not_hydrated")
    biased_daily = daily.copy()
    biased_daily.loc[unanswered, "log_hydrated"] = 0.0  # "not hydrated": exposed
    biased = _row(analyze_athlete(biased_daily, cramps, timezone="UTC"), "not_hydrated")
    # The unanswered days join the comparison only when wrongly counted, as exposed days.
    assert biased["n_referents"] > honest["n_referents"]
    assert biased["estimate"] < honest["estimate"]
    assert abs(np.log(honest["estimate"] / ODDS_RATIO)) < abs(
        np.log(biased["estimate"] / ODDS_RATIO)
    )


def test_no_daily_log_means_no_daily_log_exposures():
    daily = synthetic_daily(120, seed=1)
    assert journal_exposures(with_journal(daily, None), FindingsParams()) == []


def test_own_items_are_compared_only_when_answered_both_ways_often_enough():
    daily = synthetic_daily(60, seed=2)
    daily["log_hydrated"] = np.nan
    daily["tag: sauna"] = np.where(np.arange(60) % 2 == 0, 1.0, 0.0)
    daily["tag: ice bath"] = np.where(np.arange(60) < 4, 1.0, 0.0)  # 4 yes only
    keys = [e.key for e in journal_exposures(daily, FindingsParams())]
    assert "tag:sauna" in keys and "tag:ice bath" not in keys
    assert not is_primary("exercise", "tag:sauna")
    daily.loc[30, ["load", "avg_temperature_c", "duration_rel_habit"]] = [120.0, 38.0, 2.0]
    hot = daily.assign(log_electrolytes=0.0)
    (combined,) = [
        e for e in journal_exposures(hot, FindingsParams()) if e.key == "hot_long_no_electrolytes"
    ]
    values = combined.values(hot)
    assert values[30] == 1.0 and np.nansum(values) == 1.0
    assert combined.values(hot.assign(log_electrolytes=1.0))[30] == 0.0
    assert np.isnan(combined.values(daily)).all()  # electrolytes never logged
