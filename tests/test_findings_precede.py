"""Exposures that precede the cramp: a cramp that wakes you shortens that night.

On the project's own generator: no effect planted, 40 nocturnal cramps, 45 minutes
taken off every cramp night's sleep. Were the cramp night's own sleep the exposure,
nearly every seed would give a significant short-sleep finding (the cramp causes the
short night); the sleep exposures read the nights before the cramp night, and the
cramp night shows only around the cramps, marked as possibly a consequence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.synthetic import planted_cramps, shorten_cramp_nights, synthetic_daily

FAST = FindingsParams(n_permutations=50)
CRAMP_COST_MIN = 45.0
#: Sleep need of the simulated athletes: short sleep is under 7 h, about a third of nights.
NEED_H = 8.0


def cramps_cost_sleep(daily: pd.DataFrame, cramps: pd.DataFrame) -> pd.DataFrame:
    """The daily table with each cramp night 45 min shorter, and the sleep debt recomputed."""
    return shorten_cramp_nights(daily, cramps, CRAMP_COST_MIN)


@pytest.fixture(scope="module")
def null_runs() -> list:
    runs = []
    for seed in range(20):
        daily = synthetic_daily(730, seed)
        cramps = planted_cramps(daily, 40, "nocturnal", seed=seed)
        runs.append(
            analyze_athlete(
                cramps_cost_sleep(daily, cramps), cramps, params=FAST, sleep_need_h=NEED_H
            )
        )
    return runs


def test_cramps_that_shorten_their_own_night_give_no_sleep_finding(null_runs):
    sleep = ("short_sleep", "sleep_debt")
    clear = [
        r.findings.loc[r.findings["exposure"].isin(sleep), "evidence"].eq("clear").any()
        for r in null_runs
    ]
    raw = [
        (r.findings.loc[r.findings["exposure"] == "short_sleep", "p_value"] < 0.05).any()
        for r in null_runs
    ]
    assert sum(clear) == 0, sum(clear)
    assert sum(raw) <= 3, sum(raw)  # about 1 in 20 by chance
    odds = [r.findings.set_index("exposure").loc["short_sleep", "estimate"] for r in null_runs]
    assert 0.5 < np.median(odds) < 2.0


def test_the_cramp_night_shows_around_the_cramps_as_a_possible_consequence(null_runs):
    shown = 0
    for r in null_runs:
        sleep = r.epochs.loc[
            (r.epochs["indicator"] == "sleep_asleep_min") & (r.epochs["cramp_type"] == "nocturnal")
        ].set_index("lag_days")
        assert sleep.loc[0, "possibly_consequence"] and not sleep.loc[-1, "possibly_consequence"]
        dip = sleep.loc[0, "mean"] - sleep.loc[0, "null_mean"]
        assert dip < -20  # the 45 minutes are there to see
        shown += bool(sleep.loc[0, "outside_pointwise"])
    assert shown >= 15


def test_a_planted_short_night_before_the_cramp_night_is_found():
    found = 0
    for seed in range(10):
        daily = synthetic_daily(730, 100 + seed)
        cramps = planted_cramps(
            daily, 40, "nocturnal", "short_sleep", 3.0, seed=seed, sleep_need_h=NEED_H
        )
        row = analyze_athlete(
            cramps_cost_sleep(daily, cramps), cramps, params=FAST, sleep_need_h=NEED_H
        ).findings
        row = row.set_index("exposure").loc["short_sleep"]
        assert row["lag_days"] == -1
        found += row["evidence"] == "clear"
    assert found >= 6
