"""Nights and days assembled from stage intervals and samples (analyzer.devicedays), synthetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.devicedays import assemble_days, assemble_nights
from analyzer.devicedays.nights import MAX_WAKE_S, merge_stages, rescore_unstaged

T0 = pd.Timestamp("2021-06-01T21:00:00Z")


def _epochs(stages: str, start=T0, epoch_s=60) -> pd.DataFrame:
    """One interval per character: a=awake, s=asleep (unstaged), l/d/r staged, .=no data."""
    names = {
        "a": "awake",
        "s": "asleep",
        "l": "light",
        "d": "deep",
        "r": "rem",
        "u": "unmeasurable",
    }
    rows = [
        (
            start + pd.Timedelta(seconds=i * epoch_s),
            start + pd.Timedelta(seconds=(i + 1) * epoch_s),
            names[c],
        )
        for i, c in enumerate(stages)
        if c != "."
    ]
    return pd.DataFrame(rows, columns=["start_utc", "end_utc", "stage"])


def _offset(value_s: float, at=T0) -> pd.DataFrame:
    return pd.DataFrame(
        {"t_utc": [at - pd.Timedelta(days=1)], "kind": ["utc_offset_s"], "value": [value_s]}
    )


def test_a_night_is_keyed_by_the_local_wake_date_and_its_minutes_add_up():
    # 21:00Z + 6 h of staged sleep with two awakenings; UTC+2 -> wakes 05:00 local on June 2
    stages = _epochs("l" * 60 + "a" * 5 + "d" * 120 + "r" * 60 + "a" * 10 + "l" * 105)
    nights, night_stages = assemble_nights(stages, _offset(7200))
    assert len(nights) == 1
    night = nights.iloc[0]
    assert night["night"] == dt.date(2021, 6, 2)
    assert night["start_utc"] == T0
    assert night["in_bed_min"] == 360
    assert (night["light_min"], night["deep_min"], night["rem_min"], night["awake_min"]) == (
        165,
        120,
        60,
        15,
    )
    assert night["asleep_min"] + night["awake_min"] == night["in_bed_min"]
    assert night["awakenings"] == 2
    assert set(night_stages["night"]) == {dt.date(2021, 6, 2)}


def test_unstaged_devices_leave_stage_minutes_missing_not_zero():
    nights, _ = assemble_nights(_epochs("s" * 300), _offset(0))
    assert nights["asleep_min"].iloc[0] == 300
    assert nights[["deep_min", "light_min", "rem_min"]].isna().all(axis=None)


def test_repeated_and_overlapping_samples_count_once():
    stages = _epochs("l" * 200 + "a" * 3 + "d" * 200)
    twice = pd.concat([stages, stages.iloc[50:300], stages.iloc[::-1]], ignore_index=True)
    assert assemble_nights(twice)[0].equals(assemble_nights(stages)[0])


def test_a_gap_of_hours_splits_two_nights_and_short_wakes_do_not():
    gap = int(MAX_WAKE_S / 60) + 1
    # 470 min from 21:00Z (a 30-min gap inside), then no data for 20 h, then 300 min: two dates
    stages = _epochs("s" * 240 + "." * 30 + "s" * 200 + "." * max(gap, 1200) + "s" * 300)
    nights, _ = assemble_nights(stages, _offset(0))
    assert len(nights) == 2
    assert nights["asleep_min"].tolist() == [440, 300]
    assert nights["in_bed_min"].tolist() == [470, 300]


def test_naps_waking_on_the_same_date_are_not_counted_as_the_night():
    stages = _epochs("s" * 420 + "a" * 240 + "s" * 90 + "a" * 10)  # night then a 90-min nap
    nights, night_stages = assemble_nights(stages, _offset(0))
    assert len(nights) == 1 and nights["asleep_min"].iloc[0] == 420
    assert len(night_stages) == 420


def test_still_minutes_among_frequent_awake_minutes_are_not_sleep():
    day = "as" * 120  # awake every other minute: sitting at a desk, not asleep
    nights, _ = assemble_nights(_epochs(day + "s" * 300), _offset(0))
    assert nights["asleep_min"].iloc[0] == pytest.approx(300, abs=31)
    rescored = rescore_unstaged(merge_stages(_epochs(day)))
    assert (rescored["stage"].iloc[5:-5] == "asleep").sum() == 0  # the edges lack a side


def test_vendor_score_attaches_to_the_night_nearest_its_time():
    stages = _epochs("l" * 300)
    samples = pd.concat(
        [
            _offset(0),
            pd.DataFrame(
                {
                    "t_utc": [T0 + pd.Timedelta(minutes=301)],
                    "kind": ["sleep_score"],
                    "value": [81.0],
                }
            ),
        ]
    )
    assert assemble_nights(stages, samples)[0]["score"].iloc[0] == 81.0


def _samples(rows):
    frame = pd.DataFrame(rows, columns=["t_utc", "kind", "value"])
    frame["t_utc"] = pd.to_datetime(frame["t_utc"], utc=True)
    return frame


def test_days_from_counters_resting_hr_stress_and_heart_rate():
    samples = _samples(
        [
            ("2021-06-01T00:00Z", "utc_offset_s", 0.0),
            ("2021-06-01T08:00Z", "steps:walking", 100.0),
            ("2021-06-01T12:00Z", "steps:walking", 900.0),
            ("2021-06-01T12:00Z", "steps:running", 50.0),
            ("2021-06-02T00:00Z", "steps:walking", 1000.0),  # read at midnight: closes June 1
            ("2021-06-02T08:00Z", "steps:walking", 30.0),
            ("2021-06-01T09:00Z", "active_s:walking", 600.0),
            ("2021-06-01T09:00Z", "stress", 20.0),
            ("2021-06-01T10:00Z", "stress", 40.0),
            ("2021-06-01T09:00Z", "heart_rate", 60.0),
            ("2021-06-01T10:00Z", "heart_rate", 120.0),
            ("2021-06-01T23:00Z", "resting_hr_7d", 55.0),
            ("2021-06-01T23:00Z", "resting_hr_day", 52.0),
            ("2021-06-02T23:00Z", "resting_hr_7d", 56.0),
        ]
    )
    days = assemble_days(samples).set_index("date")
    june1, june2 = days.loc[dt.date(2021, 6, 1)], days.loc[dt.date(2021, 6, 2)]
    assert june1["steps"] == 1050 and june2["steps"] == 30
    assert june1["active_min"] == 10
    assert (
        june1["stress_avg"] == 30
        and june1["avg_heart_rate_bpm"] == 90
        and june1["max_heart_rate_bpm"] == 120
    )
    assert june1["resting_hr_bpm"] == 52  # the day's own value before the 7-day average
    assert june2["resting_hr_bpm"] == 56
    assert np.isnan(june2["stress_avg"])


def test_overnight_hrv_from_summary_else_five_minute_values():
    five_min = [
        (f"2021-06-01T{h:02d}:00Z", "hrv_5min", v) for h, v in ((1, 40.0), (2, 60.0), (3, 50.0))
    ]
    days = assemble_days(_samples(five_min)).set_index("date")
    assert days.loc[dt.date(2021, 6, 1), "hrv_rmssd_ms"] == 50
    summary = _samples(five_min + [("2021-06-01T06:00Z", "hrv_night", 47.0)])
    assert assemble_days(summary)["hrv_rmssd_ms"].iloc[0] == 47


@settings(max_examples=15, deadline=None)
@given(st.text(alphabet="asld.", min_size=0, max_size=600), st.integers(0, 2**32 - 1))
def test_nights_do_not_depend_on_sample_order(pattern, seed):
    stages = _epochs(pattern)
    shuffled = stages.sample(frac=1.0, random_state=seed % (2**31)).reset_index(drop=True)
    first, _ = assemble_nights(stages, _offset(3600))
    second, _ = assemble_nights(shuffled, _offset(3600))
    pd.testing.assert_frame_equal(first, second)
    assert (
        first["asleep_min"] + first["awake_min"] - first["in_bed_min"]
    ).abs().max() < 1e-9 or first.empty


def _series(kind: str, times, values) -> pd.DataFrame:
    return pd.DataFrame({"t_utc": pd.DatetimeIndex(times), "kind": kind, "value": values})


def test_a_minute_with_walking_steps_is_never_unstaged_sleep():
    stages = merge_stages(_epochs("s" * 120))
    walk_at = T0 + pd.Timedelta(minutes=60)
    counter = _series(
        "steps:walking",
        [T0 - pd.Timedelta(hours=2), walk_at, T0 + pd.Timedelta(minutes=90)],
        [500.0, 530.0, 530.0],  # 30 steps at walk_at; the last repeats the count (a summary)
    )
    stage = rescore_unstaged(stages, counter)["stage"]
    assert list(stage[stage == "awake"].index) == [59, 60]  # the minutes either side of it
    assert (stage.drop([59, 60]) == "asleep").all()


def test_still_minutes_with_a_raised_heart_rate_end_the_night():
    # 6 h still at 55 bpm, then 3 h still (lying awake) at 78 bpm: the night ends at 6 h,
    # when the 30-min median turns
    stages = _epochs("s" * 540)
    minutes = pd.date_range(T0, periods=540, freq="min")
    heart_rate = _series("heart_rate", minutes, [55.0] * 360 + [78.0] * 180)
    nights, _ = assemble_nights(stages, pd.concat([_offset(0), heart_rate]))
    assert nights["end_utc"].iloc[0] == T0 + pd.Timedelta(minutes=360)
    nights, _ = assemble_nights(stages, _offset(0))  # without heart rate: still minutes are sleep
    assert nights["asleep_min"].iloc[0] == 540
