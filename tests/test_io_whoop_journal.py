"""WHOOP journal_entries.csv into the daily log: the day each answer is about, items and tags."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analyzer.errors import CsvImportError
from analyzer.io.registry import detect_format, read_bytes
from analyzer.io.vendors.whoop_journal import read_whoop_journal

HEADER = "Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes\n"


def _journal(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A journal export written the way WHOOP writes it (start, question, answer, notes)."""
    lines = [
        f"{start},,UTC+01:00,{question},{answer},{notes}" for start, question, answer, notes in rows
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_real_journal_maps_the_known_questions_and_keeps_the_others_as_tags(samples_dir):
    data = (samples_dir / "exports" / "whoop" / "journal_entries.csv").read_bytes()
    assert detect_format("x", data) == "whoop_journal_csv"
    bundle = read_bytes("journal_entries.csv", data)
    log = bundle.tables["daily_log"].set_index("date")
    # Cycles starting 2024-06-22 23:00:22 and 2024-06-23 20:24:26 (UTC-04:00): their answers
    # are about the days that ended with those sleeps.
    assert dt.date(2024, 6, 22) in log.index and dt.date(2024, 6, 23) in log.index
    day = log.loc[dt.date(2024, 6, 23)]
    assert (day["hydrated"], day["alcohol"], day["caffeine"], day["ill"]) == (
        True,
        True,
        True,
        False,
    )
    # The trailing space of "Have any caffeine? " in the real file does not matter.
    assert log["caffeine"].notna().all()
    assert pd.isna(day["electrolytes"]) and pd.isna(day["fluid_l"])  # never asked: not logged
    assert (log["source"] == "whoop_journal").all()
    tags = bundle.tables["daily_tags"]
    on_23 = tags[tags["date"] == dt.date(2024, 6, 23)].set_index("tag")["answer"]
    assert on_23["Take creatine?"] == False  # noqa: E712
    assert on_23["Viewed a screen device in bed?"] == True  # noqa: E712
    assert "Hydrated sufficiently?" not in set(tags["tag"])


def test_a_cycle_starting_after_midnight_is_about_the_day_before():
    data = _journal(
        [
            ("2024-06-10 23:30:00", "Hydrated sufficiently?", "false", ""),
            ("2024-06-12 00:40:00", "Hydrated sufficiently?", "true", ""),
            ("2024-06-12 21:15:00", "Hydrated sufficiently?", "true", ""),
        ]
    )
    log = read_whoop_journal("j.csv", data).tables["daily_log"]
    assert log["date"].tolist() == [
        dt.date(2024, 6, 10),
        dt.date(2024, 6, 11),
        dt.date(2024, 6, 12),
    ]
    assert log["hydrated"].tolist() == [False, True, True]


def test_days_without_answers_are_absent_not_no():
    days = [dt.date(2024, 6, 1) + dt.timedelta(days=i) for i in range(20)]
    unanswered = {days[3], days[7], days[15]}
    data = _journal(
        [
            (f"{d} 22:30:00", "Hydrated sufficiently?", "true", "")
            for d in days
            if d not in unanswered
        ]
    )
    log = read_whoop_journal("j.csv", data).tables["daily_log"]
    assert len(log) == 17 and not (set(log["date"]) & unanswered)


def test_notes_are_kept_with_their_question_and_an_empty_answer_is_not_logged():
    data = _journal(
        [
            ("2024-06-10 22:00:00", "Hydrated sufficiently?", "", "forgot my bottle"),
            ("2024-06-10 22:00:00", "Ice bath", "true", "10 min"),
        ]
    )
    bundle = read_whoop_journal("j.csv", data)
    day = bundle.tables["daily_log"].iloc[0]
    assert pd.isna(day["hydrated"])
    assert day["notes"] == "Hydrated sufficiently? forgot my bottle; Ice bath: 10 min"
    assert bundle.tables["daily_tags"][["tag", "answer"]].values.tolist() == [["Ice bath", True]]


def test_an_unreadable_answer_is_refused_naming_row_and_column():
    data = _journal([("2024-06-10 22:00:00", "Hydrated sufficiently?", "sometimes", "")])
    with pytest.raises(CsvImportError, match=r"row 1, column 'Answered yes': 'sometimes'"):
        read_whoop_journal("j.csv", data)
    bundle = read_whoop_journal("j.csv", data, valid_rows_only=True)
    assert bundle.tables["daily_log"].empty and bundle.warnings
