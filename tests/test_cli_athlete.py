"""``cramp-analyzer athlete``: settings with their sources; set > estimated > default."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.cli import main
from analyzer.store import Library
from tests.helpers.hr_streams import training_block
from tests.helpers.library import library_from_tables

TRUE_HR_MAX = 187.0


@pytest.fixture
def newcomer(tmp_path):
    """A library with one athlete who set nothing: 16 runs with HR streams, max 187 bpm."""
    acts, samples = training_block(np.random.default_rng(7), TRUE_HR_MAX, 50.0, n_sessions=16)
    acts["duration_s"] = [
        (samples.loc[samples.activity_id == a, "t_utc"].max() - t).total_seconds()
        for a, t in zip(acts["activity_id"], acts["start_utc"])
    ]
    path = library_from_tables(
        tmp_path / "lib.sqlite", "newbie", {}, {"activities": acts, "samples": samples}
    )
    return path


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def settings(capsys, path, *changes) -> dict:
    sets = [item for change in changes for item in ("--set", change)]
    code, out, err = cli(
        capsys, "athlete", "--library", str(path), "--athlete", "newbie", *sets, "--format", "json"
    )
    assert code == 0, err
    return json.loads(out)


def daily_json(capsys, path) -> dict:
    code, out, err = cli(
        capsys, "features", "--library", str(path), "--athlete", "newbie", "--format", "json"
    )
    assert code == 0, err
    return json.loads(out)


def test_json_lists_every_setting_with_its_source(capsys, newcomer):
    doc = settings(capsys, newcomer)
    assert doc["athlete_id"] == "newbie"
    assert list(doc["settings"]) == [
        "display_name",
        "sex",
        "hr_rest_bpm",
        "hr_max_bpm",
        "lthr_bpm",
        "ftp_w",
        "timezone",
        "sleep_need_h",
    ]
    for name, setting in doc["settings"].items():
        assert setting["source"].split(" ")[0].rstrip(":") in ("set", "estimated", "default"), name
    hr_max = doc["settings"]["hr_max_bpm"]
    assert hr_max["source"].startswith("estimated from the heart rate held 5 s or more of 16 ")
    assert TRUE_HR_MAX - 3 <= hr_max["value"] <= TRUE_HR_MAX + 1
    assert doc["settings"]["ftp_w"] == {
        "value": None,
        "source": "default: not known (needs a session with 20 minutes of power; or set it)",
    }
    assert doc["settings"]["timezone"]["source"].startswith("default: UTC")


def test_every_setting_has_a_label():
    from analyzer.indicators.athlete_settings import SETTING_LABELS, SETTING_NAMES

    assert set(SETTING_LABELS) == set(SETTING_NAMES)


def test_text_form(capsys, newcomer):
    code, out, _ = cli(capsys, "athlete", "--library", str(newcomer), "--athlete", "newbie")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "athlete newbie"
    assert lines[1].split() == ["setting", "value", "source"]
    assert any(line.startswith("hr_max_bpm") and "estimated from" in line for line in lines)


def test_set_wins_over_the_estimate_and_clearing_estimates_again(capsys, newcomer):
    before = daily_json(capsys, newcomer)
    assert before["athlete_settings"]["hr_max_bpm"]["source"].startswith("estimated")
    doc = settings(capsys, newcomer, "hr_max_bpm=200", "lthr_bpm=170")
    assert doc["settings"]["hr_max_bpm"] == {"value": 200.0, "source": "set by you"}
    after = daily_json(capsys, newcomer)
    assert after["athlete_settings"]["hr_max_bpm"]["value"] == 200.0
    assert after["athlete_settings"]["lthr_bpm"] == {"value": 170.0, "source": "set by you"}
    trimp_before = [d["trimp_au"] for d in before["daily"] if d["session_count"]]
    trimp_after = [d["trimp_au"] for d in after["daily"] if d["session_count"]]
    # a higher HR max leaves less of the reserve used: every session's TRIMP falls
    assert all(a < b for a, b in zip(trimp_after, trimp_before))
    doc = settings(capsys, newcomer, "sex=female", "timezone=Europe/Vienna")
    assert doc["settings"]["sex"] == {"value": "f", "source": "set by you"}
    assert doc["settings"]["timezone"] == {"value": "Europe/Vienna", "source": "set by you"}
    cleared = settings(capsys, newcomer, "hr_max_bpm=auto", "lthr_bpm=", "sex=")
    assert cleared["settings"]["hr_max_bpm"] == before["athlete_settings"]["hr_max_bpm"]
    assert cleared["settings"]["lthr_bpm"] == before["athlete_settings"]["lthr_bpm"]
    assert cleared["settings"]["sex"]["source"].startswith("default")


def test_display_name(capsys, newcomer):
    doc = settings(capsys, newcomer, "display_name=Nina B.")
    assert doc["settings"]["display_name"] == {"value": "Nina B.", "source": "set by you"}


@pytest.mark.parametrize(
    "changes, message",
    [
        (["hr_max_bpm=fast"], "hr_max_bpm = 'fast' is not a number"),
        (["hr_max_bpm=300"], "outside the plausible range 100-240"),
        (["hr_max_bpm=110", "hr_rest_bpm=115"], "must be below maximum"),
        (["sex=x"], "sex 'x' is not one of f, m, unspecified"),
        (["timezone=Mars/Olympus"], "Mars/Olympus"),
        (["shoe_size=44"], "expected NAME=VALUE with NAME one of display_name, sex"),
        (["display_name="], "display_name cannot be empty"),
        (["lthr_bpm=170", "lthr_bpm=171"], "--set lthr_bpm is given twice"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(capsys, newcomer, changes, message):
    sets = [item for change in ["lthr_bpm=165", *changes] for item in ("--set", change)]
    if changes[0].startswith("lthr"):
        sets = sets[2:]
    argv = ["athlete", "--library", str(newcomer), "--athlete", "newbie", *sets]
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    with Library(newcomer) as lib:
        row = lib.athlete("newbie")
    assert row["hr_max_bpm"] is None and row["lthr_bpm"] is None  # the valid change not applied


def test_unknown_athlete(capsys, newcomer):
    code, _, err = cli(capsys, "athlete", "--library", str(newcomer), "--athlete", "nobody")
    assert code == 2 and "nobody" in err


def test_report_and_features_say_what_is_estimated_and_missing(capsys, newcomer):
    code, out, err = cli(capsys, "report", "--library", str(newcomer), "--athlete", "newbie")
    assert code == 0, err
    assert "## What is missing or estimated" in out
    assert "No nights are imported" in out and "No time zone is set" in out
    assert "The load rests on values you have not set: resting heart rate" in out
    method = out[out.index("## Method and parameters") :]
    assert "| Maximum heart rate | " in method and "estimated from the heart rate held" in method
    assert "| Fitness (CTL) time constant | 42 days |" in method
    code, out, err = cli(
        capsys, "features", "--library", str(newcomer), "--athlete", "newbie", "--format", "csv"
    )
    assert code == 0 and out.startswith("date,coverage,")
    assert "note: The load rests on values you have not set" in err
