"""Per-session metrics: load choice, streams, pauses, habit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.indicators import IndicatorParams, session_metrics, sessions_table, trimp
from analyzer.indicators.habit import relative_to_habit
from analyzer.schema import conform
from tests.helpers.athletes import ANN as ATHLETE

START = pd.Timestamp("2024-05-01 06:00", tz="UTC")


def stream(seconds=3600, hr=150.0, watts=200.0, speed=8.0, temperature=21.0, activity_id="a1"):
    t = START + pd.to_timedelta(np.arange(seconds), unit="s")
    return conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": activity_id,
                "t_utc": t,
                "heart_rate_bpm": hr,
                "power_w": watts,
                "speed_mps": speed,
                "temperature_c": temperature,
            }
        ),
    )


def activity(**overrides):
    row = {
        "activity_id": "a1",
        "athlete_id": "ann",
        "sport": "cycling",
        "start_utc": START,
        "duration_s": 3600.0,
        "moving_s": 3600.0,
        "utc_offset_s": np.nan,
        "rpe": 6.0,
    }
    row.update(overrides)
    return row


def test_constant_ride_power_metrics_and_tss_load():
    out = session_metrics(activity(), stream(), ATHLETE)
    assert out["np_w"] == pytest.approx(200.0)
    assert out["intensity_factor"] == pytest.approx(0.8)
    assert out["tss"] == pytest.approx(64.0)
    assert out["load"] == pytest.approx(64.0) and out["load_source"] == "tss"
    assert out["avg_temperature_c"] == pytest.approx(21.0)
    assert out["srpe_load_au"] == pytest.approx(360.0)
    # constant HR: per-sample and average-HR TRIMP agree (Morton female constants)
    expected = trimp.banister_trimp(60, 150, 50, 190, "f")
    assert out["trimp_samples_au"] == pytest.approx(expected, rel=1e-9)
    assert out["trimp_avg_hr_au"] == pytest.approx(expected, rel=1e-9)
    assert out["hr_zone3_s"] == pytest.approx(3600.0)  # 150/190 = 79 % of HR max: 70-80 %
    assert out["trimp_edwards_au"] == pytest.approx(60 * 3)
    assert out["local_date"].isoformat() == "2024-05-01"


def test_load_falls_back_in_the_documented_order():
    no_ftp = {**ATHLETE, "ftp_w": None}
    out = session_metrics(activity(), stream(), no_ftp)
    assert out["load_source"] == "hrtss"
    assert out["load"] == pytest.approx(
        100 * out["trimp_au"] / trimp.banister_trimp(60, 165, 50, 190, "f")
    )
    out = session_metrics(activity(), stream(), {**no_ftp, "lthr_bpm": None})
    assert out["load_source"] == "trimp" and out["load"] == pytest.approx(out["trimp_au"])
    out = session_metrics(activity(), stream(hr=np.nan), {**no_ftp, "lthr_bpm": None})
    assert out["load_source"] == "srpe" and out["load"] == pytest.approx(360.0)
    out = session_metrics(activity(rpe=None), None, {**no_ftp, "lthr_bpm": None})
    assert out["load_source"] is None and np.isnan(out["load"])
    priority = IndicatorParams(load_priority=("srpe", "tss"))
    assert session_metrics(activity(), stream(), ATHLETE, priority)["load_source"] == "srpe"


def test_summary_only_session_uses_average_hr_form():
    out = session_metrics(activity(avg_heart_rate_bpm=150.0, moving_s=3000.0), None, ATHLETE)
    assert out["trimp_au"] == pytest.approx(trimp.banister_trimp(50, 150, 50, 190, "f"))
    assert np.isnan(out["trimp_samples_au"]) and np.isnan(out["np_w"])


def test_goldencheetah_female_constants_are_selectable():
    params = IndicatorParams(trimp_constants="goldencheetah", trimp_form="average")
    out = session_metrics(activity(), stream(), ATHLETE, params)
    assert out["trimp_au"] == pytest.approx(
        trimp.banister_trimp(60, 150, 50, 190, "f", "goldencheetah")
    )


def test_pause_in_stream_is_not_counted_as_exercise():
    samples = stream()
    gap = samples.copy()
    gap.loc[gap.index >= 1800, "t_utc"] += pd.Timedelta(hours=1)  # one-hour stop in the middle
    continuous = session_metrics(activity(moving_s=np.nan, duration_s=np.nan), samples, ATHLETE)
    paused = session_metrics(activity(moving_s=np.nan, duration_s=np.nan), gap, ATHLETE)
    assert paused["trimp_samples_au"] == pytest.approx(continuous["trimp_samples_au"], rel=1e-2)
    assert paused["moving_s"] == pytest.approx(continuous["moving_s"], abs=20)
    assert paused["duration_s"] == pytest.approx(continuous["duration_s"] + 3600, abs=2)


def test_sample_order_does_not_matter():
    rng = np.random.default_rng(1)
    samples = stream(hr=140 + rng.normal(0, 5, 3600), watts=rng.normal(200, 30, 3600))
    ordered = session_metrics(activity(), samples, ATHLETE)
    shuffled = session_metrics(activity(), samples.sample(frac=1, random_state=3), ATHLETE)
    for key, value in ordered.items():
        if isinstance(value, float):
            assert shuffled[key] == pytest.approx(value, nan_ok=True), key


def test_decoupling_and_drift_on_a_drifting_ride():
    t = np.arange(4200)
    hr = np.where(t < 600, 110.0, np.where(t < 2400, 140.0, 147.0))
    samples = stream(seconds=4200, hr=hr)
    out = session_metrics(activity(duration_s=4200.0, moving_s=4200.0), samples, ATHLETE)
    assert out["decoupling_pct"] == pytest.approx(4.7619, abs=1e-4)
    assert out["decoupling_output"] == "power"
    assert out["cardiac_drift_pct"] == pytest.approx(5.0, abs=1e-4)


def test_heart_rate_recovery_after_the_effort():
    t = np.arange(1500.0)
    hr = np.where(t <= 1200, 120 + 52 * t / 1200, 172 - 31 * (t - 1200) / 60).clip(min=100)
    watts = np.where(t <= 1200, 250.0, 0.0)
    out = session_metrics(
        activity(), stream(seconds=1500, hr=hr, watts=watts, speed=np.nan), ATHLETE
    )
    assert out["hrr60_bpm"] == pytest.approx(31.0, abs=1e-6)
    assert out["hrr120_bpm"] == pytest.approx(62.0, abs=1e-6)


def test_device_offset_sets_the_local_date():
    late = START.replace(hour=23, minute=30)
    out = session_metrics(activity(start_utc=late), None, ATHLETE)
    assert out["local_date"].isoformat() == "2024-05-02"  # Berlin, UTC+2
    out = session_metrics(activity(start_utc=late, utc_offset_s=-5 * 3600), None, ATHLETE)
    assert out["local_date"].isoformat() == "2024-05-01"


def test_relative_to_habit_uses_only_earlier_sessions_in_the_window():
    starts = pd.Series(
        pd.to_datetime(
            ["2024-01-01", "2024-01-10", "2024-01-20", "2024-02-01", "2024-06-01"], utc=True
        )
    )
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    ratio = relative_to_habit(starts, values, window_d=90, min_sessions=3)
    assert ratio.iloc[:3].isna().all()
    assert ratio.iloc[3] == pytest.approx(4.0 / 2.0)
    assert np.isnan(ratio.iloc[4])  # the earlier sessions are more than 90 days back
    shuffled = relative_to_habit(starts.iloc[::-1], values.iloc[::-1], 90, 3)
    pd.testing.assert_series_equal(shuffled.sort_index(), ratio)


def test_sessions_table_habit_by_sport_and_row_order():
    rows = []
    for i in range(6):
        rows.append(
            activity(
                activity_id=f"r{i}",
                sport="running",
                start_utc=START + pd.Timedelta(days=i),
                avg_heart_rate_bpm=140.0 + (10 if i == 5 else 0),
                moving_s=3600 + 600 * (i == 5),
            )
        )
        rows.append(
            activity(
                activity_id=f"c{i}",
                sport="cycling",
                start_utc=START + pd.Timedelta(days=i, hours=5),
                avg_heart_rate_bpm=120.0,
            )
        )
    activities = conform("activities", pd.DataFrame(rows))
    table = sessions_table(activities, None, ATHLETE)
    last_run = table.set_index("activity_id").loc["r5"]
    assert last_run["habit_intensity_metric"] == "hr_reserve"
    assert last_run["intensity_rel_habit"] == pytest.approx((150 - 50) / (140 - 50))
    assert last_run["duration_rel_habit"] == pytest.approx(4200 / 3600)
    assert table.set_index("activity_id").loc["c5", "intensity_rel_habit"] == pytest.approx(1.0)
    shuffled = sessions_table(activities.sample(frac=1, random_state=0), None, ATHLETE)
    pd.testing.assert_frame_equal(shuffled, table)
    assert table.attrs["indicator_params"]["trimp_constants"] == "morton"


def test_sessions_table_accepts_one_samples_frame_or_a_mapping():
    activities = conform("activities", pd.DataFrame([activity()]))
    samples = stream()
    one = sessions_table(activities, samples, ATHLETE)
    mapping = sessions_table(activities, {"a1": samples}, ATHLETE)
    pd.testing.assert_frame_equal(one, mapping)
    empty = sessions_table(activities.iloc[:0], None, ATHLETE)
    assert empty.empty and "load" in empty.columns


def test_sessions_with_and_without_streams_in_one_table():
    activities = conform(
        "activities",
        pd.DataFrame(
            [
                activity(
                    activity_id="early",
                    start_utc=START - pd.Timedelta(days=1),
                    avg_heart_rate_bpm=150.0,
                ),
                activity(),
                activity(
                    activity_id="late",
                    start_utc=START + pd.Timedelta(days=1),
                    avg_heart_rate_bpm=150.0,
                ),
            ]
        ),
    )
    table = sessions_table(activities, stream(), ATHLETE).set_index("activity_id")
    assert table.loc["a1", "load_source"] == "tss" and table.loc["a1", "np_w"] == pytest.approx(200)
    for summary_only in ("early", "late"):
        assert np.isnan(table.loc[summary_only, "np_w"])
        assert table.loc[summary_only, "trimp_au"] == pytest.approx(table.loc["a1", "trimp_au"])


def test_unknown_physiology_gives_missing_not_zero_trimp():
    unknown = {**ATHLETE, "hr_rest_bpm": None, "hr_max_bpm": None, "lthr_bpm": None, "ftp_w": None}
    out = session_metrics(activity(rpe=None), stream(), unknown)
    for key in ("trimp_samples_au", "trimp_avg_hr_au", "trimp_au", "hrtss", "load", "hr_zone1_s"):
        assert np.isnan(out[key]), key
    assert out["load_source"] is None
    assert out["avg_heart_rate_bpm"] == pytest.approx(150.0)


def test_all_zero_power_channel_is_no_power_meter():
    out = session_metrics(activity(), stream(watts=0.0), ATHLETE)
    assert np.isnan(out["np_w"]) and np.isnan(out["tss"])
    assert out["load_source"] == "hrtss"
