"""WHOOP ``journal_entries.csv``: the daily journal's yes/no answers, one row per question.

Source conventions (the real export in the shared samples, WHOOP's help pages):

* Columns ``Cycle start time, Cycle end time, Cycle timezone, Question text,
  Answered yes, Notes``; ``Answered yes`` is ``true`` or ``false``.
* A WHOOP cycle starts when the athlete falls asleep and runs to the next
  sleep; the journal appears each morning once the night's sleep is
  processed and asks about the day before, and its answers are filed under
  the cycle that began with that night. So the answers of a cycle are about
  the local day that ended with the cycle's sleep: the day before the night
  the cycle starts (:mod:`analyzer.timebase`: the local date of the cycle
  start, or the day before when it starts before noon, the athlete having
  fallen asleep after midnight). The date is read from the local time as
  written; ``Cycle timezone`` is not needed for a calendar date.
* WHOOP's journal defaults each question to "no" until changed, so a "no" may
  be a question left as it was; a day with no row at all is *not logged*.
* Questions whose meaning matches an item of the daily log are mapped to it
  (:data:`QUESTION_ITEMS`); every other question is kept as a custom yes/no
  tag under its own text. ``Notes`` are kept in the day's notes, prefixed by
  their question.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io import logcells as cells
from analyzer.io.csvsniff import read_table
from analyzer.io.daily_log import MAX_TAG_CHARS, tag_rows
from analyzer.io.formats import FormatSpec, sha256_hex
from analyzer.io.vendors._extract import Extractor
from analyzer.schema import ImportBundle, conform
from analyzer.timebase import days_to_dates, nights_of

SOURCE = "whoop_journal"

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "ISO8601")

#: WHOOP questions (case, spaces and the question mark do not matter) -> daily-log item.
QUESTION_ITEMS = {
    "hydrated sufficiently": "hydrated",
    "have any alcoholic drinks": "alcohol",
    "have any caffeine": "caffeine",
    "feeling sick or ill": "ill",
}


def question_key(text: str) -> str:
    """A question folded for matching: case, spaces and a trailing question mark removed."""
    return " ".join(text.casefold().split()).rstrip("?").strip()


def answered_day(cycle_start_local: pd.Series) -> pd.Series:
    """The local date a cycle's answers are about: the day before the night the cycle starts.

    The night is the time base's night of the cycle start (its wake-up date,
    noon cut-off: :func:`analyzer.timebase.nights_of`), read on the local
    clock as written.
    """
    wall = pd.to_datetime(cycle_start_local).dt.tz_localize("UTC")  # the local clock, offset 0
    nights = nights_of(wall, utc_offset_s=np.zeros(len(wall)))
    dates = days_to_dates(nights - np.timedelta64(1, "D"))
    return pd.Series(list(dates), index=cycle_start_local.index, dtype="object")


def _answers(ex: Extractor) -> pd.Series:
    """``Answered yes`` as True/False/None, recording unreadable cells as problems."""
    column = ex.table.header[ex.table.find("Answered yes")]
    out = []
    for number, value in enumerate(ex.text("Answered yes"), start=1):
        found: list = []
        out.append(cells.yes_no(value, column, found))
        for col, raw, expected in found:
            ex.problems.add(number, col, raw, expected)
    return pd.Series(out, index=ex.table.cells.index, dtype="object")


def _questions(ex: Extractor) -> pd.Series:
    column = ex.table.header[ex.table.find("Question text")]
    texts = ex.text("Question text")
    for number, text in enumerate(texts, start=1):
        if text is None or len(text) > MAX_TAG_CHARS:
            ex.problems.add(number, column, text, f"a question of 1 to {MAX_TAG_CHARS} characters")
    return texts.map(lambda t: None if t is None else " ".join(str(t).split()))


def _days(rows: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """One daily-log entry per answered day; later cycles win a question answered twice."""
    entries: dict = {}
    repeated = 0
    for row in rows.sort_values("cycle_start").itertuples(index=False):
        entry = entries.setdefault(row.date, {"date": row.date, "tags": {}, "notes": []})
        item = QUESTION_ITEMS.get(question_key(row.question))
        target, key = (entry, item) if item else (entry["tags"], row.question)
        if row.answer is not None:
            repeated += key in target
            target[key] = row.answer
        if row.note:
            sep = " " if row.question.endswith("?") else ": "
            entry["notes"].append(f"{row.question}{sep}{row.note}")
    warnings = (
        [f"{repeated} answer(s) given again by a later cycle of the same day: the later kept"]
        if repeated
        else []
    )
    return list(entries.values()), warnings


def read_whoop_journal(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read ``journal_entries.csv`` into the ``daily_log`` and ``daily_tags`` tables.

    ``timezone`` is accepted for the registry's uniform signature: the day an
    answer is about comes from the local time as written.
    """
    ex = Extractor(read_table(name, data))
    ex.require("Cycle start time", "Question text", "Answered yes")
    local, _ = ex.datetimes("Cycle start time", formats=_TIME_FORMATS)
    rows = pd.DataFrame(
        {
            "cycle_start": local,
            "date": answered_day(local),
            "question": _questions(ex),
            "answer": _answers(ex),
            "note": ex.text("Notes"),
        }
    )
    warnings: list[str] = []
    rows = ex.problems.settle(rows, valid_rows_only=valid_rows_only, warnings=warnings)
    entries, repeated = _days(rows)
    log = pd.DataFrame(
        [
            {
                **{k: v for k, v in entry.items() if k not in ("tags", "notes")},
                "notes": "; ".join(entry["notes"]) or None,
            }
            for entry in entries
        ],
        columns=["date", *QUESTION_ITEMS.values(), "notes"],
    )
    log["source"] = SOURCE
    tables = {"daily_log": conform("daily_log", log), "daily_tags": tag_rows(entries, SOURCE)}
    return ImportBundle(name, sha256_hex(data), "whoop_journal_csv", tables, warnings + repeated)


FORMATS = [
    FormatSpec(
        "whoop_journal_csv",
        "WHOOP journal_entries.csv",
        "csv",
        lambda probe: probe.has_columns("Cycle start time", "Question text", "Answered yes"),
        read_whoop_journal,
    ),
]
