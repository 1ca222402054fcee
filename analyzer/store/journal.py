"""The daily log in the library: its SQL tables, writes and reads.

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

# Version 6: the daily log (hydration, electrolytes, alcohol, caffeine, ...) and
# its custom yes/no tags.
SCHEMA_V6 = """
CREATE TABLE daily_log (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    hydrated INTEGER CHECK (hydrated IN (0, 1)),
    fluid_l REAL CHECK (fluid_l >= 0),
    electrolytes INTEGER CHECK (electrolytes IN (0, 1)),
    alcohol INTEGER CHECK (alcohol IN (0, 1)),
    alcohol_drinks REAL CHECK (alcohol_drinks >= 0),
    caffeine INTEGER CHECK (caffeine IN (0, 1)),
    caffeine_mg REAL CHECK (caffeine_mg >= 0),
    stretching_min REAL CHECK (stretching_min >= 0),
    massage INTEGER CHECK (massage IN (0, 1)),
    ill INTEGER CHECK (ill IN (0, 1)),
    sweat_loss_l REAL CHECK (sweat_loss_l >= 0),
    notes TEXT,
    source TEXT NOT NULL,
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, date, source)
);

CREATE TABLE daily_tags (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    tag TEXT NOT NULL,
    answer INTEGER NOT NULL CHECK (answer IN (0, 1)),
    source TEXT NOT NULL,
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, date, tag, source)
);
"""

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
