"""The demo squad's daily logs: the template's columns, the planted dehydration, days left blank."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from analyzer.io.daily_log import read_daily_log
from analyzer.simulate.athletes import DEMO_SQUAD
from analyzer.simulate.history import simulate_athlete
from analyzer.simulate.journal import DAILY_LOG_COLUMNS
from analyzer.simulate.squad import DEMO_DAYS, DEMO_START, TRUTH_DIR
from tests.helpers.paths import SAMPLE_DATA

PLANTED = "triathlete-dana"
NULL = "cyclist-chen"


def _truth(athlete_id: str) -> dict:
    return json.loads((SAMPLE_DATA / TRUTH_DIR / f"{athlete_id}.json").read_text())


def _sessions_table(truth: dict) -> list[list[int]]:
    rows = pd.DataFrame(truth["sessions"])
    exposed, event = rows["not_hydrated_day"].astype(bool), rows["cramp"].astype(bool)
    return [
        [int((exposed & event).sum()), int((exposed & ~event).sum())],
        [int((~exposed & event).sum()), int((~exposed & ~event).sum())],
    ]


@pytest.mark.parametrize("spec", DEMO_SQUAD, ids=lambda s: s.athlete_id)
def test_every_athlete_has_a_daily_log_in_the_template_columns(spec):
    path = SAMPLE_DATA / spec.athlete_id / "daily_log.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert tuple(frame.columns) == DAILY_LOG_COLUMNS
    truth = _truth(spec.athlete_id)
    assert len(frame) == truth["counts"]["days_logged_in_daily_log"]
    # About 15% of the days are left blank: not in the file at all.
    assert 0.75 < len(frame) / truth["days"] < 0.95
    bundle = read_daily_log(path.name, path.read_bytes())
    assert len(bundle.tables["daily_log"]) == len(frame)
    assert bundle.tables["daily_log"]["fluid_l"].isna().any()  # some days without the fluid


def test_the_planted_dehydration_shows_in_the_committed_draw_and_the_null_has_none():
    odds_ratio, p = fisher_exact(_sessions_table(_truth(PLANTED)), alternative="greater")
    assert p < 0.05 and odds_ratio > 2, (odds_ratio, p)
    _, p_null = fisher_exact(_sessions_table(_truth(NULL)))
    assert p_null > 0.05


def test_the_logged_answer_is_the_true_state_on_logged_days():
    spec = next(s for s in DEMO_SQUAD if s.athlete_id == PLANTED)
    truth = _truth(PLANTED)
    history = simulate_athlete(spec, DEMO_START, DEMO_DAYS, truth["seed"])
    journal = history.journal
    logged = journal[journal["answered"]]
    assert (logged["hydrated"] == np.where(logged["not_hydrated"], "no", "yes")).all()
    assert (journal.loc[~journal["answered"], "hydrated"] == "").all()
    # Days not hydrated drink less, as people log it.
    fluid = pd.to_numeric(logged["fluid_l"], errors="coerce")
    assert fluid[logged["not_hydrated"]].mean() < fluid[~logged["not_hydrated"]].mean() - 0.5
