"""The daily log in the library: three states survive storage, newer answers win, form rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import LibraryError
from analyzer.io.registry import read_bytes
from analyzer.store import Library
from tests.helpers.paths import SAMPLE_DATA

TEMPLATE = SAMPLE_DATA / "templates" / "daily_log_template.csv"


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite", reader=read_bytes)
    library.create_athlete("anna", "Anna K.", timezone="Europe/Berlin")
    yield library
    library.close()


def _import(lib, name: str, text: str):
    path = lib.path.parent / name
    path.write_text(text)
    (result,) = lib.import_paths("anna", [path])
    assert result.status == "imported", result.summary()
    return result


def test_the_template_round_trips_with_not_logged_kept_apart_from_no(lib):
    (result,) = lib.import_paths("anna", [TEMPLATE])
    assert result.status == "imported" and result.counts["daily_log"] == 3
    log = lib.daily_log("anna").set_index("date")
    assert log.loc[dt.date(2024, 5, 12), "hydrated"] == False  # noqa: E712
    assert pd.isna(log.loc[dt.date(2024, 5, 14), "caffeine"])
    assert log["hydrated"].dtype == "boolean" and (log["athlete_id"] == "anna").all()
    tags = lib.daily_tags("anna")
    assert tags["tag"].tolist() == ["sauna", "sauna"]


def test_a_newer_file_wins_where_it_answers_and_keeps_the_rest(lib):
    _import(lib, "week1.csv", "date,hydrated,fluid_l\n2024-05-01,no,1.0\n")
    _import(lib, "week1_fixed.csv", "date,hydrated,fluid_l\n2024-05-01,yes,\n")
    row = lib.daily_log("anna").iloc[0]
    assert (row["hydrated"], row["fluid_l"]) == (True, 1.0)


def test_the_form_entry_is_checked_with_the_csv_rules(lib):
    with pytest.raises(LibraryError, match="fluid_l"):
        lib.add_daily_log("anna", {"date": dt.date(2024, 5, 1), "fluid_l": -0.5})
    assert lib.daily_log("anna").empty
    lib.add_daily_log(
        "anna", {"date": dt.date(2024, 5, 1), "electrolytes": False}, {"ice bath": True}
    )
    row = lib.daily_log("anna").iloc[0]
    assert row["electrolytes"] == False and pd.isna(row["hydrated"])  # noqa: E712
    assert row["source"] == "daily_log"
    assert lib.daily_tags("anna")[["tag", "answer"]].values.tolist() == [["ice bath", True]]


def test_deleting_the_athlete_deletes_the_journal(lib):
    lib.add_daily_log("anna", {"date": dt.date(2024, 5, 1), "hydrated": True})
    lib.delete_athlete("anna")
    (count,) = lib.connection.execute("SELECT COUNT(*) FROM daily_log").fetchone()
    assert count == 0
