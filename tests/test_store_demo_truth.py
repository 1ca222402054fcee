"""Cramp links on the demo squad's real files agree with the simulator's answer key.

``sample_data/truth/<athlete>.json`` records, for every simulated cramp, the
session it was drawn in and the night it belongs to. Importing the files
through the real readers must link each cramp to the same session and night.
Only the files those cramps need are imported, to keep the test quick.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from analyzer.store import Library
from analyzer.store.demo import read_roster
from tests.helpers.paths import SAMPLE_DATA

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SAMPLE_DATA / "truth").is_dir(),
        reason="the demo squad's truth files are not in sample_data/",
    ),
]


def _truth(athlete_id: str) -> dict:
    return json.loads((SAMPLE_DATA / "truth" / f"{athlete_id}.json").read_text())


def _library(tmp_path, athlete_id: str) -> Library:
    fields = next(f for f in read_roster(SAMPLE_DATA) if f["athlete_id"] == athlete_id)
    lib = Library(tmp_path / "lib.sqlite")
    lib.create_athlete(athlete_id, timezone=fields["timezone"])
    return lib


def _by_start(cramps: pd.DataFrame, truth: dict) -> pd.DataFrame:
    expected = pd.DataFrame(truth["cramps"])
    expected["start_utc"] = pd.to_datetime(expected["start_utc"], utc=True)
    merged = cramps.merge(
        expected[["start_utc", "session_id", "night"]], on="start_utc", suffixes=("", "_truth")
    )
    assert len(merged) == len(expected) == len(cramps)
    return merged


def test_exercise_cramps_link_to_the_session_they_were_drawn_in(tmp_path):
    athlete_id = "runner-anna"
    truth = _truth(athlete_id)
    folder = SAMPLE_DATA / athlete_id
    sessions = {s["session_id"]: s["file"] for s in truth["sessions"]}
    wanted = {c["session_id"] for c in truth["cramps"] if c["session_id"]}
    assert wanted, "the runner's answer key has exercise cramps"
    files = [folder / sessions[s] for s in sorted(wanted)] + [folder / "cramps.csv"]
    with _library(tmp_path, athlete_id) as lib:
        results = lib.import_paths(athlete_id, files)
        assert all(r.ok for r in results), [r.summary() for r in results if not r.ok]
        sha_of_file = {
            str(folder / f): hashlib.sha256((folder / f).read_bytes()).hexdigest()
            for f in sessions.values()
            if (folder / f) in files
        }
        activities = lib.activities(athlete_id).set_index("activity_id")
        merged = _by_start(lib.cramps(athlete_id), truth)
    drawn_in_session = merged[merged["session_id"].notna()]
    for _, cramp in drawn_in_session.iterrows():
        assert cramp["activity_id"] is not None, cramp["start_utc"]
        source = activities.loc[cramp["activity_id"], "source_sha256"]
        assert source == sha_of_file[str(folder / sessions[cramp["session_id"]])]


def test_nocturnal_cramps_take_the_night_of_the_answer_key(tmp_path):
    athlete_id = "masters-bernd"
    truth = _truth(athlete_id)
    folder = SAMPLE_DATA / athlete_id
    nights = sorted({c["night"] for c in truth["cramps"] if c["night"]})
    assert nights, "the masters athlete's answer key has nocturnal cramps"
    files = [folder / "sleep" / f"{night}_SLEEP_DATA.fit" for night in nights]
    with _library(tmp_path, athlete_id) as lib:
        results = lib.import_paths(athlete_id, [*files, folder / "cramps.csv"])
        assert all(r.ok for r in results), [r.summary() for r in results if not r.ok]
        merged = _by_start(lib.cramps(athlete_id), truth)
    nocturnal = merged[merged["context"] == "night"]
    assert len(nocturnal) >= len(nights)  # several cramps may share a night
    assert [str(n) for n in nocturnal["night"]] == list(nocturnal["night_truth"])
    assert nocturnal["activity_id"].isna().all()
