"""Drug classes reported with cramps: name matching and what the notes say."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analyzer.medication_classes import (
    CLASS_NOT_KNOWN,
    DRUG_CLASSES,
    class_label,
    classify,
    medication_note,
    with_drug_classes,
)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("atorvastatin", "statin"),
        ("hydrochlorothiazide", "thiazide diuretic"),
        ("Atorvastatin Calcium 40 mg", "statin"),
        ("ATORVASTATIN-CALCIUM", "statin"),
        ("Lipitor 20mg once daily", "statin"),
        ("HCTZ 12.5", "thiazide diuretic"),
        ("Hydrochlorothiazide tablets 25mg", "thiazide diuretic"),
        ("furosemide 40 mg", "loop diuretic"),
        ("Frusemide", "loop diuretic"),
        ("Lasix", "loop diuretic"),
        ("spironolactone", "potassium-sparing diuretic"),
        ("Serevent Diskus", "long-acting beta-agonist"),
        ("Symbicort 200/6", "long-acting beta-agonist"),
        ("budesonide/formoterol", "long-acting beta-agonist"),
        ("Insulin glargine", "insulin"),
        ("NovoRapid FlexPen", "insulin"),
        ("Ethinyl estradiol / levonorgestrel", "hormonal contraceptive"),
        ("Microgynon 30", "hormonal contraceptive"),
        ("Fenofibrate 145 mg", "fibrate (lipid-lowering)"),
        ("Evista", "estrogen or estrogen-receptor modulator"),
        ("Naproxen sodium 220 mg", "naproxen (anti-inflammatory)"),
        ("Naproxeno sódico 550 mg", CLASS_NOT_KNOWN),  # Spanish spelling: not in the table
        ("NAPROXEN sódico", "naproxen (anti-inflammatory)"),
        ("Venofer (iron sucrose) IV", "intravenous iron (iron sucrose)"),
        ("metformin 500 mg", CLASS_NOT_KNOWN),
        ("magnesium citrate", CLASS_NOT_KNOWN),
        ("salbutamol", CLASS_NOT_KNOWN),
        ("", CLASS_NOT_KNOWN),
        (None, CLASS_NOT_KNOWN),
    ],
)
def test_names_as_people_write_them_get_their_class(name, label):
    assert class_label(name) == label


def test_a_combination_product_has_each_of_its_classes_once():
    assert [c.key for c in classify("amiloride + hydrochlorothiazide (Moduretic)")] == [
        "thiazide_diuretic",
        "potassium_sparing_diuretic",
    ]
    assert class_label("Vytorin (ezetimibe/simvastatin)") == "statin"


def test_a_word_inside_another_word_does_not_match():
    # "oxis" is a brand (formoterol); it must not match inside "hydroxis..." or "toxisorb".
    assert classify("toxisorb") == ()
    assert classify("insulinoma marker") == ()


def test_every_generic_and_brand_of_the_table_is_found_in_a_written_name():
    for drug_class in DRUG_CLASSES:
        for word in (*drug_class.generics, *drug_class.brands):
            written = f"{word.title().replace(' ', '-')} 10 mg"
            assert drug_class in classify(written), (drug_class.key, written)


def test_every_class_cites_a_doi_or_pmid_and_states_its_evidence():
    for drug_class in DRUG_CLASSES:
        assert drug_class.references
        for ref in drug_class.references:
            assert re.search(r"doi:10\.\d{4,}/\S+|PMID \d{6,}", ref), ref
        assert drug_class.evidence in {
            "population study",
            "cross-sectional study",
            "product labels",
            "muscle side effects",
            "no measured association",
        }


def test_the_note_cites_its_source_and_says_report_to_a_doctor_never_stop():
    note = medication_note("atorvastatin 20 mg")
    assert "Garrison" in note and "doi:10.1001/archinternmed.2011.1029" in note
    assert "reported to your doctor" in note
    assert "do not stop or change" in note
    assert medication_note("metformin") is None
    for drug_class in DRUG_CLASSES:
        text = drug_class.note().casefold()
        for advice in ("you should stop", "stop taking", "switch to", "reduce the dose"):
            assert advice not in text


def test_the_medication_table_gains_drug_class_and_note_columns():
    meds = pd.DataFrame(
        {"name": ["Atorvastatin", "hydrochlorothiazide 25 mg", "vitamin D"], "kind": "medication"}
    )
    out = with_drug_classes(meds)
    assert out["drug_class"].tolist() == ["statin", "thiazide diuretic", CLASS_NOT_KNOWN]
    assert out["cramp_note"].isna().tolist() == [False, False, True]
    assert "drug_class" not in meds
    assert with_drug_classes(None).empty


def test_the_medication_table_has_one_type_per_column_for_the_browser():
    import datetime as dt

    import pyarrow as pa

    from analyzer.figures.journal import medication_table

    meds = pd.DataFrame(
        {
            "name": ["Atorvastatin", "Lipitor"],
            "kind": "medication",
            "start_date": [dt.date(2021, 6, 1), dt.date(2021, 5, 1)],
            "end_date": [None, dt.date(2021, 5, 31)],
        }
    )
    table = medication_table(meds)
    pa.Table.from_pandas(table)  # what st.dataframe does; mixed dates and text raise here
    newest, older = table.to_numpy().tolist()  # newest start first
    assert newest[0] == "Atorvastatin" and "2021-06-01" in newest and "ongoing" in newest
    assert older[0] == "Lipitor" and "2021-05-31" in older
