"""Apple Health dietary water into the daily log: units, local dates, days without water missing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import ImportFileError
from analyzer.io.registry import read_bytes


def _export(*records: tuple[str, str, str], heart_rate: bool = False) -> bytes:
    """An export.xml as the Health app writes it (records carry their own UTC offset)."""
    rows = "".join(
        f'<Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="WaterMinder" '
        f'unit="{unit}" creationDate="{start}" startDate="{start}" endDate="{start}" '
        f'value="{value}"/>'
        for start, value, unit in records
    )
    if heart_rate:
        rows += (
            '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
            'startDate="2024-06-11 08:00:00 +0200" endDate="2024-06-11 08:00:00 +0200" '
            'value="62"/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n]>\n'
        f'<HealthData locale="en_DE"><ExportDate value="2024-06-30 10:00:00 +0200"/>{rows}'
        "</HealthData>"
    ).encode()


def test_water_records_sum_per_local_day_in_litres_whatever_the_unit():
    bundle = read_bytes(
        "export.xml",
        _export(
            ("2024-06-10 07:30:00 +0200", "500", "mL"),
            ("2024-06-10 12:00:00 +0200", "16.9", "fl_oz_us"),  # a 500 mL bottle
            ("2024-06-10 23:30:00 +0200", "0.25", "L"),
            # 00:30 local on the 11th (22:30 UTC on the 10th) belongs to the 11th.
            ("2024-06-11 00:30:00 +0200", "1", "cup_us"),
        ),
    )
    log = bundle.tables["daily_log"].set_index("date")
    assert list(log.index) == [dt.date(2024, 6, 10), dt.date(2024, 6, 11)]
    assert log.loc[dt.date(2024, 6, 10), "fluid_l"] == pytest.approx(0.5 + 0.4998 + 0.25, abs=1e-3)
    assert log.loc[dt.date(2024, 6, 11), "fluid_l"] == pytest.approx(0.2366, abs=1e-4)
    assert (log["source"] == "apple_health").all()
    assert log["hydrated"].isna().all()  # only the amount is known


def test_a_day_with_water_only_is_no_wellness_day_and_a_day_without_water_is_not_logged():
    bundle = read_bytes(
        "export.xml", _export(("2024-06-10 09:00:00 +0200", "300", "mL"), heart_rate=True)
    )
    assert bundle.tables["daily_log"]["date"].tolist() == [dt.date(2024, 6, 10)]
    assert bundle.tables["wellness"]["date"].tolist() == [dt.date(2024, 6, 11)]


def test_an_impossible_volume_is_refused_naming_the_record():
    data = _export(("2024-06-10 09:00:00 +0200", "500", "L"))  # millilitres typed as litres
    with pytest.raises(ImportFileError, match=r"row 2.*DietaryWater value.*'500 L'"):
        read_bytes("export.xml", data)
    bundle = read_bytes("export.xml", data, valid_rows_only=True)
    assert "daily_log" not in bundle.tables and bundle.warnings
    unknown = _export(("2024-06-10 09:00:00 +0200", "2", "gallon"))
    with pytest.raises(ImportFileError, match="a volume in one of mL, L"):
        read_bytes("export.xml", unknown)


def test_the_daily_log_from_apple_health_reaches_the_features():
    from analyzer.indicators.journal import journal_days

    bundle = read_bytes("export.xml", _export(("2024-06-10 09:00:00 +0200", "1800", "mL")))
    days = journal_days(bundle.tables["daily_log"])
    assert days.loc[dt.date(2024, 6, 10), "fluid_l"] == pytest.approx(1.8)
    assert pd.isna(days.loc[dt.date(2024, 6, 10), "hydrated"])
