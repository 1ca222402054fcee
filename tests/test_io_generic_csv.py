"""Generic CSV: recognised headers and units, explicit mappings, sniffed dialects; CSV fuzzing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analyzer.errors import ImportFileError, UnknownFormatError
from analyzer.io.registry import detect_format, read_bytes
from analyzer.io.vendors.generic_csv import ColumnMapping, read_generic_csv, split_unit
from tests.helpers.paths import TEST_DATA


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Distance (km)", ("distance", "km")),
        ("HRV [ms]", ("hrv", "ms")),
        ("duration_min", ("duration", "min")),
        ("Resting HR", ("resting hr", None)),
    ],
)
def test_split_unit(header, expected):
    assert split_unit(header) == expected


def test_european_spreadsheet_wellness():
    data = (
        "\ufeffDate;Resting HR (bpm);HRV [ms];Steps\n"
        "31.03.2024;52;61,5;12.345\n"
        "01.04.2024;--;58,0;9.876\n"
    )
    assert detect_format("my.csv", data.encode()) == "generic_csv"
    wellness = read_bytes("my.csv", data.encode()).tables["wellness"]
    assert list(wellness["date"]) == [dt.date(2024, 3, 31), dt.date(2024, 4, 1)]
    assert list(wellness["hrv_rmssd_ms"]) == [61.5, 58.0]
    assert list(wellness["steps"]) == [12345.0, 9876.0]
    assert pd.isna(wellness.loc[1, "resting_hr_bpm"])


def test_sessions_with_units_clock_durations_and_local_times():
    data = (
        b"Start time,Sport,Duration (min),Distance (mi),Avg HR,Calories (kJ)\n"
        b"2024-03-30 18:00,Run,45,5,150,2092\n2024-03-31 09:00,Ride,01:30:00,25,135,\n"
    )
    acts = read_bytes("log.csv", data, timezone="Europe/Berlin").tables["activities"]
    assert list(acts["duration_s"]) == [2700.0, 5400.0]
    assert acts.loc[0, "distance_m"] == pytest.approx(5 * 1609.344)
    assert acts.loc[0, "energy_kcal"] == pytest.approx(500.0)
    assert list(acts["start_utc"]) == [
        pd.Timestamp("2024-03-30 17:00", tz="UTC"),
        pd.Timestamp("2024-03-31 07:00", tz="UTC"),
    ]  # CET, then CEST
    assert list(acts["sport"]) == ["running", "cycling"]


def test_sessions_with_offsets_need_no_zone():
    data = b"start,duration_s,distance_m\n2024-03-31T02:30:00+01:00,1800,5000\n"
    acts = read_bytes("x.csv", data).tables["activities"]
    assert acts.loc[0, "start_utc"] == pd.Timestamp("2024-03-31 01:30", tz="UTC")


def test_local_sessions_need_the_zone_and_report_dst_gaps():
    data = b"start,duration_s\n2024-03-31 02:30,1800\n"
    with pytest.raises(ImportFileError, match="time zone"):
        read_bytes("x.csv", data)
    with pytest.raises(ImportFileError, match=r"row 1, column 'start'.*daylight-saving"):
        read_bytes("x.csv", data, timezone="Europe/Berlin")


def test_ambiguous_day_month_dates_are_warned():
    bundle = read_bytes("a.csv", b"date,steps\n03/04/2024,100\n05/04/2024,200\n")
    assert bundle.tables["wellness"].loc[0, "date"] == dt.date(2024, 4, 3)
    assert "day/month and month/day" in bundle.warnings[0]


def test_explicit_mapping_for_unrecognised_headers():
    data = b"Tag,Ruhepuls,Schlaf\n2024-03-31,51,7.5\n"
    assert detect_format("x.csv", data) is None
    with pytest.raises(UnknownFormatError):
        read_bytes("x.csv", data)
    mapping = ColumnMapping(
        "sleep",
        {"Tag": "date", "Schlaf": "asleep_min"},
        units={"Schlaf": "h"},
        date_format="%Y-%m-%d",
    )
    sleep = read_generic_csv("x.csv", data, mapping=mapping).tables["sleep"]
    assert sleep.loc[0, "night"] == dt.date(2024, 3, 31) and sleep.loc[0, "asleep_min"] == 450.0


def test_wrong_unit_and_impossible_values_are_named():
    with pytest.raises(ImportFileError, match=r"column 'Distance \(kg\)': 'kg'"):
        read_bytes("x.csv", b"start,Distance (kg)\n2024-01-01T10:00Z,5\n")
    with pytest.raises(ImportFileError, match=r"row 2, column 'Resting HR': '900'"):
        read_bytes("x.csv", b"date,Resting HR\n2024-01-01,50\n2024-01-02,900\n")
    with pytest.raises(ImportFileError, match=r"row 1, column 'date': '2024-13-45'"):
        read_bytes("x.csv", b"date,steps\n2024-13-45,5\n")


def test_misgrouped_thousands_are_not_silently_merged():
    with pytest.raises(ImportFileError, match=r"row 1, column 'Distance \(km\)': '8,2'"):
        read_bytes(
            "x.csv", b'start,Distance (km)\n2024-01-01T10:00Z,"8,2"\n2024-01-02T10:00Z,40.5\n'
        )


def test_ragged_row_is_refused_with_its_row():
    with pytest.raises(ImportFileError, match=r"row 2.*3 fields but the header has 2"):
        read_bytes("x.csv", b"date,steps\n2024-01-01,5\n2024-01-02,5,7\n")


HEADERS = {
    "garmin_connect": (TEST_DATA / "exports" / "garmin_connect_decimal_comma.csv")
    .read_text()
    .splitlines()[0],
    "whoop": (TEST_DATA / "exports" / "whoop_sleeps_dst.csv").read_text().splitlines()[0],
    "oura": (TEST_DATA / "exports" / "oura_sleepmodel.csv").read_text().splitlines()[0],
    "generic": "Date;Resting HR (bpm);HRV [ms];Steps",
    "cramps": "start_local,muscle,side,severity_0_10,duration_s,context,relief,notes",
}
cells = st.one_of(
    st.text(alphabet="0123456789-:.,/ TZ+", max_size=20),
    st.text(max_size=8),
    st.sampled_from(["", "--", "NaN", "2024-03-31 02:30:00", "1,000", "5,81", "900", "-1"]),
)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(HEADERS)),
    st.lists(st.lists(cells, max_size=30), max_size=4),
    st.booleans(),
)
@example("garmin_connect", [["", "-1"]], False)
def test_fuzzed_csv_exports_read_or_raise_import_errors(kind, rows, valid_rows_only):
    header = HEADERS[kind]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    width = header.count(delimiter) + 1
    lines = [header] + [
        delimiter.join(c.replace(delimiter, " ").replace('"', "") for c in row[:width])
        for row in rows
    ]
    data = "\n".join(lines).encode()
    try:
        bundle = read_bytes(
            "fuzz.csv", data, timezone="Europe/Berlin", valid_rows_only=valid_rows_only
        )
    except ImportFileError:
        return
    for table in bundle.tables.values():
        for column in table.columns:
            if column.endswith("_utc"):
                assert str(table[column].dtype) == "datetime64[ns, UTC]"
