"""The report names each medication's drug class, with the reference, and the doctor advice."""

from __future__ import annotations

import json

from analyzer.cli import main

MEDICATION_LOG = (
    "name,kind,start_date,end_date,notes\n"
    "Atorvastatin 20 mg,medication,2024-01-05,,\n"
    "hydrochlorothiazide,medication,2024-02-01,2024-03-01,\n"
    "vitamin D,supplement,2024-01-01,,\n"
)


def _library(tmp_path, capsys):
    log = tmp_path / "medication_log.csv"
    log.write_text(MEDICATION_LOG)
    library = tmp_path / "lib.sqlite"
    code = main(
        ["import", "--library", str(library), "--athlete", "max", "--timezone", "UTC", str(log)]
    )
    assert code == 0, capsys.readouterr()
    capsys.readouterr()
    return library


def _report(library, fmt, capsys) -> str:
    code = main(["report", "--library", str(library), "--athlete", "max", "--format", fmt])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_json_report_medications_carry_drug_class_and_note(tmp_path, capsys):
    doc = json.loads(_report(_library(tmp_path, capsys), "json", capsys))
    classes = {m["name"]: m["drug_class"] for m in doc["medications"]}
    assert classes == {
        "Atorvastatin 20 mg": "statin",
        "hydrochlorothiazide": "thiazide diuretic",
        "vitamin D": "class not known",
    }
    notes = {m["name"]: m["cramp_note"] for m in doc["medications"]}
    assert notes["vitamin D"] is None
    assert "doi:10.1001/archinternmed.2011.1029" in notes["hydrochlorothiazide"]
    assert "reported to your doctor" in notes["Atorvastatin 20 mg"]


def test_markdown_report_shows_the_class_column_and_one_note_per_class(tmp_path, capsys):
    md = _report(_library(tmp_path, capsys), "md", capsys)
    timeline = md.split("## Medication timeline", 1)[1]
    assert "| Atorvastatin 20 mg | medication | statin |" in timeline
    assert "| hydrochlorothiazide | medication | thiazide diuretic |" in timeline
    assert "| vitamin D | supplement | class not known |" in timeline
    assert timeline.count("Garrison et al.") == 2  # the statin note and the thiazide note
    assert "should be reported to your doctor" in timeline
