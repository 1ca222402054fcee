"""Power readings outside physiological limits never reach NP, TSS, the day's load or the charts.

The oracle is the recording device itself: ``devfields_multiple_index.fit`` (shared samples)
holds six power readings of 6.6-47 kW in an indoor ride whose session message gives the
device's own Normalized Power and TSS. The device's values are read with fitdecode, not with
the project's decoder.
"""

from __future__ import annotations

import base64
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analyzer import pipeline
from analyzer.findings.insession import in_session_table
from analyzer.indicators.plausible import POWER_LIMITS_W, plausible_samples
from analyzer.indicators.session_streams import StreamSet
from analyzer.store import Library
from tests.helpers.paths import shared_samples_dir

SPIKY_RIDE = "devfields_multiple_index.fit"


def _device_view(path):
    """The session message's NP, TSS and timer time, and every record's power (fitdecode)."""
    fitdecode = pytest.importorskip("fitdecode")
    session, power = {}, []
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "session":
                session = {f.name: f.value for f in frame.fields}
            elif frame.name == "record" and frame.has_field("power"):
                power.append(frame.get_value("power"))
    return session, np.array([np.nan if p is None else p for p in power], dtype=float)


def _plotly_array(spec) -> np.ndarray:
    """An array of a figure's JSON: a list, or plotly's ``{"dtype", "bdata"}`` encoding."""
    if isinstance(spec, dict):
        return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"]).astype(float)
    return np.asarray(spec, dtype=float)


@pytest.fixture(scope="module")
def spiky_library(tmp_path_factory):
    """The ride imported for an athlete whose FTP is the one the device scored TSS with."""
    samples = shared_samples_dir()
    if samples is None:
        pytest.skip(
            "ANALYZER_SAMPLES_DIR is not set: the shared real sample files are not available"
        )
    path = samples / "fit" / SPIKY_RIDE
    session, power = _device_view(path)
    hours = session["total_timer_time"] / 3600.0
    # TSS = hours * IF^2 * 100 and IF = NP / FTP give the device's FTP
    ftp = session["normalized_power"] / math.sqrt(session["training_stress_score"] / hours / 100)
    library_path = tmp_path_factory.mktemp("spikes") / "library.sqlite"
    with Library(library_path) as library:
        library.create_athlete(
            "rider", timezone="Europe/Berlin", ftp_w=round(ftp), hr_rest_bpm=50, hr_max_bpm=190
        )
        result = library.import_file("rider", SPIKY_RIDE, path.read_bytes())
        assert result.status == "imported", result.message
    return library_path, session, power


def test_the_ride_holds_spikes_far_above_any_rider(spiky_library):
    _, session, power = spiky_library
    assert np.nanmax(power) > 10 * POWER_LIMITS_W[1]  # 47,140 W
    assert session["max_power"] > 10 * POWER_LIMITS_W[1]


def test_np_tss_and_the_days_load_match_the_device(spiky_library):
    library_path, session, _ = spiky_library
    with Library(library_path, read_only=True) as library:
        sessions = pipeline.session_table(library, "rider")
        daily = pipeline.daily_table(library, "rider", sessions)
    (ride,) = sessions.itertuples()
    assert ride.np_w == pytest.approx(session["normalized_power"], rel=0.02)  # 259 W
    assert ride.tss == pytest.approx(session["training_stress_score"], rel=0.04)  # 94.1
    assert ride.load_source == "tss"
    day = daily.loc[pd.to_datetime(daily["date"]).dt.date == dt.date(2021, 10, 21)]
    assert day["load"].iloc[0] == pytest.approx(session["training_stress_score"], rel=0.04)
    assert daily["atl"].max() < session["training_stress_score"]


def test_the_athletes_notes_say_how_many_readings_were_left_and_where(spiky_library):
    library_path, _, power = spiky_library
    expected = int(np.sum(power > POWER_LIMITS_W[1]))
    with Library(library_path, read_only=True) as library:
        sessions = pipeline.session_table(library, "rider")
        daily = pipeline.daily_table(library, "rider", sessions)
    assert sessions["dropped_power_readings"].tolist() == [expected]
    (note,) = [n for n in daily.attrs["data_notes"] if "power readings" in n]
    assert note.startswith(f"{expected} power readings outside 0-2,500 W")
    assert "in 1 session (2021-10-21)" in note


def test_the_dropped_readings_are_counted_per_session(spiky_library):
    library_path, _, power = spiky_library
    expected = int(np.sum(power > POWER_LIMITS_W[1]))  # 6 in the device's records
    with Library(library_path, read_only=True) as library:
        activities = library.activities("rider")
        samples = library.samples_for_athlete("rider")
    streams = StreamSet.of_sessions(activities, samples, 10.0)
    assert streams.dropped_power.tolist() == [expected]
    assert np.nanmax(streams.values["power_w"]) <= POWER_LIMITS_W[1]
    cleaned = plausible_samples(samples)
    assert cleaned.dropped_power == expected
    assert f"{expected} power readings" in cleaned.note()


def test_a_cramps_context_ignores_the_spikes(spiky_library):
    library_path, _, _ = spiky_library
    with Library(library_path, read_only=True) as library:
        (activity_id,) = library.activities("rider")["activity_id"]
        samples = library.samples(activity_id)
    spikes = samples.loc[samples["power_w"] > POWER_LIMITS_W[1], "t_utc"]
    cramp = pd.DataFrame(
        {
            "cramp_id": ["c1"],
            "cramp_type": ["exercise"],
            "activity_id": [activity_id],
            "start_utc": [spikes.max() + pd.Timedelta(seconds=30)],
        }
    )
    (row,) = in_session_table(cramp, lambda _: samples).itertuples()
    at = cramp["start_utc"].iloc[0]
    last10 = samples.loc[
        (samples["t_utc"] > at - pd.Timedelta(minutes=10)) & (samples["t_utc"] <= at)
    ]
    real = last10["power_w"].where(last10["power_w"] <= POWER_LIMITS_W[1])
    assert row.power_last10_w == pytest.approx(real.mean(), rel=1e-6)  # ~120 W less than raw


def test_a_clean_stream_is_left_as_it_is():
    rng = np.random.default_rng(3)
    t = pd.date_range("2024-05-01 07:00", periods=3600, freq="1s", tz="UTC")
    power = np.clip(rng.normal(210, 40, t.size), 0, None)
    power[::97] = np.nan  # dropouts stay missing
    samples = pd.DataFrame({"activity_id": "a", "t_utc": t, "power_w": power})
    cleaned = plausible_samples(samples)
    assert cleaned.dropped_power == 0 and cleaned.note() is None
    pd.testing.assert_frame_equal(cleaned.samples, samples)


def test_the_session_page_draws_the_cleaned_stream_and_says_what_it_left_out(
    spiky_library, monkeypatch
):
    from tests.helpers.dashboard import app, charts, errors

    library_path, _, power = spiky_library
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(library_path))
    at = app("session.py")
    assert not at.exception, errors(at)
    (figure,) = charts(at)
    (trace,) = [t for t in figure["data"] if t.get("name") == "power"]
    drawn = _plotly_array(trace["y"])  # the axis ran to 47 kW
    assert np.nanmax(drawn) == np.nanmax(power[power <= POWER_LIMITS_W[1]])
    expected = int(np.sum(power > POWER_LIMITS_W[1]))
    assert any(f"{expected} power readings" in c.value for c in at.caption)
