"""What is missing or estimated is said in words, with how to supply it."""

from __future__ import annotations

import numpy as np

from analyzer.indicators import daily_table
from analyzer.indicators.missing import data_notes
from tests.test_indicators_daily import ATHLETE, sessions_on, sleep_on, wellness_on


def _settings(**changes):
    base = {
        name: {"value": ATHLETE[name], "source": "set by you"}
        for name in ("sex", "hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w", "timezone")
    }
    base["sleep_need_h"] = {"value": 8.0, "source": "set by you"}
    base.update(changes)
    return base


def _complete_daily(loads=(50.0,) * 10):
    n = len(loads)
    return daily_table(
        sessions_on(list(loads)),
        sleep_on([7.0] * n),
        wellness_on(resting_hr=[50.0] * n, rmssd=[60.0] * n),
        ATHLETE,
    )


def test_nothing_missing_nothing_said():
    assert data_notes("ann", _complete_daily(), _settings()) == []


def test_no_sessions():
    daily = daily_table(None, sleep_on([7.0] * 3), None, ATHLETE)
    (first, *_) = data_notes("ann", daily, _settings())
    assert first.startswith("No training sessions are imported")


def test_unknown_load_without_hr_rest_and_max_says_how_to_set_them():
    daily = _complete_daily((np.nan,) * 0 + (50.0,) * 10)
    daily.loc[2:4, "load"] = np.nan
    settings = _settings(
        hr_rest_bpm={"value": None, "source": "default: not known"},
        hr_max_bpm={"value": None, "source": "default: not known"},
    )
    (note,) = data_notes("ann", daily, settings)
    assert note.startswith("Load is missing on 3 of 10 training days")
    assert (
        "`cramp-analyzer athlete --athlete ann --set hr_rest_bpm=VALUE --set hr_max_bpm=VALUE`"
        in note
    )


def test_unknown_load_with_physiology_known_names_the_sessions():
    daily = _complete_daily()
    daily.loc[[1], "load"] = np.nan
    (note,) = data_notes("ann", daily, _settings())
    assert "Load is missing on 1 of 10 training days" in note
    assert "no heart rate, power or RPE" in note and "never as a rest day" in note


def test_estimates_are_named_with_their_values():
    settings = _settings(
        hr_max_bpm={"value": 188.0, "source": "estimated from ..."},
        lthr_bpm={"value": 171.0, "source": "estimated from ..."},
    )
    (note,) = data_notes("ann", _complete_daily(), settings)
    assert note.startswith("The load rests on values you have not set: maximum heart rate 188 bpm")
    assert "threshold (lactate) heart rate 171 bpm (estimated)" in note
    assert "--set hr_max_bpm=VALUE --set lthr_bpm=VALUE" in note


def test_no_sleep_no_wellness_no_time_zone():
    daily = daily_table(sessions_on([50.0] * 5), None, None, ATHLETE)
    settings = _settings(timezone={"value": "UTC", "source": "default: UTC"})
    notes = data_notes("ann", daily, settings)
    assert [n.split(",")[0].split(":")[0] for n in notes] == [
        "No nights are imported",
        "No daily resting heart rate and HRV are imported",
        "No time zone is set by you",
    ]
    assert "--set timezone=VALUE" in notes[-1]


def test_no_ewma_acwr_spike_on_the_first_days_back_after_weeks_without_data():
    import pandas as pd

    days = list(range(40)) + list(range(85, 120))
    start = pd.Timestamp("2024-01-01 08:00", tz="UTC") + pd.to_timedelta(days, unit="D")
    sessions = pd.DataFrame(
        {
            "activity_id": [f"s{i}" for i in days],
            "sport": "cycling",
            "start_utc": start,
            "local_date": start.strftime("%Y-%m-%d"),
            "duration_s": 3600.0,
            "load": 60.0,
            "load_source": "tss",
            "trimp_au": 80.0,
        }
    )
    daily = daily_table(sessions, None, None, {"timezone": "UTC"})
    back = daily.index[daily["date"].astype(str) == "2024-03-26"][0]  # day 85, first day back
    # The model carries load 0 over the gap, but the ratio needs 70 % measured days.
    assert daily.loc[back : back + 18, "acwr_ewma"].isna().all()
    assert daily.loc[back : back + 18, "acwr_rolling_uncoupled"].isna().all()
    assert daily.loc[28:39, "acwr_ewma"].between(0.99, 1.01).all()  # steady load: ratio 1
    assert daily.loc[back + 25 :, "acwr_ewma"].notna().all()
