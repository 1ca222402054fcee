"""The daily log in the library: writes and reads (its SQL tables: :mod:`.sqlschema`, version 6).

One row per athlete, local date and source in ``daily_log`` (the daily-log
CSV and the dashboard's form are source ``daily_log``, a WHOOP journal
``whoop_journal``, a device's hydration log its own name), one row per
athlete, date, tag and source in ``daily_tags``. Yes/no items are stored as
1/0 and NULL for *not logged*, never 0 for a missing answer.

A newer file's answers win for the days and items it holds; an item it leaves
empty keeps the answer already stored (the rule of the other day tables, see
:mod:`analyzer.store.writer`), so importing a corrected daily log never erases
an answer it does not repeat.
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from analyzer.store.codec import query_frame

#: The journal's tables and the key of each (a newer row with the same key updates it).
JOURNAL_KEYS = {
    "daily_log": ["athlete_id", "date", "source"],
    "daily_tags": ["athlete_id", "date", "tag", "source"],
}


def daily_log(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """The daily-log rows of one athlete (one per date and source), by date."""
    return query_frame(conn, "daily_log", "athlete_id = ?", [athlete_id], "date, source")


def daily_tags(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """The custom yes/no answers of one athlete, by date and tag."""
    return query_frame(conn, "daily_tags", "athlete_id = ?", [athlete_id], "date, tag, source")
