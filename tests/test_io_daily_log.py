"""The daily-log CSV: three states per yes/no item, shared limits, own items, bad values refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import CsvImportError
from analyzer.io.daily_log import parse_daily_entry, read_daily_log
from analyzer.io.registry import detect_format, read_bytes
from analyzer.limits import FLUID
from tests.helpers.paths import SAMPLE_DATA

TEMPLATE = SAMPLE_DATA / "templates" / "daily_log_template.csv"
HEADER = (
    "date,hydrated,fluid_l,electrolytes,alcohol_drinks,caffeine_mg,stretching_min,massage,ill,notes"
)


def _read(text: str, **kwargs):
    return read_daily_log("daily.csv", text.encode(), **kwargs)


def test_the_template_is_recognised_by_content_and_imports():
    data = TEMPLATE.read_bytes()
    assert detect_format("whatever.txt", data) == "daily_log_csv"
    bundle = read_bytes("daily_log_template.csv", data)
    log = bundle.tables["daily_log"].set_index("date")
    # The template's empty day is not logged: no row at all.
    assert list(log.index) == [dt.date(2024, 5, 11), dt.date(2024, 5, 12), dt.date(2024, 5, 14)]
    assert log.loc[dt.date(2024, 5, 12), "hydrated"] == False  # noqa: E712 - pandas boolean
    assert log.loc[dt.date(2024, 5, 12), "fluid_l"] == 1.2
    assert log.loc[dt.date(2024, 5, 12), "alcohol"] == True  # noqa: E712 - 2 drinks
    assert (log["source"] == "daily_log").all()
    tags = bundle.tables["daily_tags"]
    assert tags[["tag", "answer"]].values.tolist() == [["sauna", False], ["sauna", True]]


def test_an_empty_answer_is_not_logged_never_no():
    bundle = _read(f"{HEADER}\n2024-05-01,,2,,,,,,yes,\n")
    row = bundle.tables["daily_log"].iloc[0]
    assert pd.isna(row["hydrated"]) and pd.isna(row["electrolytes"]) and pd.isna(row["massage"])
    assert row["ill"] == True  # noqa: E712
    assert pd.isna(row["alcohol"]) and pd.isna(row["alcohol_drinks"])


@pytest.mark.parametrize("yes", ["yes", "YES", "y", "true", "1", "Ja"])
@pytest.mark.parametrize("no", ["no", "No", "n", "false", "0"])
def test_yes_and_no_are_read_in_their_common_spellings(yes, no):
    bundle = _read(f"date,hydrated,electrolytes\n2024-05-01,{yes},{no}\n")
    row = bundle.tables["daily_log"].iloc[0]
    assert (row["hydrated"], row["electrolytes"]) == (True, False)


def test_negative_fluid_is_refused_naming_file_row_column_and_expected():
    with pytest.raises(CsvImportError) as refused:
        _read(f"{HEADER}\n2024-05-01,yes,2,,,,,,,\n2024-05-02,yes,-1,,,,,,,\n")
    message = str(refused.value)
    assert "daily.csv" in message and "row 2" in message and "'fluid_l'" in message
    assert "'-1'" in message and FLUID.expected in message
    assert "nothing was imported" in message


def test_valid_rows_only_keeps_the_good_days_and_lists_the_bad():
    bundle = _read(
        "date,hydrated,fluid_l,sauna\n2024-05-01,yes,2,no\n2024-05-02,maybe,2,yes\n",
        valid_rows_only=True,
    )
    assert bundle.tables["daily_log"]["date"].tolist() == [dt.date(2024, 5, 1)]
    # The bad row's tag goes with it.
    assert bundle.tables["daily_tags"]["date"].tolist() == [dt.date(2024, 5, 1)]
    assert any("'hydrated'" in w and "'maybe'" in w for w in bundle.warnings)


def test_a_date_twice_is_refused():
    with pytest.raises(CsvImportError, match=r"one row per date \(row 1 has it\)"):
        _read("date,hydrated\n2024-05-01,yes\n2024-05-01,no\n")


def test_a_date_twice_is_named_in_the_same_message_as_a_bad_value_of_the_first_row():
    with pytest.raises(CsvImportError) as refused:
        _read("date,hydrated,fluid_l\n2024-05-01,yes,-1\n2024-05-01,no,2\n")
    message = str(refused.value)
    assert "'fluid_l': '-1'" in message  # the range problem of row 1 ...
    assert "one row per date (row 1 has it)" in message  # ... and the repeat in row 2, at once


def test_a_count_and_its_yes_no_must_agree():
    with pytest.raises(CsvImportError, match="yes, as alcohol_drinks is 2"):
        _read("date,alcohol,alcohol_drinks\n2024-05-01,no,2\n")
    bundle = _read("date,alcohol,caffeine_mg\n2024-05-01,yes,0\n")
    row = bundle.tables["daily_log"].iloc[0]
    assert row["alcohol"] == True and row["caffeine"] == False  # noqa: E712


def test_a_custom_tag_with_a_value_other_than_yes_or_no_is_refused():
    with pytest.raises(CsvImportError, match="'late meal'"):
        _read("date,late meal\n2024-05-01,often\n")


def test_semicolons_and_decimal_commas_from_a_european_spreadsheet():
    bundle = _read("date;fluid_l;hydrated\n2024-05-01;2,5;ja\n")
    assert bundle.tables["daily_log"]["fluid_l"].tolist() == [2.5]


def test_a_file_without_a_date_column_is_refused():
    with pytest.raises(CsvImportError, match="missing column date"):
        _read("day,hydrated\n2024-05-01,yes\n")


def test_the_entry_parser_the_form_uses_applies_the_same_limits():
    record, problems = parse_daily_entry({"date": "2024-05-01", "fluid_l": 25})
    assert record is None and problems == [("fluid_l", 25, FLUID.expected)]
    record, problems = parse_daily_entry({"date": dt.date(2024, 5, 1), "hydrated": False})
    assert problems == [] and record["hydrated"] is False and record["fluid_l"] is None
