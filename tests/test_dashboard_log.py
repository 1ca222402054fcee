"""AppTest: a cramp logged on the Log page is in the library and on the Overview at once."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.helpers.dashboard import app, errors, frames_with, small_library


@pytest.fixture
def own_library(tmp_path, monkeypatch):
    path = small_library(tmp_path / "own.sqlite")
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    return path


def _log_cramp(at, day: dt.date, time: dt.time, muscle: str = "quadriceps"):
    at.date_input(key="cramp_date").set_value(day)
    at.time_input(key="cramp_time").set_value(time)
    at.selectbox(key="cramp_muscle").set_value(muscle)
    at.selectbox(key="cramp_context").set_value("night")
    at.slider(key="cramp_severity").set_value(9)
    at.text_area(key="cramp_notes").set_value("<script>alert(1)</script> woke me up")
    at.button(key="FormSubmitter:log_cramp-Save cramp").click()
    return at.run()


def test_logged_cramp_appears_on_the_overview(own_library):
    at = app("log.py")
    at = _log_cramp(at, dt.date(2024, 3, 15), dt.time(3, 0))
    assert not at.exception, errors(at)
    assert any("Cramp saved" in s.value for s in at.success)

    at.switch_page("app_pages/overview.py").run()
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "muscle")
    logged = table[table["muscle"] == "quadriceps"]
    assert len(logged) == 1
    # 03:00 in Berlin on 15 March is 02:00 UTC; shown back at local time.
    assert logged["local time"].iloc[0] == dt.datetime(2024, 3, 15, 3, 0)
    assert logged["severity [0-10]"].iloc[0] == 9


def test_a_time_in_the_spring_forward_gap_is_refused(own_library):
    at = app("log.py")
    at = _log_cramp(at, dt.date(2024, 3, 31), dt.time(2, 30))  # Berlin jumps 02:00 -> 03:00
    assert not at.exception, errors(at)
    assert any("does not exist" in e.value for e in at.error)
    assert not at.success


def test_a_medication_is_saved(own_library):
    at = app("log.py")
    at.text_input(key="med_name").set_value("atorvastatin")
    at.date_input(key="med_start").set_value(dt.date(2024, 2, 1))
    at.button(key="FormSubmitter:log_medication-Save medication").click().run()
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "kind")
    names = table["name"].tolist()
    assert "atorvastatin" in names
    assert "2024-02-01" in table["started"].astype(str).tolist()


def test_a_saved_medication_shows_its_drug_class_the_reference_and_the_doctor_advice(
    own_library,
):
    at = app("log.py")
    at.text_input(key="med_name").set_value("Hydrochlorothiazide 25 mg")
    at.button(key="FormSubmitter:log_medication-Save medication").click().run()
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "drug class")
    row = table[table["name"] == "Hydrochlorothiazide 25 mg"]
    assert row["drug class"].tolist() == ["thiazide diuretic"]
    notes = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown-escaped
    assert "Thiazide diuretic (population study)" in notes and "Garrison et al." in notes
    assert any("reported to your doctor" in w.value for w in at.warning)


def test_the_cramps_page_lists_medications_with_their_class(own_library):
    at = app("log.py")
    at.text_input(key="med_name").set_value("Lipitor")
    at.button(key="FormSubmitter:log_medication-Save medication").click().run()
    at.switch_page("app_pages/cramps.py").run(timeout=60)
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "drug class")
    assert table.loc[table["name"] == "Lipitor", "drug class"].tolist() == ["statin"]


def test_a_day_saved_on_the_log_page_keeps_not_logged_apart_from_no(own_library):
    at = app("log.py")
    at.date_input(key="day_date").set_value(dt.date(2024, 3, 9))
    at.radio(key="day_hydrated").set_value("no")
    at.number_input(key="day_fluid_l").set_value(1.25)
    at.text_input(key="day_new_tag").set_value("ice bath")
    at.button(key="FormSubmitter:log_day-Save day").click().run()
    assert not at.exception, errors(at)
    assert any("Day saved" in s.value for s in at.success)
    (table,) = frames_with(at, "fluid [L]")
    row = table[table["date"] == dt.date(2024, 3, 9)].iloc[0]
    assert (row["hydrated"], row["fluid [L]"], row["ice bath"]) == ("no", 1.25, "yes")
    assert row["electrolytes"] == "" and row["source"] == "daily_log"

    from analyzer.store import Library

    with Library(own_library) as library:
        stored = library.daily_log("anna").iloc[0]
    assert stored["hydrated"] == False and pd.isna(stored["electrolytes"])  # noqa: E712


def test_a_day_with_nothing_answered_is_not_saved(own_library):
    at = app("log.py")
    at.button(key="FormSubmitter:log_day-Save day").click().run()
    assert not at.exception, errors(at)
    assert any("not logged" in e.value for e in at.error)


def test_the_imported_template_shows_on_the_log_page(own_library):
    from analyzer.store import Library
    from tests.helpers.paths import SAMPLE_DATA

    with Library(own_library) as library:
        (result,) = library.import_paths(
            "anna", [SAMPLE_DATA / "templates" / "daily_log_template.csv"]
        )
        assert result.status == "imported", result.summary()
    at = app("log.py")
    assert not at.exception, errors(at)
    (table,) = frames_with(at, "fluid [L]")
    day = table[table["date"] == dt.date(2024, 5, 12)].iloc[0]
    assert (day["hydrated"], day["fluid [L]"], day["alcohol [drinks]"]) == ("no", 1.2, 2.0)
    assert set(table["date"]) == {dt.date(2024, 5, 11), dt.date(2024, 5, 12), dt.date(2024, 5, 14)}
