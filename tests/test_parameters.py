"""Parameter metadata: every field of the parameter classes describes itself to a person."""

from __future__ import annotations

import dataclasses
import re

import pytest

from analyzer.findings.params import FindingsParams
from analyzer.findings.report import render_markdown
from analyzer.indicators.params import IndicatorParams
from analyzer.parameters import choices_of, describe, parameter_rows

CLASSES = [IndicatorParams, FindingsParams]
IDENTIFIER = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


@pytest.mark.parametrize("cls", CLASSES)
def test_every_field_has_plain_words(cls):
    infos = describe(cls())
    assert [i.name for i in infos] == [f.name for f in dataclasses.fields(cls)]
    for info in infos:
        assert info.label and info.help, info.name
        assert not IDENTIFIER.match(info.label), f"{info.name}: label is an identifier"
        assert "_" not in info.label, info.name
        if info.choices:
            defaults = info.default if isinstance(info.default, tuple) else (info.default,)
            assert set(defaults) <= set(info.choices), info.name
            assert all(not IDENTIFIER.match(label) for label in info.choices.values())


@pytest.mark.parametrize("cls", CLASSES)
def test_allowed_values_are_enforced_from_the_metadata(cls):
    for info in describe(cls()):
        if not info.choices or isinstance(info.default, tuple):
            continue
        with pytest.raises(ValueError, match=f"{info.name} must be one of"):
            cls(**{info.name: "no such choice"})


def test_tuples_of_choices_are_checked_item_by_item():
    with pytest.raises(ValueError, match="load_priority must be one of"):
        IndicatorParams(load_priority=("tss", "watts"))
    assert choices_of(IndicatorParams, "monotony_ddof") == (1, 0)
    assert choices_of(IndicatorParams, "ctl_tau_d") is None


def test_value_text_in_plain_words():
    info = {i.name: i for i in describe(IndicatorParams(pmc_alpha="inverse", ctl_tau_d=28.0))}
    assert info["pmc_alpha"].value_text() == "1/τ (TrainingPeaks)"
    assert info["ctl_tau_d"].value_text() == "28 days"
    assert info["model_missing_load_as_zero"].value_text() == "yes"
    assert info["lucia_vt1_bpm"].value_text() == "not set"


def test_an_order_of_choices_reads_as_words():
    info = {i.name: i for i in describe(IndicatorParams(habit_intensity_priority=("speed",)))}
    assert info["load_priority"].value_text() == "TSS, then hrTSS, then TRIMP, then session RPE"
    assert info["habit_intensity_priority"].value_text() == "speed"
    recorded = {"load_priority": ["trimp", "srpe"], "sleep_need_h_used": 7.5}  # as in JSON
    rows = dict(parameter_rows(IndicatorParams, recorded))
    assert rows["Load measure, first available"] == "TRIMP, then session RPE"
    assert rows["Sleep need used (yours when set, else the default)"] == "7.5 h/night"
    for cls in CLASSES:
        for label, text in parameter_rows(cls, cls().as_dict()):
            assert not re.search(r"[()\[\]]'|'[,)\]]", text), (label, text)


def test_report_method_table_shows_labels_not_identifiers():
    rows = parameter_rows(FindingsParams, FindingsParams().as_dict())
    assert ["Control days come from", "fixed blocks of days"] in rows
    assert not any(IDENTIFIER.match(label) for label, _ in rows)
    assert parameter_rows(FindingsParams, {"retired_name": 3}) == [["retired name", "3"]]
    doc = {
        "athlete": {"athlete_id": "a"},
        "generated_utc": "2026-01-01T00:00:00+00:00",
        "medical_note": "",
        "coverage": {},
        "cramps": {},
        "conventions": {"parameters": FindingsParams().as_dict()},
        "method": "case-crossover",
        "findings": [],
        "medications": [],
        "epoch_excursions": [],
        "in_session": [],
        "relief": [],
        "notes": [],
    }
    text = render_markdown(doc)
    assert "| Block length | 28 days |" in text and "stratum_days" not in text
