"""Sessions overlapping in time are one stretch of training, not independent sessions.

A multisport FIT file's overall session overlaps its legs, and the FIT SDK's example
recording sits in two shared sample files (``devfields_sdk_activity.fit`` and, as its swim
session, ``chained_activity_poolswim.fit``), so importing both gives two sessions of the
same minutes. The day's training time counts such minutes once, and the HR-max artefact
guard does not let the copies vouch for each other. Oracles: the device's session messages
read with fitdecode (not the project's decoder) and hand-computed intervals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyzer import pipeline
from analyzer.indicators import daily_table, sessions_table
from analyzer.indicators.overlap import exclusive_seconds, interval_bounds_s, overlap_groups
from analyzer.indicators.physiology import highest_supported
from analyzer.store import Library

ATHLETE = {"sex": "m", "hr_rest_bpm": 50.0, "hr_max_bpm": 190.0, "timezone": "Europe/Berlin"}
SDK_RECORDING = ("devfields_sdk_activity.fit", "chained_activity_poolswim.fit")
REAL_RIDE = "activity_hr_edge500_ride.fit"


def test_overlapping_intervals_share_a_group_and_count_their_common_time_once():
    start = np.array([0.0, 50.0, 150.0, 300.0, np.nan, 320.0, 0.0])
    end = np.array([100.0, 150.0, 200.0, 400.0, 500.0, 330.0, 10.0])
    day = np.array(["a", "a", "a", "a", "a", "a", "b"])
    groups = overlap_groups(start, end, day)
    # [0,100] and [50,150] overlap; [150,200] only touches; [320,330] lies inside [300,400];
    # the unknown interval and the other day's are alone
    assert groups[0] == groups[1]
    assert len({groups[0], groups[2], groups[3], groups[4], groups[6]}) == 5
    assert groups[5] == groups[3]
    assert exclusive_seconds(start, end, day) == pytest.approx(
        [100.0, 50.0, 50.0, 100.0, np.nan, 0.0, 10.0], nan_ok=True
    )


def test_a_groups_peaks_count_as_one_observation():
    peaks = [229.0, 228.0, 185.0, 181.0]
    assert highest_supported(peaks, 10.0) == (229.0, 0)  # the twin vouches for the artefact
    assert highest_supported(peaks, 10.0, groups=[0, 0, 1, 2]) == (185.0, 1)
    assert highest_supported(peaks, 10.0, groups=[0, 1, 2, 3]) == (229.0, 0)
    assert highest_supported([229.0, 228.0], 10.0, groups=[5, 5]) == (229.0, 0)


def _device_sessions(path) -> list[tuple[pd.Timestamp, float]]:
    """(start, elapsed seconds) of every session message, read with fitdecode."""
    fitdecode = pytest.importorskip("fitdecode")
    sessions = []
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                start = pd.Timestamp(frame.get_value("start_time"))
                sessions.append((start, float(frame.get_value("total_elapsed_time"))))
    return sessions


def _covered_s(sessions) -> float:
    """Length of the union of the sessions' intervals (sort and merge)."""
    spans = sorted((s, s + pd.Timedelta(seconds=d)) for s, d in sessions)
    total, (low, high) = 0.0, spans[0]
    for start, end in spans[1:]:
        if start > high:
            total += (high - low).total_seconds()
            low, high = start, end
        else:
            high = max(high, end)
    return total + (high - low).total_seconds()


def test_a_multisport_days_training_time_counts_overlaps_once(samples_dir):
    registry = pytest.importorskip("analyzer.io.registry")
    path = samples_dir / "fit" / "activity_multisport_fenix2_large.fit"
    device = _device_sessions(path)
    assert sum(d for _, d in device) > _covered_s(device) + 2000  # the overall session overlaps
    bundle = registry.read_path(path)
    sessions = sessions_table(bundle.table("activities"), bundle.table("samples"), ATHLETE)
    daily = daily_table(sessions, None, None, ATHLETE)
    (day,) = daily.loc[daily["session_count"] > 0].itertuples()
    assert day.date == dt.date(2015, 8, 29)
    assert day.duration_s == pytest.approx(_covered_s(device), abs=1.0)


def _hr_max(tmp_path, samples_dir, names) -> float:
    path = tmp_path / f"{len(names)}.sqlite"
    with Library(path) as library:
        library.create_athlete("a", timezone="Europe/Berlin")
        for name in names:
            data = (samples_dir / "fit" / name).read_bytes()
            result = library.import_file("a", name, data)
            assert result.status == "imported", result.message
        settings = pipeline.athlete_settings(library, "a").as_dict()["settings"]
    return settings["hr_max_bpm"]["value"]


def test_one_recording_imported_twice_does_not_raise_hr_max(samples_dir, tmp_path):
    device = [_device_sessions(samples_dir / "fit" / name) for name in SDK_RECORDING]
    assert device[0][0] in device[1]  # the same session in both files
    alone = _hr_max(tmp_path, samples_dir, [REAL_RIDE])
    copies = _hr_max(tmp_path, samples_dir, list(SDK_RECORDING))
    assert copies > alone + 10  # the synthetic 126-254 bpm wave stands far above the ride
    assert _hr_max(tmp_path, samples_dir, [REAL_RIDE, *SDK_RECORDING]) == alone


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_interval_bounds_do_not_depend_on_the_timestamps_resolution(unit):
    starts = pd.Series(pd.to_datetime(["1970-01-01 01:00", None], utc=True)).dt.as_unit(unit)
    start_s, end_s = interval_bounds_s(starts, [60.0, 5.0])
    assert start_s == pytest.approx([3600.0, np.nan], nan_ok=True)
    assert end_s == pytest.approx([3660.0, np.nan], nan_ok=True)


def test_a_days_load_counts_an_overlapping_group_once_by_its_largest_member():
    from analyzer.indicators.overlap import largest_per_group

    groups = overlap_groups([0.0, 600.0, 5000.0, 9000.0], [3600.0, 1800.0, 6000.0, 9500.0])
    kept = largest_per_group([80.0, 30.0, 20.0, np.nan], groups)
    assert kept.tolist()[:3] == [80.0, 0.0, 20.0] and np.isnan(kept[3])  # unknown stays unknown

    start = pd.to_datetime(["2024-05-01 08:00", "2024-05-01 08:00", "2024-05-01 17:00"], utc=True)
    sessions = pd.DataFrame(
        {
            "activity_id": ["a", "a-again", "b"],  # one recording imported twice, then another
            "sport": "cycling",
            "start_utc": start,
            "local_date": "2024-05-01",
            "duration_s": 3600.0,
            "load": [80.0, 80.0, 50.0],
            "load_source": "tss",
            "trimp_au": [100.0, 100.0, 60.0],
        }
    )
    day = daily_table(sessions, None, None, {"timezone": "UTC"}).iloc[0]
    assert (day["session_count"], day["duration_s"]) == (2, 7200.0)
    assert (day["load"], day["trimp_au"]) == (130.0, 160.0)
