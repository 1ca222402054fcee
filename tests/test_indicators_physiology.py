"""Physiology estimated from the athlete's own streams: accuracy against known true values.

The streams come from :mod:`tests.helpers.hr_streams` (a lagged heart-rate response with
the spikes, dropouts and sparse recording of real straps), whose true HR max, LTHR and
threshold power are known by construction.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from analyzer.indicators import physiology as phys
from analyzer.indicators.athlete_settings import resolve_settings
from analyzer.indicators.plausible import POWER_LIMITS_W
from analyzer.indicators.session_streams import StreamSet
from tests.helpers.hr_streams import (
    effort_profile,
    lagged,
    session_frame,
    training_block,
    with_artefacts,
)


def _grids(activities, samples, channel="heart_rate_bpm", limits=phys.HR_LIMITS_BPM):
    streams = StreamSet(samples, activities["activity_id"].tolist(), 10.0)
    return phys.session_grids(streams, channel, limits, phys.DEFAULT_RULES.hold_s)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("hr_max", [172.0, 191.0, 203.0])
def test_hr_max_within_3_bpm_despite_spikes_and_dropouts(seed, hr_max):
    rng = np.random.default_rng(seed)
    acts, samples = training_block(rng, hr_max, 52.0, n_sessions=40, n_max_efforts=2)
    recorded = samples["heart_rate_bpm"]
    assert recorded.max() > hr_max + 15  # the spikes are there: a plain maximum would be wrong
    estimate, used = phys.estimate_hr_max(_grids(acts, samples))
    assert hr_max - 3.0 <= estimate <= hr_max + 1.0
    assert used.sum() == 40


def test_one_session_with_a_sustained_artefact_is_ignored():
    rng = np.random.default_rng(11)
    acts, samples = training_block(rng, 185.0, 50.0, n_sessions=20, n_max_efforts=3)
    # cadence lock: half a minute at 212 bpm in one easy run
    locked = samples.index[samples["activity_id"] == "run-004"][900:930]
    samples.loc[locked, "heart_rate_bpm"] = 212.0
    estimate, _ = phys.estimate_hr_max(_grids(acts, samples))
    assert 182.0 <= estimate <= 186.0


def test_highest_supported_drops_isolated_tops_only():
    assert phys.highest_supported([180, 182, 199, 181], 10.0) == (182.0, 1)
    assert phys.highest_supported([180, 188, 195], 10.0) == (195.0, 0)
    assert phys.highest_supported([177.0], 10.0) == (177.0, 0)
    value, dropped = phys.highest_supported([np.nan], 10.0)
    assert np.isnan(value) and dropped == 0


def test_sustained_peak_needs_the_whole_window_and_real_readings():
    readings = np.zeros(20, dtype=bool)
    values = np.full(20, 150.0)
    values[10:14] = 200.0  # four seconds: shorter than the 5-s rule
    readings[:] = True
    grid = phys.SessionGrid(values, readings)
    assert phys.sustained_peak(grid, 5, 3) == 150.0
    values[10:15] = 200.0
    assert phys.sustained_peak(phys.SessionGrid(values, readings), 5, 3) == 200.0
    sparse = readings.copy()
    sparse[11:15] = False  # one reading held over the gap is not a measurement of 5 s
    assert phys.sustained_peak(phys.SessionGrid(values, sparse), 5, 3) == 150.0


def test_hr_rest_median_of_daily_values_ignores_vendor_zeros():
    value, n = phys.estimate_hr_rest([52, 50, 0, np.nan, 55, 49, 51])
    assert (value, n) == (51.0, 5)


def test_hr_rest_from_sessions_is_the_lowest_minute_and_above_true_rest():
    rng = np.random.default_rng(3)
    acts, samples = training_block(rng, 190.0, 48.0, n_sessions=10)
    estimate, used = phys.estimate_hr_rest_from_sessions(_grids(acts, samples))
    # the runs start 20 bpm above rest and warm up towards 55 % of reserve
    assert 48.0 < estimate < 48.0 + 0.55 * 142.0
    assert used.all()


def test_lthr_friel_last_20_minutes_of_the_hardest_30():
    rng = np.random.default_rng(5)
    # a 30-min time trial with heart rate drifting from 168 to 174 after the start
    tt = effort_profile([(900, 120.0)]).tolist() + list(np.linspace(168.0, 174.0, 1800))
    true_hr = lagged(np.asarray(tt), 100.0, tau_s=20.0)
    recorded = with_artefacts(true_hr, rng, n_spikes=6, n_dropouts=3)
    start = pd.Timestamp("2026-03-01 08:00", tz="UTC")
    samples = session_frame("tt", start, recorded)
    easy = session_frame("easy", start + pd.Timedelta(days=1), np.full(3000, 140.0))
    acts = pd.DataFrame({"activity_id": ["tt", "easy"], "start_utc": [start, start]})
    estimate, used = phys.estimate_lthr(_grids(acts, pd.concat([samples, easy])))
    truth = float(np.mean(true_hr[-1200:]))
    assert abs(estimate - truth) < 1.0
    assert used.tolist() == [True, True]


def test_ftp_95_percent_of_best_20_minutes_with_coasting_and_dropouts():
    rng = np.random.default_rng(8)
    power = np.concatenate(
        [np.full(1200, 180.0), np.full(1200, 300.0), rng.choice([0.0, 150.0], 1800)]
    )
    power = power + rng.normal(0.0, 15.0, power.size)
    power[200:230] = np.nan  # the power meter dropped out in the warm-up
    power[1500] = 1900.0  # one bad reading inside the effort
    start = pd.Timestamp("2026-04-02 16:00", tz="UTC")
    samples = session_frame("ride", start, np.full(power.size, 150.0), power_w=power)
    acts = pd.DataFrame({"activity_id": ["ride"], "start_utc": [start]})
    grids = _grids(acts, samples, "power_w", POWER_LIMITS_W)
    estimate, _ = phys.estimate_ftp(grids)
    assert estimate == pytest.approx(0.95 * 300.0, abs=3.0)


def test_no_ftp_from_a_power_channel_of_zeros():
    start = pd.Timestamp("2026-04-02 16:00", tz="UTC")
    samples = session_frame("ride", start, np.full(1500, 150.0), power_w=np.zeros(1500))
    acts = pd.DataFrame({"activity_id": ["ride"], "start_utc": [start]})
    estimate, used = phys.estimate_ftp(_grids(acts, samples, "power_w", POWER_LIMITS_W))
    assert np.isnan(estimate) and not used.any()


def _athlete(**stored):
    return {"athlete_id": "newbie", "display_name": None, "sex": "unspecified", **stored}


def test_settings_precedence_set_then_estimated_then_default():
    rng = np.random.default_rng(21)
    acts, samples = training_block(rng, 188.0, 50.0, n_sessions=12)
    wellness = pd.DataFrame({"date": pd.date_range("2026-01-05", periods=30).date})
    wellness["resting_hr_bpm"] = 50.0 + rng.integers(-2, 3, 30)
    resolved = resolve_settings(_athlete(hr_max_bpm=181.0), acts, samples, wellness).settings
    assert resolved["hr_max_bpm"].value == 181.0
    assert resolved["hr_max_bpm"].source == "set by you"
    assert resolved["hr_rest_bpm"].kind == "estimated"
    assert resolved["hr_rest_bpm"].source.startswith(
        "estimated from your device's resting heart rate on 30 days, 2026-01-05 to 2026-02-03"
    )
    assert 48 <= resolved["hr_rest_bpm"].value <= 52
    assert resolved["lthr_bpm"].kind == "estimated"
    assert resolved["ftp_w"].value is None and resolved["ftp_w"].kind == "default"
    assert resolved["sex"].kind == "default" and resolved["sex"].value == "unspecified"
    assert resolved["sleep_need_h"].value == 8.0 and resolved["sleep_need_h"].kind == "default"
    assert resolved["timezone"].value == "UTC" and resolved["timezone"].kind == "default"
    assert resolved["display_name"].value == "newbie"

    estimated = resolve_settings(_athlete(), acts, samples, wellness).settings["hr_max_bpm"]
    assert estimated.kind == "estimated" and 185 <= estimated.value <= 189
    assert estimated.source.startswith("estimated from the heart rate held 5 s or more of 12 ")
    assert estimated.source.endswith("2026-01-05 to 2026-01-27")

    nothing = resolve_settings(_athlete()).settings
    assert all(nothing[k].value is None for k in ("hr_max_bpm", "lthr_bpm"))
    assert nothing["hr_max_bpm"].source.startswith("default: not known")
    assert nothing["hr_rest_bpm"].value == 65.0
    assert nothing["hr_rest_bpm"].source.startswith("default: 65 bpm, the average resting")

    # without daily resting HR, sessions that never went below 65 bpm leave the default
    no_days = resolve_settings(_athlete(), acts, samples).settings["hr_rest_bpm"]
    assert no_days.value == 65.0 and "your sessions never held less than" in no_days.source


def test_everything_set_reads_no_data():
    stored = dict(
        sex="f",
        hr_rest_bpm=48.0,
        hr_max_bpm=190.0,
        lthr_bpm=172.0,
        ftp_w=210.0,
        timezone="Europe/Berlin",
        sleep_need_h=8.0,
        display_name="Anna",
    )
    resolved = resolve_settings(_athlete(**stored), activities=None, samples=object())
    assert {s.kind for s in resolved.settings.values()} == {"set"}
    assert resolved.values()["hr_max_bpm"] == 190.0


FLIPPED_BIT_S = 2**28  # one flipped bit 28 of a FIT timestamp: 8.5 years later


@pytest.mark.parametrize("duration_known", [True, False])
def test_a_sample_years_away_leaves_the_estimates_and_their_memory_alone(duration_known):
    """A session holding one sample whose timestamp lies 8.5 years on (a flipped bit).

    Without the session's bound the 1-s grid of that session would span 2**28 seconds
    (gigabytes); with it the grid stays the session's own, with the duration recorded or
    (unknown) the samples' span with long gaps capped.
    """
    acts, samples = training_block(np.random.default_rng(21), 188.0, 50.0, n_sessions=12)
    spans = samples.groupby("activity_id")["t_utc"].agg(
        lambda t: (t.max() - t.min()).total_seconds()
    )
    acts["duration_s"] = acts["activity_id"].map(spans).astype(float) if duration_known else np.nan
    clean = resolve_settings({"athlete_id": "a"}, acts, samples)
    damaged = samples.copy()
    row = damaged.index[damaged["activity_id"] == "run-005"][1500]
    damaged.loc[row, "t_utc"] += pd.Timedelta(seconds=FLIPPED_BIT_S)
    tracemalloc.start()
    try:
        settings = resolve_settings({"athlete_id": "a"}, acts, damaged)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64e6, f"peak {peak / 1e6:.0f} MB"
    for name in ("hr_rest_bpm", "hr_max_bpm", "lthr_bpm"):
        assert settings.settings[name] == clean.settings[name], name
    assert 185.0 <= settings.settings["hr_max_bpm"].value <= 189.0


def test_an_estimate_names_the_local_dates_of_its_sessions():
    # every run starts at 20:00 UTC: 06:00 on the next day in Brisbane (UTC+10)
    acts, samples = training_block(
        np.random.default_rng(8), 190.0, 50.0, n_sessions=6, start="2026-01-05 20:00"
    )
    athlete = {"athlete_id": "a", "timezone": "Australia/Brisbane"}
    source = resolve_settings(athlete, acts, samples).settings["hr_max_bpm"].source
    assert source.endswith(" of 6 sessions, 2026-01-06 to 2026-01-16"), source
    utc = resolve_settings({"athlete_id": "a"}, acts, samples).settings["hr_max_bpm"].source
    assert utc.endswith(" of 6 sessions, 2026-01-05 to 2026-01-15"), utc
