"""Event-triggered averages: a null that fits the design, one family for all curves.

Exercise cramps fall only on training days, so against a circular shift of the series
daily load at the cramp's own day stands outside the family-wise band for about one
no-effect athlete in five, and with a band per curve (10 indicators x 2 cramp types)
most no-effect athletes would see some "excursion" listed. Pseudo-cramps are drawn
from each cramp's own matched set instead, and one family-wise band covers every curve
shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.casecrossover import build_design, prepare_daily
from analyzer.findings.epoch_family import epochs_table, pseudo_events
from analyzer.findings.epochs import event_triggered_average
from analyzer.findings.events import cramp_index_days
from analyzer.findings.report import report_document
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

FAST = FindingsParams(n_permutations=300)


def _no_effect(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    daily = synthetic_daily(730, seed)
    cramps = pd.concat(
        [
            planted_cramps(daily, 40, "exercise", seed=seed),
            planted_cramps(daily, 40, "nocturnal", seed=seed + 999),
        ],
        ignore_index=True,
    )
    return daily, cramps


@pytest.fixture(scope="module")
def null_epochs() -> list[pd.DataFrame]:
    return [analyze_athlete(*_no_effect(seed), params=FAST).epochs for seed in range(40)]


def test_exercise_load_on_the_cramp_day_is_not_an_excursion_under_no_effect(null_epochs):
    outside = [
        bool(
            e.loc[
                (e["indicator"] == "load") & (e["lag_days"] == 0) & (e["cramp_type"] == "exercise"),
                "outside_familywise",
            ].any()
        )
        for e in null_epochs
    ]
    assert sum(outside) <= 1  # against a circular shift: about 1 in 5


def test_the_circular_shift_puts_exercise_cramps_on_rest_days():
    """Why a circular shift cannot serve as the null for exercise cramps."""
    flagged = 0
    for seed in range(40):
        daily, _ = _no_effect(seed)
        cramps = planted_cramps(daily, 40, "exercise", seed=seed)
        days = cramp_index_days(cramps, "UTC")["index_day"].to_numpy()
        prepared = prepare_daily(daily)
        design = build_design(prepared, days, "exercise", FAST)
        positions = design.windows.loc[design.windows["is_case"], "pos"].to_numpy()
        res = event_triggered_average(
            prepared["load"].to_numpy(dtype=float), positions, np.arange(-14, 3), 300, seed
        )
        flagged += bool(res.loc[res["lag_days"] == 0, "outside_familywise"].iloc[0])
    assert flagged >= 4  # 8 of these 40 seeds; about 2 by chance


def test_few_no_effect_athletes_get_a_listed_excursion(null_epochs):
    listed = [bool(e["listed"].any()) for e in null_epochs]
    assert {int(e["n_curves"].iloc[0]) for e in null_epochs} == {20}
    # One family over 20 curves: about 5% of athletes (about 80% with one band per curve).
    assert sum(listed) <= 5, sum(listed)
    pointwise = np.mean(
        [e.loc[~e["possibly_consequence"], "outside_pointwise"].mean() for e in null_epochs]
    )
    assert 0.03 < pointwise < 0.075


def test_pseudo_cramps_stay_in_their_stratum_and_on_eligible_days():
    daily, cramps = _no_effect(3)
    prepared = prepare_daily(daily)
    events = cramp_index_days(cramps, "UTC")
    for cramp_type in ("exercise", "nocturnal"):
        days = events.loc[events["cramp_type"] == cramp_type, "index_day"].to_numpy()
        design = build_design(prepared, days, cramp_type, FAST)
        observed, pseudo = pseudo_events(design.windows, 200, np.random.default_rng(0))
        assert pseudo.shape == (200, observed.size)
        stratum_of = dict(zip(design.windows["pos"], design.windows["stratum"]))
        by_stratum = pd.Series([stratum_of[p] for p in observed]).value_counts()
        for row in pseudo[:20]:
            assert pd.Series([stratum_of[p] for p in row]).value_counts().equals(by_stratum)
            assert len(set(row)) == row.size  # a stratum's cramps fall on distinct days
        if cramp_type == "exercise":
            assert (prepared["session_count"].to_numpy()[pseudo] > 0).all()


def test_session_level_pseudo_cramps_are_drawn_per_session():
    """Exercise cramps compared session by session: a day with two sessions is twice as likely.

    Drawn per day instead, pseudo-cramps under-sample two-session days, whose load is the
    sum of both, so a no-effect athlete's cramps look like they follow high-load days.
    """
    # One stratum of 10 days, one cramp (day 5); day 0 holds two sessions (rows 0 and 10).
    refs = [
        (day, unit) for day in range(10) if day != 5 for unit in ([0, 10] if day == 0 else [day])
    ]
    windows = pd.DataFrame(
        {
            "event": 0,
            "is_case": [True] + [False] * len(refs),
            "stratum": 0,
            "pos": [5] + [day for day, _ in refs],
            "unit": [5] + [unit for _, unit in refs],
        }
    )
    observed, pseudo = pseudo_events(windows, 20_000, np.random.default_rng(1))
    assert observed.tolist() == [5]
    share = np.bincount(pseudo[:, 0], minlength=10) / pseudo.shape[0]
    assert share[0] == pytest.approx(2 / 11, abs=0.012)  # per day it would be 1/10
    assert share[1:] == pytest.approx(np.full(9, 1 / 11), abs=0.012)


def test_the_cramp_day_counts_with_all_its_sessions():
    """The cramp's own day held two sessions: both were at risk, not only the cramp's.

    With only the cramp's session in the pool the null under-samples the cramp days
    themselves, and no-effect athletes whose cramps fall per session saw 8-9% listed
    excursions instead of about 5%.
    """
    # One stratum of 10 days, one cramp on day 5 in session row 5; day 5 also held row 10.
    refs = [(day, day) for day in range(10) if day != 5]
    windows = pd.DataFrame(
        {
            "event": 0,
            "is_case": [True] + [False] * len(refs),
            "stratum": 0,
            "pos": [5] + [day for day, _ in refs],
            "unit": [5] + [unit for _, unit in refs],
        }
    )
    per_day = np.ones(10, dtype=np.int64)
    per_day[5] = 2
    _, pseudo = pseudo_events(windows, 20_000, np.random.default_rng(2), per_day)
    share = np.bincount(pseudo[:, 0], minlength=10) / pseudo.shape[0]
    assert share[5] == pytest.approx(2 / 11, abs=0.012)  # 1/10 without its second session
    _, without = pseudo_events(windows, 20_000, np.random.default_rng(2))
    assert np.mean(without[:, 0] == 5) == pytest.approx(1 / 10, abs=0.012)


def test_a_planted_pattern_is_listed_and_named_in_the_summary():
    daily = synthetic_daily(730, 5)
    cramps = planted_cramps(daily, 40, "nocturnal", "hard_day", 6.0, seed=2)
    res = analyze_athlete(daily, cramps, params=FAST)
    listed = res.epochs.loc[res.epochs["listed"]]
    assert ((listed["indicator"] == "load") & (listed["lag_days"] == -1)).any(), listed[
        ["indicator", "lag_days"]
    ]
    assert "daily training load was higher the day before nocturnal cramps" in res.summary
    doc = report_document(res, {"athlete_id": "a"}, daily, None)
    assert doc["epoch_curves"] == 10
    assert any(e["indicator"] == "load" for e in doc["epoch_excursions"])


def test_after_the_cramp_never_listed():
    daily = synthetic_daily(730, 9)
    cramps = planted_cramps(daily, 40, "nocturnal", seed=9)
    nights = pd.to_datetime(cramps["start_utc"]).dt.date
    hit = pd.Series(daily["date"]).isin(set(nights)).to_numpy()
    daily.loc[hit, "sleep_asleep_min"] -= 90  # each cramp costs an hour and a half of sleep
    epochs = epochs_table(
        prepare_daily(daily),
        {
            "nocturnal": build_design(
                prepare_daily(daily),
                cramp_index_days(cramps, "UTC")["index_day"].to_numpy(),
                "nocturnal",
                FAST,
            )
        },
        -14,
        2,
        300,
        1,
    )
    night = epochs.loc[(epochs["indicator"] == "sleep_asleep_min") & (epochs["lag_days"] == 0)]
    assert night["outside_familywise"].iloc[0] and not night["listed"].iloc[0]
    assert not epochs["listed"].any()
