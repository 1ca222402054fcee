"""The time base: local days, nights, offsets and day numbers, on the cases real lives produce.

Oracles are Python's own ``zoneinfo``/``datetime`` arithmetic, element by
element, and dates worked out by hand from the tz database's published
changes (Europe/Berlin: 31 March 2024 02:00 -> 03:00, 27 October 2024
03:00 -> 02:00; America/New_York: 10 March 2024, 3 November 2024).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import timebase as tb
from analyzer.errors import AnalyzerError


def utc(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), utc=True))


def local(text: str, zone: str) -> pd.Timestamp:
    """A local wall-clock time in ``zone`` as a UTC instant (unambiguous times only)."""
    return pd.Timestamp(text).tz_localize(zone).tz_convert("UTC")


def dates(days: np.ndarray) -> list:
    return list(tb.days_to_dates(days))


D = dt.date


@settings(max_examples=200, deadline=None)
@given(
    seconds=st.lists(st.integers(-(10**9), 3 * 10**9), min_size=1, max_size=20),
    zone=st.sampled_from(
        ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
    ),
)
def test_local_days_and_offsets_agree_with_zoneinfo(seconds, zone):
    instants = pd.Series(pd.to_datetime(seconds, unit="s", utc=True))
    expected = [dt.datetime.fromtimestamp(s, tz=dt.UTC).astimezone(ZoneInfo(zone)) for s in seconds]
    assert dates(tb.local_days(instants, zone)) == [e.date() for e in expected]
    offsets = tb.utc_offsets_s(instants, zone)
    assert offsets.tolist() == [e.utcoffset().total_seconds() for e in expected]
    cut = [e.date() + dt.timedelta(days=e.hour >= 12) for e in expected]
    assert dates(tb.nights_of(instants, zone)) == cut


def test_missing_instants_stay_missing_and_unknown_zones_are_refused():
    instants = pd.Series(pd.to_datetime(["2024-05-01 08:00", None], utc=True))
    assert dates(tb.local_days(instants, "Europe/Berlin")) == [D(2024, 5, 1), None]
    assert dates(tb.nights_of(instants, "Europe/Berlin")) == [D(2024, 5, 1), None]
    assert np.isnan(tb.utc_offsets_s(instants, "Europe/Berlin")[1])
    assert tb.local_dates(instants, None).tolist() == [D(2024, 5, 1), None]
    with pytest.raises(AnalyzerError, match="Mars/Olympus"):
        tb.local_days(instants, "Mars/Olympus")


def test_night_rule_with_its_noon_cut_off():
    berlin = "Europe/Berlin"
    late_evening = local("2024-03-02 23:30", berlin)
    after_midnight = local("2024-03-03 02:30", berlin)
    before_noon = local("2024-03-03 11:59", berlin)
    noon = local("2024-03-03 12:00", berlin)
    nights = tb.nights_of([late_evening, after_midnight, before_noon, noon], berlin)
    assert dates(nights) == [D(2024, 3, 3), D(2024, 3, 3), D(2024, 3, 3), D(2024, 3, 4)]
    assert tb.night_of(after_midnight, berlin) == D(2024, 3, 3)
    assert tb.night_of(noon, berlin, cutoff_hour=18) == D(2024, 3, 3)
    with pytest.raises(ValueError, match="tz-aware"):
        tb.night_of(pd.Timestamp("2024-03-03 02:30"), berlin)


def test_shift_worker_day_sleep_is_one_night_and_holds_its_cramps():
    """A 05:00-14:00 day sleep after a night shift: one night (its wake-up date) for all of it."""
    zone = "Europe/Berlin"
    sleep = pd.DataFrame(
        {
            "start_utc": [local("2024-06-10 05:00", zone)],
            "end_utc": [local("2024-06-10 14:00", zone)],
        }
    )
    sleep["night"] = tb.days_to_dates(tb.sleep_nights(sleep["end_utc"], zone))
    assert sleep["night"].tolist() == [D(2024, 6, 10)]
    cramp_in_sleep = local("2024-06-10 13:30", zone)  # past the cut-off, inside the recorded sleep
    before_sleep = local("2024-06-10 04:40", zone)  # home from the shift, not yet asleep
    after_waking = local("2024-06-10 15:00", zone)
    nights = tb.event_nights([cramp_in_sleep, before_sleep, after_waking], zone, sleep)
    assert dates(nights) == [D(2024, 6, 10), D(2024, 6, 10), D(2024, 6, 11)]
    # Without the sleep record the cut-off alone would put the 13:30 cramp on the next night.
    assert tb.night_of(cramp_in_sleep, zone) == D(2024, 6, 11)


def test_a_cramp_after_midnight_before_falling_asleep_belongs_to_that_night():
    zone = "America/New_York"
    sleep = pd.DataFrame(
        {
            "start_utc": [local("2024-04-12 01:10", zone)],
            "end_utc": [local("2024-04-12 08:00", zone)],
            "night": [D(2024, 4, 12)],
        }
    )
    cramps = [local("2024-04-12 00:40", zone), local("2024-04-11 23:50", zone)]
    assert dates(tb.event_nights(cramps, zone, sleep)) == [D(2024, 4, 12)] * 2


def test_overlapping_sleep_records_and_records_without_bounds():
    zone = "UTC"
    sleep = pd.DataFrame(
        {
            "start_utc": pd.to_datetime(
                ["2024-01-01 22:00", "2024-01-01 23:00", None, "2024-01-02 14:00"], utc=True
            ),
            "end_utc": pd.to_datetime(
                ["2024-01-02 07:00", "2024-01-02 01:00", None, "2024-01-02 15:00"], utc=True
            ),
            "night": [D(2024, 1, 2), D(2024, 1, 2), D(2024, 1, 9), D(2024, 1, 2)],
        }
    )
    # 03:00 lies in the long record although a shorter one started later; 14:30 is a nap.
    events = utc("2024-01-02 03:00", "2024-01-02 14:30", "2024-01-02 16:00")
    assert dates(tb.event_nights(events, zone, sleep)) == [
        D(2024, 1, 2),
        D(2024, 1, 2),
        D(2024, 1, 3),
    ]
    assert dates(tb.event_nights(events, zone, sleep.iloc[2:3])) == dates(tb.nights_of(events))


@pytest.mark.parametrize(
    ("zone", "text", "night"),
    [
        # Spring forward: 02:00 -> 03:00 on 31 March 2024 in Berlin (a 23-hour day).
        ("Europe/Berlin", "2024-03-31 00:30:00+00:00", D(2024, 3, 31)),  # 01:30 CET
        ("Europe/Berlin", "2024-03-31 01:30:00+00:00", D(2024, 3, 31)),  # 03:30 CEST
        ("Europe/Berlin", "2024-03-30 22:59:00+00:00", D(2024, 3, 31)),  # 23:59 CET on the 30th
        ("Europe/Berlin", "2024-03-31 10:30:00+00:00", D(2024, 4, 1)),  # 12:30 CEST: next night
        # Fall back: 03:00 -> 02:00 on 27 October 2024 in Berlin; 02:30 happens twice.
        ("Europe/Berlin", "2024-10-27 00:30:00+00:00", D(2024, 10, 27)),  # 02:30 CEST
        ("Europe/Berlin", "2024-10-27 01:30:00+00:00", D(2024, 10, 27)),  # 02:30 CET
        ("Europe/Berlin", "2024-10-27 10:59:00+00:00", D(2024, 10, 27)),  # 11:59 CET
        ("Europe/Berlin", "2024-10-27 11:00:00+00:00", D(2024, 10, 28)),  # 12:00 CET
        ("America/New_York", "2024-11-03 05:30:00+00:00", D(2024, 11, 3)),  # 01:30 EDT
        ("America/New_York", "2024-11-03 06:30:00+00:00", D(2024, 11, 3)),  # 01:30 EST
        ("America/New_York", "2024-03-10 07:30:00+00:00", D(2024, 3, 10)),  # 03:30 EDT
    ],
)
def test_nights_across_daylight_saving_changes(zone, text, night):
    assert tb.night_of(pd.Timestamp(text), zone) == night


def test_a_night_of_records_across_a_daylight_saving_change_keeps_its_wake_date():
    zone = "Europe/Berlin"
    starts = utc("2024-03-30 21:30", "2024-03-31 00:10", "2024-03-31 03:00")  # 22:30 CET ...
    ends = utc("2024-03-31 00:00", "2024-03-31 02:40", "2024-03-31 05:15")  # ... 07:15 CEST
    assert dates(tb.period_nights(starts, ends, zone)) == [D(2024, 3, 31)] * 3


def test_a_travelling_athlete_keeps_the_local_days_of_where_they_were():
    """Home zone Berlin; a week in New York recorded by the device's own offsets."""
    home = "Europe/Berlin"
    sessions = utc("2024-05-06 23:30", "2024-05-07 16:00", "2024-05-20 23:30")
    device = pd.Series([-4 * 3600.0, -4 * 3600.0, np.nan])  # EDT on the trip; unknown back home
    assert dates(tb.local_days(sessions, home, device)) == [
        D(2024, 5, 6),  # 19:30 in New York, although already 7 May in Berlin
        D(2024, 5, 7),
        D(2024, 5, 21),  # 01:30 in Berlin
    ]
    assert tb.utc_offsets_s(sessions, home, device).tolist() == [-14400.0, -14400.0, 7200.0]
    timeline = pd.DataFrame(
        {"t_utc": utc("2024-05-06 10:00", "2024-05-14 10:00"), "value": [-14400.0, 7200.0]}
    )
    walls = tb.offsets_at(utc("2024-05-05 10:00", "2024-05-10 03:00", "2024-05-15 03:00"), timeline)
    assert walls.tolist() == [-14400.0, -14400.0, 7200.0]  # before the first sample: the earliest
    assert tb.offsets_at(utc("2024-01-15 12:00"), timeline.iloc[0:0], home).tolist() == [3600.0]
    assert tb.offsets_at(utc("2024-01-15 12:00"), timeline.iloc[0:0], 19800).tolist() == [19800.0]


def test_stage_intervals_form_periods_split_by_long_gaps():
    zone = "UTC"
    starts = utc("2024-02-01 22:00", "2024-02-02 01:00", "2024-02-02 13:00", "2024-02-01 23:00")
    ends = utc("2024-02-02 01:00", "2024-02-02 06:30", "2024-02-02 14:00", "2024-02-02 00:30")
    nights = tb.period_nights(starts, ends, zone)
    # The first, second and fourth intervals are one period (woke 06:30); the 13:00 nap
    # starts 6.5 h later and is a period of its own, ending on the same date.
    assert dates(nights) == [D(2024, 2, 2)] * 4
    later = tb.period_nights(utc("2024-02-01 20:00"), utc("2024-02-01 23:00"), zone)
    assert dates(later) == [D(2024, 2, 1)]  # a sleep that ends before midnight ends that date


def test_day_numbers_from_every_kind_of_date():
    values = [D(1970, 1, 2), "1969-12-31", "2024-02-29T23:00:00", None, float("nan"), pd.NaT]
    days = tb.to_days(values)
    assert dates(days) == [D(1970, 1, 2), D(1969, 12, 31), D(2024, 2, 29), None, None, None]
    assert tb.day_numbers([D(1970, 1, 2), "1969-12-31"]).tolist() == [1, -1]
    aware = pd.Series(pd.to_datetime(["2024-02-29 23:30"]).tz_localize("Europe/Berlin"))
    assert dates(tb.to_days(aware)) == [D(2024, 2, 29)]  # wall-clock date, zone dropped
    assert dates(tb.to_days([pd.Timestamp("2024-03-01 05:00")])) == [D(2024, 3, 1)]
