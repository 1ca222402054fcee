"""On the demo squad, each planted pattern is the top finding.

The whole demo library is built once from the committed ``sample_data/``
(every FIT file and log through the real readers), and each athlete is
analysed by the pipeline the report command and the dashboard run
(:func:`analyzer.pipeline.analyse_athlete`). For every athlete with a planted
pattern, the top-ranked finding must be one of its planted exposures
(``sample_data/truth/<athlete>.json``, key ``planted``) with
``p_adjusted < 0.05``, and every planted exposure must come out ``clear``; for the
null-control athlete, whose exercise and nocturnal
cramps are both compared (not descriptive only), no finding may reach
``p_adjusted < 0.05``.
"""

from __future__ import annotations

import json

import pytest

from analyzer import pipeline
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

ALPHA = 0.05

#: The simulator's name of each planted exposure (truth file, ``planted[].exposure``)
#: -> the findings engine's exposure keys that test it (``analyzer.findings.exposures``,
#: ``analyzer.findings.medications``). The simulator's definitions and the engine's
#: differ in detail (e.g. hot = 28 deg C or more vs. the top of the athlete's own
#: session temperatures), so this table is the one place where the two vocabularies meet.
PLANTED_TO_FINDINGS = {
    "above_habit_intensity": {"high_intensity"},
    "hot_session": {"heat"},
    "not_hydrated_day": {"not_hydrated"},
    "hard_day_before": {"hard_day"},
    "short_night_before": {"short_sleep"},
    "taking hydrochlorothiazide": {
        "medication_started:hydrochlorothiazide",
        "on_medication:hydrochlorothiazide",
    },
}

#: The null-control athlete: exercise and nocturnal cramps at a constant probability
#: per session and per night (nothing planted), so both kinds are compared and must show nothing.
NULL_ATHLETE = "cyclist-chen"


def _planted(athlete_id: str) -> list[str]:
    truth = json.loads((SAMPLE_DATA / "truth" / f"{athlete_id}.json").read_text())
    return [p["exposure"] for p in truth["planted"] if "odds_ratio" in p]


def _squad() -> list[str]:
    return [fields["athlete_id"] for fields in read_roster(SAMPLE_DATA)]


@pytest.fixture(scope="module")
def reports(demo_library) -> dict[str, dict]:
    """The report document of every demo athlete, from the demo library built from sample_data/."""
    with Library(demo_library) as lib:
        return {a: pipeline.analyse_athlete(lib, a).report for a in _squad()}


def test_the_squad_has_one_null_control_and_every_planted_name_is_mapped():
    planted = {athlete_id: _planted(athlete_id) for athlete_id in _squad()}
    assert planted[NULL_ATHLETE] == []
    assert all(planted[a] for a in planted if a != NULL_ATHLETE)
    unmapped = {name for names in planted.values() for name in names} - PLANTED_TO_FINDINGS.keys()
    assert not unmapped, f"add these truth names to PLANTED_TO_FINDINGS: {sorted(unmapped)}"


@pytest.mark.parametrize("athlete_id", [a for a in _squad() if a != NULL_ATHLETE])
def test_the_top_finding_is_a_planted_pattern(reports, athlete_id):
    findings = reports[athlete_id]["findings"]
    assert findings, f"{athlete_id}: no findings at all"
    top = findings[0]
    expected = set().union(*(PLANTED_TO_FINDINGS[name] for name in _planted(athlete_id)))
    assert top["exposure"] in expected, (
        f"{athlete_id}: top finding is {top['exposure']} (OR {top['estimate']}, "
        f"p_adj {top['p_adjusted']}), planted {sorted(expected)}"
    )
    assert top["p_adjusted"] is not None and top["p_adjusted"] < ALPHA, top
    assert top["estimate"] > 1 and not top["descriptive_only"], top
    assert top["evidence"] == "clear", top
    assert reports[athlete_id]["summary"].startswith("What stands out"), reports[athlete_id]


@pytest.mark.parametrize("athlete_id", [a for a in _squad() if a != NULL_ATHLETE])
def test_every_planted_pattern_comes_out_clear(reports, athlete_id):
    """Not only the top one: each planted exposure has a clear finding raising the risk."""
    findings = reports[athlete_id]["findings"]
    clear = {f["exposure"] for f in findings if f["evidence"] == "clear" and f["estimate"] > 1}
    missed = [name for name in _planted(athlete_id) if not PLANTED_TO_FINDINGS[name] & clear]
    assert not missed, (athlete_id, missed, sorted(clear))


def test_the_null_control_has_no_significant_finding(reports):
    findings = reports[NULL_ATHLETE]["findings"]
    assert findings, "the null control's cramps were compared with something"
    # A real null check: both kinds of cramps are compared with enough events to test.
    tested = {
        f["cramp_type"] for f in findings if f["p_value"] is not None and not f["descriptive_only"]
    }
    assert tested == {"exercise", "nocturnal"}, tested
    significant = [
        (f["exposure"], f["estimate"], f["p_adjusted"])
        for f in findings
        if f["p_adjusted"] is not None and f["p_adjusted"] < ALPHA
    ]
    assert not significant, significant
    summary = reports[NULL_ATHLETE]["summary"]
    assert summary.startswith("Nothing stands out: none of the "), summary
