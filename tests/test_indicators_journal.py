"""The daily log in the features table: sources merged per day, not logged stays empty."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd

from analyzer.cli import main
from analyzer.indicators.journal import JOURNAL_COLUMNS, journal_days, logged_days, with_journal
from analyzer.schema import conform
from tests.helpers.library import library_from_tables
from tests.helpers.paths import SAMPLE_DATA

D = dt.date(2024, 5, 11)


def _log(rows: list[dict]) -> pd.DataFrame:
    return conform("daily_log", pd.DataFrame(rows))


def test_the_athletes_own_log_wins_over_a_journal_app_item_by_item():
    log = _log(
        [
            {"date": D, "hydrated": True, "fluid_l": None, "source": "whoop_journal"},
            {"date": D, "hydrated": False, "fluid_l": None, "source": "daily_log"},
            {"date": D, "hydrated": None, "fluid_l": 1.8, "source": "apple_health"},
        ]
    )
    day = journal_days(log).loc[D]
    assert (day["hydrated"], day["fluid_l"]) == (0.0, 1.8)
    assert day["sources"] == "apple_health+daily_log+whoop_journal"


def test_with_journal_adds_every_item_and_tag_and_leaves_unlogged_days_empty():
    daily = pd.DataFrame({"date": [D - dt.timedelta(days=1), D], "load": [50.0, 0.0]})
    daily.attrs["indicator_params"] = {"x": 1}
    log = _log([{"date": D, "electrolytes": False, "source": "daily_log"}])
    tags = conform(
        "daily_tags",
        pd.DataFrame([{"date": D, "tag": "sauna", "answer": True, "source": "daily_log"}]),
    )
    out = with_journal(daily, log, tags)
    assert list(out.columns) == ["date", "load", *JOURNAL_COLUMNS, "tag: sauna"]
    assert out["log_electrolytes"].tolist()[1] == 0.0 and np.isnan(out["log_electrolytes"][0])
    assert out["tag: sauna"].tolist()[1] == 1.0
    assert out.attrs == daily.attrs
    assert logged_days(out)["electrolytes"] == 1 and logged_days(out)["any"] == 1


def test_the_template_imported_shows_in_the_features_csv(tmp_path, capsys):
    start = pd.Timestamp("2024-05-09 07:00", tz="UTC")
    activities = conform(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"a{i}" for i in range(7)],
                "sport": "running",
                "start_utc": [start + pd.Timedelta(days=i) for i in range(7)],
                "duration_s": 3600.0,
                "avg_heart_rate_bpm": 140.0,
            }
        ),
    )
    library = library_from_tables(
        tmp_path / "lib.sqlite", "anna", {"timezone": "Europe/Berlin"}, {"activities": activities}
    )
    template = SAMPLE_DATA / "templates" / "daily_log_template.csv"
    assert main(["import", "--library", str(library), "--athlete", "anna", str(template)]) == 0
    capsys.readouterr()
    assert main(["features", "--library", str(library), "--athlete", "anna"]) == 0
    rows = {r["date"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["2024-05-12"]["log_hydrated"] == "0.0"
    assert rows["2024-05-12"]["log_fluid_l"] == "1.2"
    assert rows["2024-05-12"]["log_alcohol_drinks"] == "2.0"
    assert rows["2024-05-14"]["tag: sauna"] == "1.0"
    # 13 May is in the template with every cell empty: not logged, never "no".
    assert rows["2024-05-13"]["log_hydrated"] == "" and rows["2024-05-13"]["tag: sauna"] == ""
