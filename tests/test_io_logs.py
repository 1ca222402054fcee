"""Cramp and medication logs: vocabularies, ranges, time zones and daylight-saving changes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import CsvImportError, ImportFileError
from analyzer.io.logs import (
    CRAMP_COLUMNS,
    read_cramp_log,
    read_medication_log,
    validate_cramp,
    validate_medication,
)
from analyzer.io.registry import detect_format, read_bytes
from analyzer.timebase import night_of
from tests.helpers.paths import SAMPLE_DATA

HEADER = ",".join(CRAMP_COLUMNS)


def cramp_log(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_templates_are_detected_and_read():
    cramps = (SAMPLE_DATA / "templates" / "cramp_log_template.csv").read_bytes()
    meds = (SAMPLE_DATA / "templates" / "medication_log_template.csv").read_bytes()
    assert detect_format("anything.txt", cramps) == "cramp_log_csv"
    assert detect_format("anything.txt", meds) == "medication_log_csv"
    table = read_bytes("c.csv", cramps, timezone="Europe/Berlin").tables["cramps"]
    assert len(table) == 4
    assert set(table["muscle"]) <= {"calf", "hamstring", "quadriceps", "foot"}
    assert str(table["start_utc"].dtype) == "datetime64[ns, UTC]"
    medications = read_bytes("m.csv", meds).tables["medications"]
    assert medications.loc[0, "end_date"] is None  # ongoing
    assert medications.loc[1, "end_date"] == dt.date(2024, 6, 15)


def test_nocturnal_cramp_belongs_to_the_local_wake_date_east_of_utc():
    # 02:30 in Sydney is 16:30 UTC on the previous calendar day.
    bundle = read_cramp_log(
        "c.csv",
        cramp_log("2024-06-12T02:30,calf,left,6,60,night,stretching,"),
        timezone="Australia/Sydney",
    )
    start = bundle.tables["cramps"].loc[0, "start_utc"]
    assert start == pd.Timestamp("2024-06-11T16:30", tz="UTC")
    assert night_of(start, "Australia/Sydney") == dt.date(2024, 6, 12)
    assert night_of(start, "UTC") == dt.date(
        2024, 6, 12
    )  # 16:30 UTC would be the next night in UTC


def test_nocturnal_cramp_west_of_utc_and_before_midnight():
    bundle = read_cramp_log(
        "c.csv",
        cramp_log(
            "2024-11-03T23:40,calf,right,4,30,night,walking,",
            "2024-11-04T02:30,calf,right,5,30,night,,",
        ),
        timezone="America/Los_Angeles",
    )
    starts = bundle.tables["cramps"]["start_utc"]
    # Both belong to the night that ends on the morning of 4 November.
    assert [night_of(s, "America/Los_Angeles") for s in starts] == [dt.date(2024, 11, 4)] * 2
    assert starts[1] == pd.Timestamp("2024-11-04T10:30", tz="UTC")  # PST, UTC-8, after the change


def test_dst_spring_forward_gap_is_reported_not_shifted():
    with pytest.raises(CsvImportError) as info:
        read_cramp_log(
            "spring.csv",
            cramp_log("2024-03-31T02:30,calf,left,6,60,night,,"),
            timezone="Europe/Berlin",
        )
    message = str(info.value)
    assert "spring.csv" in message and "row 1" in message and "start_local" in message
    assert "2024-03-31T02:30" in message and "daylight-saving" in message


def test_dst_fall_back_overlap_is_reported_and_an_offset_resolves_it():
    with pytest.raises(CsvImportError, match="happened twice"):
        read_cramp_log(
            "fall.csv",
            cramp_log("2024-10-27T02:30,calf,left,6,60,night,,"),
            timezone="Europe/Berlin",
        )
    first, second = (
        read_cramp_log(
            "fall.csv",
            cramp_log(f"2024-10-27T02:30{offset},calf,left,6,60,night,,"),
            timezone="Europe/Berlin",
        )
        .tables["cramps"]
        .loc[0, "start_utc"]
        for offset in ("+02:00", "+01:00")
    )
    assert second - first == pd.Timedelta(hours=1)
    assert (
        night_of(first, "Europe/Berlin")
        == night_of(second, "Europe/Berlin")
        == dt.date(2024, 10, 27)
    )


def test_cramp_just_after_spring_forward_is_in_the_right_night():
    bundle = read_cramp_log(
        "c.csv", cramp_log("2024-03-31T03:30,calf,left,6,60,night,,"), timezone="Europe/Berlin"
    )
    start = bundle.tables["cramps"].loc[0, "start_utc"]
    assert start == pd.Timestamp("2024-03-31T01:30", tz="UTC")  # CEST, UTC+2
    assert night_of(start, "Europe/Berlin") == dt.date(2024, 3, 31)


def test_bad_values_are_named_with_row_column_value_and_expectation():
    data = cramp_log(
        "2024-05-01T10:00,calf,left,5,30,exercise,,",
        "2024-05-02T10:00,calf,left,14,30,exercise,,",
        "2024-05-03T10:00,elbow,left,5,-20,exercise,,",
        "2024-05-32T10:00,calf,middle,5,30,gym,prayer,",
    )
    with pytest.raises(CsvImportError) as info:
        read_cramp_log("log.csv", data, timezone="Europe/Berlin")
    message = str(info.value)
    assert message.startswith("log.csv (row 2, column 'severity_0_10')")
    for fragment in (
        "'14'",
        "0 (no pain) to 10",
        "row 3 (line 4), column 'muscle': 'elbow'",
        "'-20'",
        "more than 0",
        "row 4 (line 5), column 'start_local': '2024-05-32T10:00'",
        "'middle'",
        "left, right, both",
        "'gym'",
        "'prayer'",
        "nothing was imported",
        "1 of 4 rows are valid",
    ):
        assert fragment in message


def test_out_of_range_years_are_problems_not_crashes():
    with pytest.raises(CsvImportError, match="between 1970 and 2099"):
        read_cramp_log("log.csv", cramp_log("0001-01-01T00:00Z,calf,left,5,30,exercise,,"))


def test_valid_rows_only_imports_the_good_rows_and_reports_the_rest():
    data = cramp_log(
        "2024-05-01T10:00,calf,left,5,30,exercise,,", "2024-05-02T10:00,calf,left,14,30,exercise,,"
    )
    bundle = read_cramp_log("log.csv", data, timezone="Europe/Berlin", valid_rows_only=True)
    assert len(bundle.tables["cramps"]) == 1
    assert len(bundle.warnings) == 1 and "skipped 1 of 2 rows" in bundle.warnings[0]
    assert "'14'" in bundle.warnings[0]


def test_missing_columns_are_refused_with_the_expected_header():
    with pytest.raises(CsvImportError) as info:
        read_cramp_log("log.csv", b"start_local,side\n2024-05-01T10:00,left\n", timezone="UTC")
    assert "missing column(s) muscle" in str(info.value)
    assert HEADER in str(info.value)


def test_local_time_without_zone_needs_the_athlete_time_zone():
    with pytest.raises(CsvImportError, match="time zone"):
        read_cramp_log("log.csv", cramp_log("2024-05-01T10:00,calf,left,5,30,exercise,,"))
    with pytest.raises(CsvImportError, match="IANA"):
        read_cramp_log(
            "log.csv", cramp_log("2024-05-01T10:00,calf,left,5,30,exercise,,"), timezone="Mars/Base"
        )
    # With an explicit offset no zone is needed.
    bundle = read_cramp_log("log.csv", cramp_log("2024-05-01T10:00Z,calf,left,5,30,exercise,,"))
    assert bundle.tables["cramps"].loc[0, "start_utc"] == pd.Timestamp("2024-05-01T10:00", tz="UTC")


def test_cramp_id_is_stable_across_reimports_and_ways_of_writing_the_time():
    local = read_cramp_log(
        "a.csv", cramp_log("2024-05-01T10:00,calf,left,5,30,exercise,,"), timezone="Europe/Berlin"
    )
    offset = read_cramp_log("b.csv", cramp_log("2024-05-01T08:00Z,Calf,left,7,10,rest,,edited"))
    assert local.tables["cramps"].loc[0, "cramp_id"] == offset.tables["cramps"].loc[0, "cramp_id"]
    other_side = read_cramp_log("c.csv", cramp_log("2024-05-01T08:00Z,calf,right,5,30,exercise,,"))
    assert (
        other_side.tables["cramps"].loc[0, "cramp_id"] != local.tables["cramps"].loc[0, "cramp_id"]
    )


def test_duplicate_rows_in_one_log_are_kept_once():
    row = "2024-05-01T10:00,calf,left,5,30,exercise,,"
    assert len(read_cramp_log("a.csv", cramp_log(row, row), timezone="UTC").tables["cramps"]) == 1


def test_semicolon_bom_and_decimal_comma_spreadsheet_export():
    text = (
        "\ufeffstart_local;muscle;side;severity_0_10;duration_s;context;relief;notes\n"
        "2024-05-01 10:00;hip glute;left;5,5;30;after-exercise;stretching;\n"
    )
    table = read_cramp_log("excel.csv", text.encode("utf-8"), timezone="Europe/Berlin").tables[
        "cramps"
    ]
    assert table.loc[0, "muscle"] == "hip_glute" and table.loc[0, "context"] == "after_exercise"
    assert table.loc[0, "severity_0_10"] == 5.5


def test_validate_cramp_for_the_log_form():
    good = {"start_local": "2024-05-01T10:00", "muscle": "calf", "side": "left", "severity_0_10": 3}
    assert validate_cramp(good, timezone="Europe/Berlin") == []
    assert (
        validate_cramp(
            {**good, "start_local": dt.datetime(2024, 5, 1, 10)}, timezone="Europe/Berlin"
        )
        == []
    )
    problems = validate_cramp(
        {**good, "severity_0_10": 14, "duration_s": -1}, timezone="Europe/Berlin"
    )
    assert problems == [
        "severity_0_10: 14 (expected a number from 0 (no pain) to 10 (worst))",
        "duration_s: -1 (expected seconds, more than 0 and at most 3600)",
    ]


def test_medication_log_checks():
    assert (
        validate_medication({"name": "magnesium", "kind": "supplement", "start_date": "2024-01-01"})
        == []
    )
    problems = validate_medication(
        {"name": "", "kind": "vitamin", "start_date": "01.02.2024", "end_date": "x"}
    )
    assert [p.split(":")[0] for p in problems] == ["name", "kind", "start_date", "end_date"]
    backwards = validate_medication(
        {"name": "a", "kind": "other", "start_date": "2024-02-01", "end_date": "2024-01-01"}
    )
    assert backwards == [
        "end_date: '2024-01-01' (expected a date on or after start_date 2024-02-01)"
    ]
    with pytest.raises(CsvImportError, match=r"meds.csv \(row 1, column 'kind'\)"):
        read_medication_log(
            "meds.csv", b"name,kind,start_date,end_date,notes\nstatin,pill,2024-01-01,,\n"
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=9), max_size=6))
def test_fuzzed_cramp_logs_either_read_or_fail_with_an_import_error(rows):
    lines = [HEADER] + [",".join(cell.replace("\n", " ") for cell in row) for row in rows]
    data = "\n".join(lines).encode()
    try:
        bundle = read_cramp_log("fuzz.csv", data, timezone="Europe/Berlin", valid_rows_only=True)
    except ImportFileError:
        return
    assert set(bundle.tables["cramps"]["muscle"].dropna()) <= set(
        [
            "calf",
            "hamstring",
            "quadriceps",
            "foot",
            "hip_glute",
            "abdominal",
            "back",
            "hand",
            "neck",
            "other",
        ]
    )


def test_relief_none_is_a_logged_answer_not_a_missing_value():
    data = cramp_log(
        "2024-05-01T10:00,calf,left,5,30,exercise,none,",
        "2024-05-02T10:00,calf,left,5,30,exercise,None,",
        "2024-05-03T10:00,calf,left,5,30,exercise,,",
        "2024-05-04T10:00,calf,left,5,30,exercise,NA,",
        "2024-05-05T10:00,calf,left,5,30,exercise,--,",
    )
    table = read_cramp_log("log.csv", data, timezone="Europe/Berlin").tables["cramps"]
    relief = table.sort_values("start_utc")["relief"].tolist()
    assert relief[:2] == ["none", "none"]
    assert all(pd.isna(value) for value in relief[2:])  # empty or null tokens: not logged


def test_a_date_without_a_time_of_day_is_refused_not_put_at_midnight():
    data = cramp_log("2021-06-20,calf,left,5,30,night,,", "2021-06-21T03:10,calf,left,5,30,night,,")
    with pytest.raises(CsvImportError) as info:
        read_cramp_log("log.csv", data, timezone="Europe/Berlin")
    message = str(info.value)
    assert "row 1 (line 2), column 'start_local': '2021-06-20'" in message
    assert "time of day" in message and "1 of 2 rows are valid" in message
    assert validate_cramp({"start_local": "2021-06-20", "muscle": "calf"}, timezone="UTC")
    assert not validate_cramp({"start_local": "2021-06-20T23:00", "muscle": "calf"}, timezone="UTC")


def test_messages_name_the_line_a_spreadsheet_shows_blank_rows_counted():
    data = cramp_log(
        "2024-05-01T10:00,calf,left,5,30,exercise,,",
        ",,,,,,,",
        "",
        "2024-05-03T10:00,hamstrng,left,5,30,exercise,,",
    )
    with pytest.raises(CsvImportError) as info:
        read_cramp_log("log.csv", data, timezone="Europe/Berlin")
    assert "row 2 (line 5), column 'muscle': 'hamstrng'" in str(info.value)
    assert "--valid-rows-only" in str(info.value)


def test_a_row_after_a_note_with_line_breaks_is_named_by_the_line_it_starts_on():
    data = cramp_log(
        '2024-05-01T10:00,elbow,left,5,30,exercise,,"first line\nsecond line\nthird"',
        "2024-05-02T10:00,knee,left,5,30,exercise,,",
    )
    with pytest.raises(CsvImportError) as info:
        read_cramp_log("log.csv", data, timezone="Europe/Berlin")
    assert "row 1 (line 2), column 'muscle': 'elbow'" in str(info.value)  # where it starts
    assert "row 2 (line 5), column 'muscle': 'knee'" in str(info.value)
