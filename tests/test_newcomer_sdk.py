"""A new user's export from another encoder gives a full analysis with nothing set but a zone.

The export (:mod:`tests.helpers.sdk_athlete`) is written by Garmin's FIT SDK encoder with
heart-rate spikes, dropouts and smart recording; the athlete sets no physiology and is
imported with only ``--timezone``, as a newcomer would.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.cli import main
from tests.helpers import sdk_athlete

pytest.importorskip("garmin_fit_sdk", reason="the independent encoder (test extra)")


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    runs = sdk_athlete.write_export(folder)
    library = folder.parent / "newcomer.sqlite"
    argv = ["import", "--library", str(library), "--athlete", "newbie"]
    assert main([*argv, "--timezone", sdk_athlete.TIMEZONE, str(folder)]) == 0
    return library, runs


def _json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_physiology_is_estimated_from_the_data(capsys, newcomer):
    library, _ = newcomer
    doc = _json(
        capsys, "athlete", "--library", str(library), "--athlete", "newbie", "--format", "json"
    )
    hr_max = doc["settings"]["hr_max_bpm"]
    assert hr_max["source"].startswith("estimated from the heart rate held 5 s or more of 120 ")
    assert abs(hr_max["value"] - sdk_athlete.TRUE_HR_MAX) <= 3
    assert doc["settings"]["hr_rest_bpm"]["source"].startswith("default: 65 bpm")
    assert doc["settings"]["lthr_bpm"]["source"].startswith("estimated")


@pytest.mark.slow
def test_load_on_every_training_day_and_models_that_move(capsys, newcomer):
    library, runs = newcomer
    doc = _json(
        capsys, "features", "--library", str(library), "--athlete", "newbie", "--format", "json"
    )
    days = doc["daily"]
    training = [d for d in days if d["session_count"]]
    assert len(training) == len(runs)
    assert all(d["load"] is not None and d["load"] > 0 for d in training)
    ctl = np.array([d["ctl"] for d in days], dtype=float)
    atl = np.array([d["atl"] for d in days], dtype=float)
    tsb = np.array([d["tsb"] for d in days], dtype=float)
    assert np.isfinite(ctl).all() and np.isfinite(atl).all() and np.isfinite(tsb).all()
    assert ctl[-1] > 5 * ctl[0] and np.ptp(atl[60:]) > 5 and (tsb < -5).any() and (tsb > 0).any()
    long_loads = [d["load"] for d, r in zip(training, runs) if r.long]
    easy_loads = [d["load"] for d, r in zip(training, runs) if not r.long]
    assert min(long_loads) > np.median(easy_loads)


@pytest.mark.slow
def test_the_planted_long_session_pattern_is_found(capsys, newcomer):
    library, runs = newcomer
    doc = _json(
        capsys, "report", "--library", str(library), "--athlete", "newbie", "--format", "json"
    )
    assert doc["cramps"] == {"exercise": sum(r.cramp_at_utc is not None for r in runs)}
    (long_session,) = [
        f
        for f in doc["findings"]
        if f["exposure"] == "long_session" and f["cramp_type"] == "exercise"
    ]
    assert long_session["n_events"] == 16 and not long_session["descriptive_only"]
    assert long_session["ci_low"] > 1 and long_session["p_adjusted"] < 0.05
    assert doc["coverage"]["training_days"] == 120
    assert doc["coverage"]["training_days_without_load"] == 0
