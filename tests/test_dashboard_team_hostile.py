"""One athlete's damaged files cannot break the Team page for the others.

A third athlete joins the trimmed demo squad with the kinds of damage the
attack run imported with only a warning: a power ride with one flipped bit in
a record's timestamp, a FIT file cut short, one with a bad CRC, a HRV-status
file whose cut definitions put its samples in the year 2122, an activity list
with junk rows (valid rows only) and a cramp log cut mid-row. The Team page
must draw, with the other athletes' roster rows exactly as without the newcomer.
"""

from __future__ import annotations

import shutil
import struct

import pandas as pd
import pytest

from analyzer.figures.team import PER_100H
from analyzer.store import Library
from tests.helpers.dashboard import app, errors, frames_with
from tests.helpers.paths import SAMPLE_DATA, TEST_DATA

FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds


def flipped_ride() -> bytes:
    """A real power ride with bit 28 of one record's timestamp flipped: 8.5 years off.

    The attack run's first finding: imported with a CRC warning, it made the
    1 Hz power grid of every page that computes the athlete span 8.5 years.
    """
    from analyzer.io.fit import read_fit

    path = next(iter(sorted((SAMPLE_DATA / "cyclist-chen" / "activities").glob("*.fit"))))
    data = bytearray(path.read_bytes())
    records = read_fit(bytes(data)).messages("record")
    stamp = records["timestamp"].iloc[len(records) // 2]
    fit_s = int(stamp.timestamp()) - FIT_EPOCH_S
    at = data.index(struct.pack("<I", fit_s), 14)
    struct.pack_into("<I", data, at, fit_s ^ (1 << 28))
    return bytes(data)


DAMAGED = [
    ("ride.fit", flipped_ride(), False),
    ("cut.fit", (TEST_DATA / "corrupt_unexpected_eof.fit").read_bytes(), False),
    ("crc.fit", (TEST_DATA / "corrupt_bad_crc.fit").read_bytes(), False),
    ("hrv.fit", (TEST_DATA / "hostile" / "hrv_status_samples_to_2122.fit").read_bytes(), False),
    ("Activities.csv", (TEST_DATA / "exports" / "garmin_connect_bad_rows.csv").read_bytes(), True),
    (
        "cramps.csv",
        (SAMPLE_DATA / "templates" / "cramp_log_template.csv").read_bytes().rstrip(b"\n")[:-12],
        True,
    ),
]


def _roster(at) -> pd.DataFrame:
    (roster,) = frames_with(at, PER_100H)
    return roster.set_index("athlete")


@pytest.mark.slow
def test_a_damaged_athlete_leaves_the_team_page_and_the_others_unchanged(
    demo_file, tmp_path, monkeypatch
):
    path = tmp_path / "team.sqlite"
    shutil.copyfile(demo_file, path)
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.setenv("CRAMP_ANALYZER_DEMO_LIBRARY", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))

    before = app("team.py")
    assert not before.exception, errors(before)
    others = _roster(before)

    with Library(path) as library:
        library.create_athlete("mallory", "Mallory", timezone="Europe/Berlin")
        statuses = [
            library.import_file("mallory", name, data, valid_rows_only=rows_only).status
            for name, data, rows_only in DAMAGED
        ]
    assert statuses == ["partial"] * len(DAMAGED), statuses

    after = app("team.py")
    assert not after.exception, errors(after)
    roster = _roster(after)
    assert len(roster) == len(others) + 1 and "Mallory" in roster.index
    pd.testing.assert_frame_equal(roster.loc[others.index], others)
