"""The daily table: local days, missing vs rest, conventions, baselines, warm-up."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyzer.indicators import DAILY_COLUMNS, IndicatorParams, daily_table
from analyzer.schema import conform
from tests.helpers.athletes import ANN as ATHLETE

DAY0 = dt.date(2024, 3, 4)


def sessions_on(loads, start=DAY0, duration_s=3600.0, sport="running"):
    """A minimal session table: one session per non-NaN load, at 08:00 UTC of consecutive days."""
    rows = [
        {
            "activity_id": f"s{i}",
            "sport": sport,
            "start_utc": pd.Timestamp(start + dt.timedelta(days=i), tz="UTC")
            + pd.Timedelta(hours=8),
            "duration_s": duration_s,
            "load": load,
            "load_source": "tss",
            "avg_temperature_c": 20.0,
        }
        for i, load in enumerate(loads)
        if load is not None and not np.isnan(load)
    ]
    return pd.DataFrame(rows)


def sleep_on(hours, start=DAY0):
    nights = [start + dt.timedelta(days=i) for i in range(len(hours))]
    return conform(
        "sleep",
        pd.DataFrame(
            {
                "athlete_id": "ann",
                "night": nights,
                "asleep_min": np.asarray(hours, float) * 60,
                "in_bed_min": np.asarray(hours, float) * 60 + 30,
                "source": "watch",
            }
        ),
    )


def wellness_on(resting_hr=None, rmssd=None, start=DAY0, n=None):
    n = n or len(resting_hr if resting_hr is not None else rmssd)
    return conform(
        "wellness",
        pd.DataFrame(
            {
                "athlete_id": "ann",
                "date": [start + dt.timedelta(days=i) for i in range(n)],
                "resting_hr_bpm": resting_hr if resting_hr is not None else np.nan,
                "hrv_rmssd_ms": rmssd if rmssd is not None else np.nan,
                "source": "watch",
            }
        ),
    )


def test_columns_and_params_are_recorded():
    table = daily_table(sessions_on([50.0] * 3), None, None, ATHLETE)
    assert tuple(table.columns) == DAILY_COLUMNS
    assert table["date"].tolist() == [DAY0 + dt.timedelta(days=i) for i in range(3)]
    assert table.attrs["indicator_params"]["pmc_alpha"] == "exponential"
    assert table.attrs["indicator_params"]["sleep_need_h_used"] == 8.0


def test_empty_inputs_give_an_empty_table():
    table = daily_table(None, None, None, ATHLETE)
    assert table.empty and tuple(table.columns) == DAILY_COLUMNS


def test_local_date_of_a_late_session():
    late = pd.DataFrame(
        [
            {
                "activity_id": "x",
                "sport": "running",
                "duration_s": 1800.0,
                "load": 40.0,
                "start_utc": pd.Timestamp("2024-03-04 23:30", tz="UTC"),
            }
        ]
    )
    table = daily_table(late, None, None, ATHLETE)  # Berlin is UTC+1 in March
    assert table["date"].tolist() == [dt.date(2024, 3, 5)]
    late["utc_offset_s"] = -4 * 3600.0  # the device says it was evening in New York
    assert daily_table(late, None, None, ATHLETE)["date"].tolist() == [dt.date(2024, 3, 4)]


def test_missing_is_not_zero():
    sessions = sessions_on([100.0, np.nan, np.nan, 80.0])  # no session on days 1 and 2
    sleep = sleep_on([7.0, 7.5])  # nights ending on days 0 and 1 only
    table = daily_table(sessions, sleep, None, ATHLETE)
    assert table["coverage"].tolist() == ["activity+sleep", "sleep", "none", "activity"]
    assert table["load"].tolist()[:2] == [100.0, 0.0]  # day 1: device worn, no training = rest
    assert np.isnan(table["load"].iloc[2])  # day 2: no data at all = missing
    assert table["duration_s"].tolist()[:2] == [3600.0, 0.0] and np.isnan(
        table["duration_s"].iloc[2]
    )
    assert table["session_count"].tolist() == [1, 0, 0, 1]
    assert table["days_since_rest"].iloc[1] == 0 and np.isnan(table["days_since_rest"].iloc[2])
    assert table["days_since_rest"].iloc[3] == 2
    span = daily_table(
        sessions, None, None, ATHLETE, IndicatorParams(rest_day_rule="activity_span")
    )
    assert span["load"].tolist() == [100.0, 0.0, 0.0, 80.0]


def test_missing_days_in_the_models():
    sessions = sessions_on([100.0, np.nan, 100.0])
    zero = daily_table(sessions, None, None, ATHLETE)
    hold = daily_table(
        sessions, None, None, ATHLETE, IndicatorParams(model_missing_load_as_zero=False)
    )
    assert zero["atl"].iloc[1] < zero["atl"].iloc[0]  # decays through the gap
    assert hold["atl"].iloc[1] == hold["atl"].iloc[0]  # holds over the gap


def _unknown_load(sessions, days):
    sessions = sessions.copy()
    sessions.loc[sessions.index.isin(days), ["load", "load_source"]] = [np.nan, None]
    return sessions


def test_models_start_on_the_first_known_load():
    # sessions every day; the first three have no load (no HR rest/max yet), sleep on every night
    sessions = _unknown_load(sessions_on([100.0] * 10), [0, 1, 2])
    table = daily_table(sessions, sleep_on([7.0] * 10), None, ATHLETE)
    assert table["session_count"].tolist() == [1] * 10  # training days, load known or not
    for column in ("load", "ctl", "atl", "tsb", "acute_ewma", "chronic_ewma"):
        assert table[column].iloc[:3].isna().all(), column
    alpha = 1 - np.exp(-1 / 42)
    assert table["ctl"].iloc[3] == pytest.approx(100.0 * alpha)  # from 0 the day before


def test_a_training_day_of_unknown_load_is_never_zero():
    sessions = _unknown_load(sessions_on([100.0] * 6), [3])
    table = daily_table(sessions, None, None, ATHLETE)
    assert np.isnan(table["load"].iloc[3]) and table["session_count"].iloc[3] == 1
    assert table[["ctl", "atl", "tsb", "acwr_ewma"]].iloc[3].isna().all()
    # the state carries over the unknown day: it does not decay as after a rest day
    alpha = 1 - np.exp(-1 / 7)
    assert table["atl"].iloc[4] == pytest.approx(
        table["atl"].iloc[2] + alpha * (100.0 - table["atl"].iloc[2])
    )
    assert np.isnan(table["days_since_rest"].iloc[3])


def test_no_known_load_at_all_gives_no_models():
    sessions = _unknown_load(sessions_on([100.0] * 40), range(40))
    table = daily_table(sessions, sleep_on([7.0] * 40), None, ATHLETE)
    assert (table["session_count"] == 1).all()
    for column in ("load", "ctl", "atl", "tsb", "acwr_ewma", "acwr_rolling_coupled", "monotony"):
        assert table[column].isna().all(), column


def test_acwr_oracle_through_the_daily_table():
    table = daily_table(sessions_on([30.0] * 21 + [50.0] * 7), None, None, ATHLETE)
    last = table.iloc[-1]
    assert last["acwr_rolling_coupled"] == pytest.approx(1.428571, abs=1e-4)
    assert last["acwr_rolling_uncoupled"] == pytest.approx(1.666667, abs=1e-4)
    assert last["acwr_ewma"] == pytest.approx(1.249746, abs=1e-4)
    zero_seed = daily_table(
        sessions_on([30.0] * 21 + [50.0] * 7),
        None,
        None,
        ATHLETE,
        IndicatorParams(ewma_seed="zero"),
    )
    assert zero_seed["acwr_ewma"].iloc[-1] == pytest.approx(1.399388, abs=1e-4)
    assert table["acwr_ewma"].iloc[:-1].isna().all()  # 28-day warm-up


@pytest.mark.parametrize(
    ("alpha", "tsb", "ctl", "atl", "tsb_value"),
    [
        ("exponential", "next_day", 63.2121, 99.7521, -36.5401),
        ("inverse", "next_day", 63.6544, 99.8457, -36.1913),
        ("inverse", "same_day", 63.6544, 99.8457, 63.6544 - 99.8457),
    ],
)
def test_pmc_conventions_through_the_daily_table(alpha, tsb, ctl, atl, tsb_value):
    params = IndicatorParams(pmc_alpha=alpha, tsb_convention=tsb)
    table = daily_table(sessions_on([100.0] * 42 + [0.0]), None, None, ATHLETE, params)
    assert table["ctl"].iloc[41] == pytest.approx(ctl, abs=1e-4)
    assert table["atl"].iloc[41] == pytest.approx(atl, abs=1e-4)
    day = 42 if tsb == "next_day" else 41
    assert table["tsb"].iloc[day] == pytest.approx(tsb_value, abs=1e-4)


def test_monotony_both_conventions_through_the_daily_table():
    loads = [420.0, 0.0, 300.0, 480.0, 0.0, 600.0, 240.0]
    sessions = sessions_on([x if x else np.nan for x in loads])
    sleep = sleep_on([8.0] * 7)  # the device was worn every day: the zeros are rest days
    for ddof, mono, strain in ((0, 1.3633, 2781.08), (1, 1.2621, 2574.78)):
        table = daily_table(sessions, sleep, None, ATHLETE, IndicatorParams(monotony_ddof=ddof))
        assert table["monotony"].iloc[-1] == pytest.approx(mono, abs=5e-5)
        assert table["strain"].iloc[-1] == pytest.approx(strain, abs=5e-3)


def test_sleep_debt_and_night_assignment():
    sleep = sleep_on([6.5, 7, 8, 5.5, 7.5, 9, 6])
    table = daily_table(None, sleep, None, {**ATHLETE, "sleep_need_h": 8.0})
    assert table["sleep_debt_7n_h"].iloc[-1] == pytest.approx(7.5, abs=1e-4)
    assert table["sleep_debt_net_7n_h"].iloc[-1] == pytest.approx(6.5, abs=1e-4)
    assert table["sleep_debt_7n_h"].iloc[:-1].isna().all()
    assert table["sleep_asleep_min"].iloc[0] == 390.0  # the night that ends on day 0
    assert table["sleep_efficiency_pct"].iloc[0] == pytest.approx(100 * 390 / 420)


def test_two_sources_for_one_night_are_not_added():
    sleep = pd.concat([sleep_on([7.0]), sleep_on([6.0]).assign(source="ring")])
    split = sleep_on([3.0]).assign(source="ring2")
    table = daily_table(None, pd.concat([sleep, split, split]), None, ATHLETE)
    assert table["sleep_asleep_min"].iloc[0] == 420.0


def test_resting_hr_baseline_excludes_today_and_warms_up():
    rng = np.random.default_rng(0)
    resting = 50 + rng.normal(0, 1, 30)
    resting[-1] = 60.0
    table = daily_table(None, None, wellness_on(resting_hr=resting), ATHLETE)
    assert table["resting_hr_z"].iloc[:14].isna().all()  # fewer than 14 earlier days
    assert np.isfinite(table["resting_hr_z"].iloc[14])
    earlier = resting[-29:-1]
    expected = (60.0 - earlier.mean()) / earlier.std(ddof=1)
    assert table["resting_hr_z"].iloc[-1] == pytest.approx(expected)
    assert table["resting_hr_baseline_bpm"].iloc[-1] == pytest.approx(earlier.mean())


def test_hrv_baseline_and_swc_flag():
    rmssd = np.r_[
        np.full(20, 60.0) * np.exp(np.random.default_rng(2).normal(0, 0.05, 20)), [40.0] * 8
    ]
    table = daily_table(None, None, wellness_on(rmssd=rmssd), ATHLETE)
    assert table["hrv_lnrmssd"].iloc[0] == pytest.approx(np.log(rmssd[0]))
    assert table["hrv_lnrmssd_z"].iloc[20] < -3
    assert table["hrv_below_swc"].iloc[-1] == 1.0
    assert table["hrv_below_swc"].iloc[15] == 0.0


def test_zero_resting_hr_means_not_measured():
    table = daily_table(None, None, wellness_on(resting_hr=[52.0, 0.0]), ATHLETE)
    assert np.isnan(table["resting_hr_bpm"].iloc[1])
    assert table["coverage"].iloc[1] == "wellness"


def test_day_aggregates_of_several_sessions():
    sessions = pd.concat(
        [
            sessions_on([40.0]),
            sessions_on([60.0], duration_s=1800.0).assign(
                activity_id="b",
                start_utc=pd.Timestamp(DAY0, tz="UTC") + pd.Timedelta(hours=17),  # after "s0"
                avg_temperature_c=30.0,
                load_source="trimp",
                intensity_rel_habit=1.3,
                duration_rel_habit=0.5,
            ),
        ]
    )
    sessions["intensity_rel_habit"] = sessions["intensity_rel_habit"].fillna(1.1)
    sessions["duration_rel_habit"] = sessions["duration_rel_habit"].fillna(0.9)
    row = daily_table(sessions, None, None, ATHLETE).iloc[0]
    assert row["load"] == 100.0 and row["session_count"] == 2 and row["duration_s"] == 5400.0
    assert row["load_source"] == "tss+trimp"
    assert row["intensity_rel_habit"] == 1.3 and row["duration_rel_habit"] == 0.9
    assert row["avg_temperature_c"] == pytest.approx((20 * 3600 + 30 * 1800) / 5400)


def test_hard_days_in_a_row():
    loads = [50.0] * 28 + [100.0, 120.0, 40.0, 110.0]
    table = daily_table(sessions_on(loads), None, None, ATHLETE)
    assert table["hard_day"].iloc[:28].isna().all()
    assert table["consecutive_hard_days"].iloc[28:].tolist() == [1.0, 2.0, 0.0, 1.0]


@pytest.mark.parametrize(
    "changes",
    [
        {"pmc_alpha": "sideways"},
        {"acwr_acute_d": 28, "acwr_chronic_d": 7},
        {"ctl_tau_d": 0},
        {"monotony_ddof": 2},
        {"hr_zone_bounds_pct_max": (50, 60)},
        {"load_priority": ("watts",)},
    ],
)
def test_params_refuse_impossible_conventions(changes):
    with pytest.raises(ValueError):
        IndicatorParams(**changes)


def test_params_record_as_plain_values():
    recorded = IndicatorParams(monotony_ddof=0).as_dict()
    assert recorded["monotony_ddof"] == 0 and recorded["load_priority"] == [
        "tss",
        "hrtss",
        "trimp",
        "srpe",
    ]


def test_missing_load_source_is_none_with_or_without_sessions():
    only_sleep = daily_table(None, sleep_on([7.0, 7.0]), None, ATHLETE)
    mixed = daily_table(sessions_on([50.0]), sleep_on([7.0, 7.0]), None, ATHLETE)
    assert only_sleep["load_source"].tolist() == [None, None]
    assert mixed["load_source"].tolist() == ["tss", None]
