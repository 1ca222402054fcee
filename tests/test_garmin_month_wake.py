"""Where the real vivomove HR month's nights end, checked against an independent decode.

The vivomove HR keeps an unscored raw record (message 274) for every minute
it did not score awake, also while its wearer sits or lies still awake, so
the nights must not run on through the morning. The oracle is fitdecode's
own reading of the WELLNESS files' ``monitoring`` messages (steps and heart
rate), independent of the analyzer's FIT decoder and of the assembly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analyzer.devicedays import assemble_nights
from analyzer.devicedays.nights import ASLEEP_STAGES
from analyzer.io.fit import read_fit
from analyzer.io.fit_tables import daily_samples, stage_intervals

fitdecode = pytest.importorskip("fitdecode")

MONTH = "garmin_wellness_2021_06"
TZ = "Europe/Copenhagen"
_FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def month(month_files):
    """The assembled nights and their stage intervals."""
    parts = [(stage_intervals(fit), daily_samples(fit)) for fit in map(read_fit, month_files)]
    stages = pd.concat([p[0] for p in parts], ignore_index=True)
    samples = pd.concat([p[1] for p in parts], ignore_index=True)
    return assemble_nights(stages, samples, TZ)


def _monitoring(path: Path) -> list[dict]:
    """fitdecode's monitoring messages of one file: time, activity type, cycles, heart rate.

    A ``timestamp_16`` is resolved against the file's last full timestamp
    (FIT protocol), and only when that one is at most an hour older, so that
    no time is guessed across a 16-bit wrap.
    """
    rows, last = [], None
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            t = frame.get_value("timestamp") if frame.has_field("timestamp") else None
            if isinstance(t, dt.datetime):
                last = t
            if frame.name != "monitoring":
                continue
            if t is None and frame.has_field("timestamp_16") and last is not None:
                full = int((last - _FIT_EPOCH).total_seconds())
                low = frame.get_value("timestamp_16")
                t = _FIT_EPOCH + dt.timedelta(seconds=full + ((low - (full & 0xFFFF)) & 0xFFFF))
                if t - last > dt.timedelta(hours=1):
                    continue
            if t is None:
                continue
            value = {f.name: f.value for f in frame.fields}
            rows.append(
                {
                    "t": pd.Timestamp(t),
                    "type": value.get("activity_type"),
                    "cycles": value.get("cycles"),
                    "hr": value.get("heart_rate"),
                }
            )
    return rows


@pytest.fixture(scope="module")
def monitoring(month_files) -> pd.DataFrame:
    rows = [r for p in month_files if p.name.endswith("_WELLNESS.fit") for r in _monitoring(p)]
    return pd.DataFrame(rows).sort_values("t", kind="stable").reset_index(drop=True)


def _stepping_minutes(monitoring: pd.DataFrame) -> pd.Series:
    """Times of walking/running minute messages whose cycle counter rose (summaries carry steps)."""
    feet = monitoring[
        monitoring["type"].isin(["walking", "running"]) & monitoring["cycles"].notna()
    ]
    feet = feet.drop_duplicates(["t", "type"])
    rose = feet.groupby("type")["cycles"].diff()
    return feet.loc[(rose > 0) | ((rose < 0) & (feet["cycles"] > 0)), "t"]


def test_no_minute_on_foot_is_counted_asleep(month, monitoring):
    _, night_stages = month
    asleep = night_stages[night_stages["stage"].isin(ASLEEP_STAGES)]
    stepping = _stepping_minutes(monitoring)
    assert len(stepping) > 1000  # the month's minutes with steps, per fitdecode
    start = asleep["start_utc"].to_numpy()
    end = asleep["end_utc"].to_numpy()
    inside = [t for t in stepping.to_numpy() if ((start <= t) & (t < end)).any()]
    assert inside == []


def test_no_night_runs_on_through_an_hour_on_foot(month, monitoring):
    """A night holds a few minutes on foot (a trip to the bathroom), never an hour of walking."""
    nights, _ = month
    stepping = _stepping_minutes(monitoring).to_numpy()
    for night in nights.itertuples():
        t = stepping[(stepping >= night.start_utc) & (stepping <= night.end_utc)]
        hour_ahead = t.searchsorted(t + pd.Timedelta(hours=1), side="right")
        busiest = int((hour_ahead - range(len(t))).max()) if len(t) else 0
        assert busiest < 10, (night.night, busiest)


def test_nights_have_plausible_hours_and_end_in_the_morning(month):
    nights, _ = month
    assert len(nights) == 28
    hours = nights["asleep_min"] / 60
    assert hours.between(3, 11).all(), hours.describe()
    assert 6.5 <= hours.mean() <= 9.0
    wake = nights["end_utc"].dt.tz_convert(TZ)
    assert (wake.dt.hour < 12).all(), wake[wake.dt.hour >= 12]


def test_night_of_20_june_ends_when_the_heart_rate_rises_and_walking_starts(month, monitoring):
    nights, _ = month
    night = nights.set_index("night").loc[dt.date(2021, 6, 20)]
    # fitdecode: heart rate ~59 bpm in the hour before 07:00 UTC, ~75 in the hour after;
    # the first walking minute of the morning at 07:09 UTC (nothing then until 10:17)
    hr = monitoring.dropna(subset=["hr"])
    hr = hr[hr["hr"] > 0].set_index("t")["hr"]
    seven = pd.Timestamp("2021-06-20T07:00Z")
    before = hr[seven - pd.Timedelta(hours=1) : seven].median()
    after = hr[seven : seven + pd.Timedelta(hours=1)].median()
    assert after - before > 10
    stepping = _stepping_minutes(monitoring)
    walk = stepping[(stepping >= seven) & (stepping < pd.Timestamp("2021-06-20T12:00Z"))]
    first_walk = walk.min()
    assert first_walk == pd.Timestamp("2021-06-20T07:09Z")
    assert seven - pd.Timedelta(minutes=15) <= night["end_utc"] <= first_walk
    assert night["asleep_min"] < 10 * 60
