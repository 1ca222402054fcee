"""The array paths of the FIT reader and the Garmin daily tables equal their DataFrame paths.

``FitFile.arrays`` gives the columns of ``FitFile.messages`` without a
DataFrame; ``table_frames.canonical_frame`` builds canonical tables from their
blocks; ``schema.conform`` returns frames that already are canonical as they
are. Each is pinned here to the plain construction it replaces.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.io.fit import read_fit
from analyzer.io.fit_tables import DayFile, daily_samples, stage_intervals
from analyzer.io.fit_tables.table_frames import canonical_frame
from analyzer.io.fit_tables.wellness import raw_day_tables
from analyzer.schema import TABLES, _is_canonical, conform

DATA = Path(__file__).parent / "data"
FILES = (
    "activity_hr_edge500_ride.fit",  # records, enums, sub-fields, components
    "activity_hr_msgs_fr935_chained.fit",  # hr event timestamps (tuples), chained segments
    "devfields_types_sample.fit",  # developer fields
    "compressed_ts_speed_distance.fit",  # compressed timestamps, accumulated distance
)


def _assert_arrays_equal_frame(fit, name: str) -> None:
    frame = fit.messages(name)
    columns = fit.arrays(name)
    assert columns.n == fit.message_counts()[name]
    expected = [c for c in frame.columns if not c.endswith("_relative_s")]
    assert list(columns) == expected, name
    for col in expected:
        values, series = columns[col], frame[col]
        assert not values.flags.writeable, (name, col)
        assert len(values) == len(frame)
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            assert values.dtype == np.dtype("datetime64[ns]")
            np.testing.assert_array_equal(values.view(np.int64), series.array.asi8)
        elif series.dtype.kind == "M":  # local_date_time: wall clock
            np.testing.assert_array_equal(values, series.to_numpy())
        elif series.dtype == object:
            assert values.dtype == object
            assert values.tolist() == series.tolist(), (name, col)
        else:
            np.testing.assert_array_equal(values, series.to_numpy(dtype="float64"))


@pytest.mark.parametrize("file", FILES)
def test_fit_arrays_equal_message_frames(file):
    fit = read_fit(DATA / file)
    for name in fit.message_names():
        _assert_arrays_equal_frame(fit, name)


def test_fit_arrays_first_then_frames_decode_alike():
    """Arrays asked before the frame: the frame is the same as from a fresh file."""
    first = read_fit(DATA / "activity_hr_msgs_fr935_chained.fit")
    for name in first.message_names():
        first.arrays(name)
    fresh = read_fit(DATA / "activity_hr_msgs_fr935_chained.fit")
    for name in fresh.message_names():
        pd.testing.assert_frame_equal(first.messages(name), fresh.messages(name))
    assert first.warnings == fresh.warnings


def test_fit_arrays_of_absent_message_are_empty():
    fit = read_fit(DATA / "activity_hr_edge500_ride.fit")
    columns = fit.arrays("monitoring")
    assert dict(columns) == {} and columns.n == 0


#: Daily files of other devices in the shared samples: sleep assessment, HRV status, the SDK's
#: monitoring example (compressed timestamps), monitoring with stress and respiration.
OTHER_DAILY = (
    "sleep_garmin_1.fit",
    "hrv_status_garmin_1.fit",
    "monitoring_sdk_example.fit",
    "monitoring_wellness_stress_rr.fit",
)


def test_fit_arrays_garmin_daily_files(samples_dir):
    """Monitoring (timestamp_16), sleep (undocumented 273/274) and HRV-status files."""
    month = sorted((samples_dir / "garmin_wellness_2021_06").rglob("*.fit"))
    picks = [p for p in month if p.name.endswith("_WELLNESS.fit")][:2]
    picks += [p for p in month if p.name.endswith("_SLEEP_DATA.fit")][:2]
    picks += [samples_dir / "fit" / name for name in OTHER_DAILY]
    for path in picks:
        fit = read_fit(path)
        for name in fit.message_names():
            _assert_arrays_equal_frame(fit, name)


def test_garmin_daily_raw_tables_are_conformed_plain_tables(samples_dir):
    """The canonical tables built from arrays equal conform() of the public one-file tables."""
    month = sorted((samples_dir / "garmin_wellness_2021_06").rglob("*.fit"))
    wellness = [p for p in month if p.name.endswith("_WELLNESS.fit")][:3]
    sleep = [p for p in month if p.name.endswith("_SLEEP_DATA.fit")][:3]
    sleep += [samples_dir / "fit" / "sleep_garmin_1.fit"]
    others = [samples_dir / "fit" / name for name in OTHER_DAILY[1:]]
    for path in wellness + sleep + others:
        fit = read_fit(path)
        tables = raw_day_tables(DayFile(fit), [].append)
        samples = daily_samples(fit)
        assert "daily_samples" in tables
        pd.testing.assert_frame_equal(tables["daily_samples"], conform("daily_samples", samples))
        stages = stage_intervals(fit)
        assert ("sleep_stages" in tables) == (path in sleep)
        if path in sleep:
            got = tables["sleep_stages"]
            night = got["night"].iloc[0]
            plain = conform("sleep_stages", stages.assign(night=night, source="garmin_fit"))
            pd.testing.assert_frame_equal(got, plain)
        for name, frame in tables.items():
            assert _is_canonical(name, frame), (path.name, name)


def _plain(name: str, columns: dict, n: int) -> pd.DataFrame:
    """What a reader would otherwise do: a DataFrame of the columns, conformed."""
    data = {}
    for col, values in columns.items():
        if TABLES[name][col] == "utc":
            values = pd.DatetimeIndex(
                np.asarray(values, dtype=np.int64).view("datetime64[ns]"), tz="UTC"
            )
        data[col] = values
    return conform(name, pd.DataFrame(data, index=pd.RangeIndex(n)))


_NAT = np.iinfo(np.int64).min
_texts = st.one_of(st.none(), st.sampled_from(["light", "deep", "rem", "awake", "é", ""]))
_floats = st.one_of(st.just(np.nan), st.floats(-1e9, 1e9))
_times = st.one_of(st.just(_NAT), st.integers(0, 4_000_000_000 * 10**9))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fit_canonical_frame_equals_conformed_dataframe(data):
    name = data.draw(st.sampled_from(["daily_samples", "sleep_stages", "laps", "rr_intervals"]))
    n = data.draw(st.integers(0, 6))
    columns: dict[str, object] = {}
    for col, kind in TABLES[name].items():
        if data.draw(st.booleans()):
            continue  # left out: all missing
        if kind == "str":
            columns[col] = np.array(
                data.draw(st.lists(_texts, min_size=n, max_size=n)), dtype=object
            )
        elif kind == "float":
            columns[col] = np.array(
                data.draw(st.lists(_floats, min_size=n, max_size=n)), dtype=np.float64
            )
        elif kind == "utc":
            columns[col] = np.array(
                data.draw(st.lists(_times, min_size=n, max_size=n)), dtype=np.int64
            )
        elif kind == "int":
            columns[col] = np.arange(n)
        elif kind == "date":
            columns[col] = np.array([pd.Timestamp("2021-06-01").date()] * n, dtype=object)
    frame = canonical_frame(name, columns, n)
    pd.testing.assert_frame_equal(frame, _plain(name, columns, n), check_exact=True)
    assert frame.columns.dtype == conform(name, pd.DataFrame()).columns.dtype
    assert _is_canonical(name, frame)


def test_fit_canonical_frame_repeats_scalars():
    frame = canonical_frame(
        "daily_samples",
        {"t_utc": np.array([0, 10**9]), "kind": "x", "value": 1.0, "source": "garmin_fit"},
        2,
    )
    assert frame["kind"].tolist() == ["x", "x"] and frame["value"].tolist() == [1.0, 1.0]
    assert frame["athlete_id"].tolist() == [None, None]


def test_conform_fast_path_returns_a_new_equal_frame():
    frame = canonical_frame(
        "daily_samples",
        {"t_utc": np.array([0, 10**9]), "kind": "x", "value": np.array([1.0, 2.0])},
        2,
    )
    out = conform("daily_samples", frame)
    assert out is not frame
    pd.testing.assert_frame_equal(out, frame)
    out["athlete_id"] = "a"  # the caller's frame is not touched
    assert frame["athlete_id"].tolist() == [None, None]


@pytest.mark.parametrize("change", ["nan_text", "index", "order", "dtype", "labels"])
def test_conform_slow_path_when_not_canonical(change):
    frame = canonical_frame(
        "daily_samples",
        {"t_utc": np.array([0, 10**9]), "kind": "x", "value": np.array([1.0, 2.0])},
        2,
    )
    if change == "nan_text":
        frame["kind"] = pd.Series(["x", np.nan], dtype=object)
    elif change == "index":
        frame.index = [5, 6]
    elif change == "order":
        frame = frame[["t_utc", "athlete_id", "kind", "value", "source"]]
    elif change == "dtype":
        frame["value"] = frame["value"].astype("float32")
    else:
        frame.columns = pd.Index(list(frame.columns), dtype=object)
    assert not _is_canonical("daily_samples", frame)
    out = conform("daily_samples", frame)
    assert _is_canonical("daily_samples", out)
    assert list(out.columns) == list(TABLES["daily_samples"])
    if change == "nan_text":
        assert out["kind"].tolist() == ["x", None]
