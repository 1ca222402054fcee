"""The simulator's statistics match its stated model, over many seeds.

Each test pools simulated athletes over many seeds and compares the observed
cramp counts and odds ratios with the parameters of the stated model, within
three standard errors (a test that a wrong model fails: e.g. an odds ratio of
1 instead of 5 lies about seven standard errors away at these sample sizes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyzer.simulate import model
from analyzer.simulate.athletes import (
    CYCLIST,
    DEMO_SQUAD,
    MASTERS,
    RUNNER,
    TRIATHLETE,
    benchmark_squad,
)
from analyzer.simulate.history import simulate_athlete
from analyzer.simulate.sleep import stage_table

START = dt.date(2025, 9, 1)
DAYS = 212
SEEDS = range(20)


@pytest.fixture(scope="module")
def pooled() -> dict[str, list]:
    """Histories of each demo athlete over 20 seeds (sessions and days only, no streams)."""
    return {
        spec.athlete_id: [simulate_athlete(spec, START, DAYS, seed) for seed in SEEDS]
        for spec in DEMO_SQUAD
    }


def _log_or(exposed: np.ndarray, event: np.ndarray) -> tuple[float, float]:
    """Log odds ratio of a 2x2 table and its standard error (Woolf)."""
    a = np.sum(exposed & event)
    b = np.sum(exposed & ~event)
    c = np.sum(~exposed & event)
    d = np.sum(~exposed & ~event)
    assert min(a, b, c, d) > 0, (a, b, c, d)
    return float(np.log(a * d / (b * c))), float(np.sqrt(1 / a + 1 / b + 1 / c + 1 / d))


def _mantel_haenszel_log_or(exposed, event, strata) -> float:
    """Mantel-Haenszel common odds ratio (log) across strata (Mantel & Haenszel 1959)."""
    num = den = 0.0
    for s in np.unique(strata):
        m = strata == s
        n = m.sum()
        a = np.sum(exposed[m] & event[m])
        b = np.sum(exposed[m] & ~event[m])
        c = np.sum(~exposed[m] & event[m])
        d = np.sum(~exposed[m] & ~event[m])
        num += a * d / n
        den += b * c / n
    return float(np.log(num / den))


def _sessions(histories) -> pd.DataFrame:
    frames = []
    for h in histories:
        s = h.sessions.copy()
        s["cramp"] = s["session_id"].isin(h.cramps["session_id"])
        s["seed"] = h.seed
        frames.append(s)
    return pd.concat(frames, ignore_index=True)


def _nights(histories) -> pd.DataFrame:
    frames = []
    for h in histories:
        n = h.nights.copy()
        n["cramp"] = n["night"].isin(h.cramps["night"])
        frames.append(n)
    return pd.concat(frames, ignore_index=True)


def test_same_seed_same_history_other_seed_other_history():
    a = simulate_athlete(RUNNER, START, 60, 7)
    b = simulate_athlete(RUNNER, START, 60, 7)
    c = simulate_athlete(RUNNER, START, 60, 8)
    pd.testing.assert_frame_equal(a.sessions, b.sessions)
    pd.testing.assert_frame_equal(a.cramps, b.cramps)
    assert not a.sessions["start_utc"].equals(c.sessions["start_utc"])


@pytest.mark.parametrize("spec", DEMO_SQUAD, ids=lambda s: s.athlete_id)
def test_cramp_counts_match_the_model_probabilities(pooled, spec):
    histories = pooled[spec.athlete_id]
    observed = sum(len(h.cramps) for h in histories)
    p = np.concatenate([np.r_[h.sessions["p_cramp"], h.nights["p_cramp"]] for h in histories])
    # Poisson-binomial mean and variance, plus the random component's Poisson count.
    # (Nights start the evening before the first wake date; the first night's
    # cramps can fall before the period and are dropped, hence the small slack.)
    expected = p.sum() + spec.cramps.random_per_day * DAYS * len(histories)
    variance = np.sum(p * (1 - p)) + spec.cramps.random_per_day * DAYS * len(histories)
    assert abs(observed - expected) < 3 * np.sqrt(variance) + 2
    per_athlete = observed / len(histories)
    # Enough events for the findings; up to one night in four for the masters athlete,
    # whose three planted night patterns need that many in seven months.
    assert 15 <= per_athlete <= 65


def test_runner_intensity_odds_ratio(pooled):
    s = _sessions(pooled[RUNNER.athlete_id])
    log_or, se = _log_or(s["above_habit_intensity"].to_numpy(), s["cramp"].to_numpy())
    assert abs(log_or - np.log(RUNNER.cramps.or_intensity)) < 3 * se
    assert log_or > 3 * se  # clearly detectable when pooled
    # Duration above habit was not planted for the runner.
    log_or_d, se_d = _log_or(s["above_habit_duration"].to_numpy(), s["cramp"].to_numpy())
    assert abs(log_or_d) < 3 * se_d + 0.3  # correlated with intensity only through chance


def test_triathlete_heat_odds_ratio(pooled):
    s = _sessions(pooled[TRIATHLETE.athlete_id])
    log_or, se = _log_or(s["hot"].to_numpy(), s["cramp"].to_numpy())
    assert abs(log_or - np.log(TRIATHLETE.cramps.or_heat)) < 3 * se
    assert not s.loc[s["sport"] == "swimming", "hot"].any()


def test_masters_nocturnal_odds_ratios(pooled):
    n = _nights(pooled[MASTERS.athlete_id])
    hard, short = n["hard_day_before"].to_numpy(), n["short_night_before"].to_numpy()
    on_drug = (n["medication_log_or"] != 0).to_numpy()
    cramp = n["cramp"].to_numpy()
    # Each effect estimated within strata of the other two (the model is conditional).
    strata_h = short * 2 + on_drug
    strata_s = hard * 2 + on_drug
    strata_d = hard * 2 + short
    for exposed, strata, target in (
        (hard, strata_h, MASTERS.cramps.or_hard_day),
        (short, strata_s, MASTERS.cramps.or_short_night_before),
        (on_drug, strata_d, MASTERS.medications[0].nocturnal_odds_ratio),
    ):
        _, se = _log_or(exposed, cramp)
        assert abs(_mantel_haenszel_log_or(exposed, cramp, strata) - np.log(target)) < 3 * se
    # Every nocturnal cramp is a calf or foot cramp at night, inside the sleep.
    cramps = pd.concat([h.cramps for h in pooled[MASTERS.athlete_id]])
    assert set(cramps["context"]) == {"night"}
    assert set(cramps["muscle"]) <= {"calf", "foot"}


def test_diuretic_raises_the_rate_and_stopping_lowers_it(pooled):
    before = during = after = 0
    for h in pooled[MASTERS.athlete_id]:
        day = np.array([(n - START).days for n in h.cramps["night"]]) - 1
        course = MASTERS.medications[0]
        before += np.sum(day < course.start_day)
        during += np.sum((day >= course.start_day) & (day <= course.end_day))
        after += np.sum(day > course.end_day)
    rate_before = before / MASTERS.medications[0].start_day
    rate_during = during / (course.end_day - course.start_day + 1)
    rate_after = after / (DAYS - 1 - course.end_day)
    assert rate_during > 1.8 * rate_before
    assert rate_during > 1.8 * rate_after


def test_null_cyclist_shows_no_pattern(pooled):
    histories = pooled[CYCLIST.athlete_id]
    s, n = _sessions(histories), _nights(histories)
    for exposed, event in (
        (n["hard_day_before"], n["cramp"]),
        (n["short_night"], n["cramp"]),
        (s["above_habit_intensity"], s["cramp"]),
        (s["above_habit_duration"], s["cramp"]),
    ):
        log_or, se = _log_or(exposed.to_numpy(), event.to_numpy())
        assert abs(log_or) < 3 * se
    # Every cramp is one the findings engine compares (in a session or at night), at a
    # constant probability per session and per night.
    cramps = pd.concat([h.cramps for h in histories])
    assert set(cramps["context"]) <= {"exercise", "after_exercise", "night"}
    assert np.allclose(s["p_cramp"], CYCLIST.cramps.p_session)
    assert np.allclose(n["p_cramp"], CYCLIST.cramps.p_night)
    by_type = cramps["component"].value_counts() / len(histories)
    assert by_type["exercise_model"] >= 10 and by_type["nocturnal_model"] >= 10
    assert model.planted_effects(CYCLIST)[0]["exposure"].startswith("none")


def test_random_cramps_are_a_homogeneous_poisson_process_in_time():
    spec = dataclasses.replace(CYCLIST, cramps=model.CrampModel(random_per_day=0.11))
    histories = [simulate_athlete(spec, START, DAYS, seed) for seed in range(10)]
    s = _sessions(histories)
    cramps = pd.concat([h.cramps for h in histories])
    # By context in proportion to the time spent in it.
    hours_in_sessions = s["duration_s"].sum() / 3600.0
    total_hours = DAYS * 24.0 * len(histories)
    share = np.mean(cramps["context"] == "exercise")
    expected = hours_in_sessions / total_hours
    assert abs(share - expected) < 3 * np.sqrt(expected * (1 - expected) / len(cramps))
    assert cramps["p_cramp"].isna().all()
    count = 0.11 * DAYS * len(histories)
    assert abs(len(cramps) - count) < 3 * np.sqrt(count) + 2


def test_nights_are_consistent():
    h = simulate_athlete(MASTERS, START, 40, 3)
    n = h.nights
    span = (n["end_utc"] - n["start_utc"]).dt.total_seconds() / 60.0
    assert np.allclose(span, n["asleep_min"] + n["awake_min"])
    assert np.allclose(n["asleep_min"], n["deep_min"] + n["light_min"] + n["rem_min"])
    local_end = n["end_utc"].dt.tz_convert(MASTERS.timezone)
    assert list(local_end.dt.date) == list(n["night"])  # a night belongs to its wake-up date
    for _, night in n.iterrows():
        stages = stage_table(night)
        assert (stages["start_utc"] < stages["end_utc"]).all()
        assert (
            stages["end_utc"].iloc[:-1].to_numpy() == stages["start_utc"].iloc[1:].to_numpy()
        ).all()
        assert stages["start_utc"].iloc[0] == night["start_utc"]
        assert stages["end_utc"].iloc[-1] == night["end_utc"]


def test_mornings_respond_to_load_and_sleep():
    rows = []
    for seed in range(10):
        h = simulate_athlete(RUNNER, START, DAYS, seed)
        w = h.wellness.assign(asleep_min=h.nights["asleep_min"].to_numpy())
        rows.append(w)
    w = pd.concat(rows)
    assert np.corrcoef(w["training_stress"], w["resting_hr_bpm"])[0, 1] > 0.3
    assert np.corrcoef(w["training_stress"], np.log(w["hrv_rmssd_ms"]))[0, 1] < -0.2
    assert np.corrcoef(w["asleep_min"], w["resting_hr_bpm"])[0, 1] < -0.1


def test_habit_exposures_by_hand():
    # Ten sessions at HRR 0.6 and 60 min over 20 days, then one at 0.75 (above habit by 0.15).
    days = list(range(0, 20, 2)) + [25, 26]
    hrr = [0.6] * 10 + [0.75, 0.7]
    dur = [3600.0] * 10 + [3600.0, 5400.0]
    out = model.habit_exposures(pd.DataFrame({"day": days, "mean_hrr": hrr, "duration_s": dur}))
    assert out["habit_hrr"].iloc[:8].isna().all()  # fewer than 8 earlier sessions
    assert out["habit_hrr"].iloc[10] == pytest.approx(0.6)
    assert out["above_habit_intensity"].tolist() == [False] * 10 + [True, False]
    # Session 12: habit = mean of 11 earlier sessions (duration 3600 s) -> 5400 s is 1.5 x.
    assert out["above_habit_duration"].tolist() == [False] * 11 + [True]


def test_habit_window_forgets_sessions_older_than_90_days():
    days = list(range(0, 10)) + list(range(95, 105)) + [105]
    hrr = [0.9] * 10 + [0.6] * 10 + [0.74]
    out = model.habit_exposures(pd.DataFrame({"day": days, "mean_hrr": hrr, "duration_s": 3600.0}))
    # Day 105 sees days 15..104 only: the ten 0.6 sessions -> 0.74 is 0.14 above habit.
    assert out["habit_hrr"].iloc[-1] == pytest.approx(0.6)
    assert bool(out["above_habit_intensity"].iloc[-1])


def test_hard_days_by_hand():
    # 28 days alternating 100 / 0 (mean daily TRIMP 50: rest days count), then day 28:
    # 74 < 1.5 x 50 = 75; day 29: rest; day 30: 74 >= 1.5 x mean(days 2..29) = 1.5 x 1374 / 28.
    trimp = np.array([100.0, 0.0] * 14 + [74.0, 0.0, 74.0])
    assert 1.5 * trimp[2:30].mean() == pytest.approx(73.6071, abs=1e-4)
    assert np.flatnonzero(model.hard_days(trimp)).tolist() == [30]
    assert not model.hard_days(np.array([100.0, 500.0, 0.0])).any()  # no 28-day baseline yet


def test_hard_day_rule_is_the_indicators_and_the_findings_engines():
    from analyzer.findings.params import FindingsParams
    from analyzer.indicators.params import IndicatorParams

    assert model.HARD_DAY_RATIO == IndicatorParams().hard_day_factor
    assert model.HARD_DAY_RATIO == FindingsParams().hard_day_load_ratio_min
    assert model.HARD_DAY_WINDOW_DAYS == IndicatorParams().hard_day_baseline_d


def test_banister_trimp_oracle():
    # Oracle: 30 min at 130 + 30 min at 175 bpm (rest 60, max 190, men): per-minute sum 121.9003.
    x = (np.array([130.0, 175.0]) - 60) / 130
    assert model.banister_trimp(np.array([30.0, 30.0]), x, "m").sum() == pytest.approx(
        121.9003, abs=1e-4
    )


def test_medication_log_odds():
    course = model.MedicationCourse(
        "hctz", "medication", start_day=5, end_day=7, nocturnal_odds_ratio=3.0
    )
    out = model.medication_log_odds((course,), np.arange(10))
    assert out.tolist() == pytest.approx([0] * 5 + [np.log(3)] * 3 + [0] * 2)


def test_benchmark_squad_varies_the_archetypes():
    specs = benchmark_squad(8, np.random.default_rng(0))
    assert len({s.athlete_id for s in specs}) == 8
    assert len({s.physiology.hr_max_bpm for s in specs}) > 4
    assert all(dataclasses.is_dataclass(s) for s in specs)
