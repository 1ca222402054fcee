"""On the demo squad's daily logs the planted dehydration is found and the null control stays clean.

The demo library is built once from the committed ``sample_data/`` (every file,
the daily logs included, through the real readers) and analysed by the
pipeline the report and the dashboard run.
"""

from __future__ import annotations

import pytest

from analyzer import pipeline
from analyzer.store import Library

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyses(demo_library) -> dict:
    with Library(demo_library) as lib:
        return {a: pipeline.analyse_athlete(lib, a) for a in ("triathlete-dana", "cyclist-chen")}


def test_the_triathletes_cramps_on_days_without_enough_fluid_are_a_clear_finding(analyses):
    findings = analyses["triathlete-dana"].findings.findings
    row = findings[
        (findings["exposure"] == "not_hydrated") & (findings["cramp_type"] == "exercise")
    ]
    assert row["evidence"].tolist() == ["clear"]
    assert row["hypothesis"].tolist() == ["primary"]
    assert float(row["ci_low"].iloc[0]) > 1


def test_the_null_control_has_no_clear_finding_with_its_daily_log(analyses):
    result = analyses["cyclist-chen"].findings
    keys = set(result.findings["exposure"])
    assert {"not_hydrated", "no_electrolytes", "alcohol"} <= keys  # its daily log is compared
    assert "clear" not in set(result.findings["evidence"])


def test_the_daily_log_is_in_the_features_and_the_report(analyses):
    analysis = analyses["triathlete-dana"]
    assert analysis.daily["log_hydrated"].notna().sum() > 150
    assert analysis.report["coverage"]["days_with_daily_log"] > 150
