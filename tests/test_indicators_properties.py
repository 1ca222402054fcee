"""Property tests: convergence, row-order invariance, no look-ahead."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.indicators import IndicatorParams, daily_table, sessions_table
from analyzer.indicators.pmc import performance_manager
from analyzer.schema import conform

ATHLETE = {
    "athlete_id": "bo",
    "sex": "m",
    "hr_rest_bpm": 48.0,
    "hr_max_bpm": 188.0,
    "lthr_bpm": 162.0,
    "ftp_w": 280.0,
    "timezone": "America/Denver",
    "sleep_need_h": None,
}
DAY0 = dt.date(2023, 1, 2)
SETTINGS = settings(max_examples=15, deadline=None)


@SETTINGS
@given(
    load=st.floats(0, 1000),
    alpha=st.sampled_from(["exponential", "inverse"]),
    tau=st.sampled_from([7.0, 28.0, 42.0]),
)
def test_ctl_of_a_constant_load_converges_to_it(load, alpha, tau):
    out = performance_manager(
        np.full(int(40 * tau), load), ctl_tau_d=tau, atl_tau_d=tau / 6, alpha_convention=alpha
    )
    assert abs(out["ctl"].iloc[-1] - load) <= 1e-9 * max(load, 1.0) + 1e-9
    assert abs(out["atl"].iloc[-1] - load) <= 1e-9 * max(load, 1.0) + 1e-9
    assert np.all(np.diff(out["ctl"].to_numpy()) >= -1e-9)  # rises monotonically from 0


@st.composite
def athlete_data(draw):
    """Activities, sleep and wellness over up to 70 days with gaps, as canonical tables."""
    n_days = draw(st.integers(5, 70))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    days = np.arange(n_days)
    session_days = days[rng.random(n_days) < draw(st.floats(0.2, 1.0))]
    n = session_days.size
    hours = rng.uniform(0, 24, n)  # any hour: some sessions cross the local midnight
    start = pd.Timestamp(DAY0, tz="UTC") + pd.to_timedelta(session_days * 24 + hours, unit="h")
    activities = conform(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"a{i}" for i in range(n)],
                "athlete_id": "bo",
                "sport": rng.choice(["running", "cycling", "swimming"], n),
                "start_utc": start,
                "duration_s": rng.uniform(600, 10800, n),
                "moving_s": np.nan,
                "avg_heart_rate_bpm": np.where(
                    rng.random(n) < 0.8, rng.uniform(90, 185, n), np.nan
                ),
                "avg_power_w": np.where(rng.random(n) < 0.3, rng.uniform(100, 350, n), np.nan),
                "avg_speed_mps": rng.uniform(1, 12, n),
                "avg_temperature_c": rng.uniform(-5, 35, n),
                "rpe": np.where(rng.random(n) < 0.5, rng.integers(1, 10, n), np.nan),
                "utc_offset_s": np.where(rng.random(n) < 0.5, -6 * 3600.0, np.nan),
            }
        ),
    )
    nights = days[rng.random(n_days) < 0.8]
    asleep = rng.uniform(240, 600, nights.size)
    sleep = conform(
        "sleep",
        pd.DataFrame(
            {
                "athlete_id": "bo",
                "night": [DAY0 + dt.timedelta(days=int(d)) for d in nights],
                "asleep_min": asleep,
                "in_bed_min": asleep + rng.uniform(0, 90, nights.size),
                "source": rng.choice(["watch", "ring"], nights.size),
            }
        ),
    )
    second = sleep.sample(frac=0.3, random_state=int(rng.integers(1000)))  # a second device
    sleep = pd.concat(
        [sleep, second.assign(source="ring2", asleep_min=second["asleep_min"] - 20)],
        ignore_index=True,
    )
    well_days = days[rng.random(n_days) < 0.7]
    wellness = conform(
        "wellness",
        pd.DataFrame(
            {
                "athlete_id": "bo",
                "date": [DAY0 + dt.timedelta(days=int(d)) for d in well_days],
                "resting_hr_bpm": rng.uniform(40, 70, well_days.size),
                "hrv_rmssd_ms": np.where(
                    rng.random(well_days.size) < 0.8, rng.uniform(20, 120, well_days.size), np.nan
                ),
                "source": "watch",
            }
        ),
    )
    params = IndicatorParams(
        pmc_alpha=draw(st.sampled_from(["exponential", "inverse"])),
        ewma_seed=draw(st.sampled_from(["first_load", "zero"])),
        rest_day_rule=draw(st.sampled_from(["device_data", "activity_span"])),
        model_missing_load_as_zero=draw(st.booleans()),
        acwr_warmup_d=7,
        acwr_chronic_d=14,
        hard_day_baseline_d=7,
        baseline_min_valid_d=5,
    )
    return activities, sleep, wellness, params


def features(activities, sleep, wellness, params):
    sessions = sessions_table(activities, None, ATHLETE, params)
    return daily_table(sessions, sleep, wellness, ATHLETE, params)


@SETTINGS
@given(data=athlete_data(), seed=st.integers(0, 1000))
def test_indicators_do_not_depend_on_row_order(data, seed):
    activities, sleep, wellness, params = data
    expected = features(activities, sleep, wellness, params)
    shuffled = features(
        *(t.sample(frac=1, random_state=seed) for t in (activities, sleep, wellness)), params
    )
    pd.testing.assert_frame_equal(shuffled, expected)


@SETTINGS
@given(data=athlete_data(), cut=st.integers(0, 69))
def test_no_look_ahead(data, cut):
    activities, sleep, wellness, params = data
    full = features(activities, sleep, wellness, params)
    last = DAY0 + dt.timedelta(days=cut)
    sessions = sessions_table(activities, None, ATHLETE, params)
    kept = sessions[[d <= last for d in sessions["local_date"]]]
    truncated = daily_table(
        kept,
        sleep[[d <= last for d in sleep["night"]]],
        wellness[[d <= last for d in wellness["date"]]],
        ATHLETE,
        params,
    )
    early = full[[d <= last for d in full["date"]]].reset_index(drop=True)
    common = min(len(early), len(truncated))
    pd.testing.assert_frame_equal(truncated.iloc[:common], early.iloc[:common])
    assert len(truncated) == common  # nothing after the cut appears


@SETTINGS
@given(data=athlete_data())
def test_habit_ignores_later_sessions(data):
    activities, _, _, params = data
    full = sessions_table(activities, None, ATHLETE, params).set_index("activity_id")
    half = activities.sort_values("start_utc").iloc[: len(activities) // 2]
    early = sessions_table(half, None, ATHLETE, params).set_index("activity_id")
    columns = ["intensity_rel_habit", "duration_rel_habit", "load", "trimp_au"]
    pd.testing.assert_frame_equal(
        early[columns], full.loc[early.index, columns], check_index_type=len(early) > 0
    )
