"""The SQL layout of the athlete library: every schema version and the upgrades between them.

This module is the only place the library's tables are declared. A version's
DDL never changes once released: a later version is a new entry appended to
:data:`MIGRATIONS` (with a migration test), applied to older files by
:func:`migrate`.

Storage conventions
-------------------
* ``*_utc`` and ``t_utc`` columns hold **integer nanoseconds since the Unix
  epoch, UTC** (what ``pandas`` stores internally, so reads convert without
  parsing text). ``imported_at`` follows the same rule.
* ``night`` and ``*date`` columns hold ISO ``YYYY-MM-DD`` text (local dates).
* Floats are ``REAL``; missing is ``NULL``, never zero.
* Streams (``samples`` and ``rr_intervals``) are stored column-wise in
  compressed blobs, one blob per session (``sample_streams``) or per source
  file and session (``rr_streams``); see :mod:`analyzer.store.streams`. A
  session of 1 Hz samples is one row instead of thousands, which keeps imports
  fast and the file small; reads return the canonical ``samples`` table.
* ``files`` keeps the original bytes of every imported file, addressed by
  their SHA-256, so that a better reader can re-import them later; large
  files are kept in chunks (``file_chunks``, :mod:`analyzer.store.keptfiles`).

Columns added to :data:`analyzer.schema.TABLES` later (always nullable) are
added to the SQL tables without a numbered version
(:func:`add_missing_columns`).
"""

from __future__ import annotations

import sqlite3
import time

from analyzer.errors import LibraryError
from analyzer.schema import TABLES
from analyzer.store.transactions import transaction

# Version 1: the canonical tables of the foundation (analyzer.schema at 83a4091).
SCHEMA_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value
);
INSERT INTO meta (key, value) VALUES ('content_version', 0);

CREATE TABLE athletes (
    athlete_id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    sex TEXT NOT NULL DEFAULT 'unspecified' CHECK (sex IN ('f', 'm', 'unspecified')),
    hr_rest_bpm REAL,
    hr_max_bpm REAL,
    lthr_bpm REAL,
    ftp_w REAL,
    timezone TEXT,
    sleep_need_h REAL
);

CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    encoding TEXT NOT NULL CHECK (encoding IN ('identity', 'zlib')),
    data BLOB NOT NULL
);

CREATE TABLE imports (
    import_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size_bytes INTEGER,
    format TEXT,
    athlete_id TEXT REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    imported_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('imported', 'duplicate', 'failed', 'partial')),
    message TEXT,
    counts_json TEXT
);
CREATE INDEX imports_sha256 ON imports (sha256);
CREATE INDEX imports_athlete ON imports (athlete_id);

CREATE TABLE activities (
    activity_id TEXT PRIMARY KEY,
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    source_sha256 TEXT NOT NULL,
    source_format TEXT,
    sport TEXT,
    sub_sport TEXT,
    start_utc INTEGER NOT NULL,
    duration_s REAL,
    moving_s REAL,
    distance_m REAL,
    avg_heart_rate_bpm REAL,
    max_heart_rate_bpm REAL,
    avg_power_w REAL,
    avg_speed_mps REAL,
    avg_cadence_rpm REAL,
    avg_temperature_c REAL,
    total_ascent_m REAL,
    energy_kcal REAL,
    utc_offset_s REAL,
    device TEXT,
    rpe REAL,
    n_samples INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activities_athlete_start ON activities (athlete_id, start_utc);
CREATE INDEX activities_source ON activities (source_sha256);

CREATE TABLE sample_streams (
    activity_id TEXT PRIMARY KEY REFERENCES activities (activity_id) ON DELETE CASCADE,
    n_rows INTEGER NOT NULL,
    columns TEXT NOT NULL,
    payload BLOB NOT NULL
);

CREATE TABLE laps (
    activity_id TEXT NOT NULL REFERENCES activities (activity_id) ON DELETE CASCADE,
    lap_index INTEGER NOT NULL,
    start_utc INTEGER,
    duration_s REAL,
    moving_s REAL,
    distance_m REAL,
    avg_heart_rate_bpm REAL,
    max_heart_rate_bpm REAL,
    avg_power_w REAL,
    avg_speed_mps REAL,
    PRIMARY KEY (activity_id, lap_index)
);

CREATE TABLE rr_streams (
    stream_id INTEGER PRIMARY KEY,
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    activity_id TEXT REFERENCES activities (activity_id) ON DELETE CASCADE,
    source_sha256 TEXT NOT NULL,
    t_first_utc INTEGER,
    t_last_utc INTEGER,
    n_rows INTEGER NOT NULL,
    columns TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX rr_streams_athlete ON rr_streams (athlete_id, t_first_utc);
CREATE INDEX rr_streams_activity ON rr_streams (activity_id);

CREATE TABLE sleep (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    night TEXT NOT NULL,
    start_utc INTEGER,
    end_utc INTEGER,
    asleep_min REAL,
    in_bed_min REAL,
    deep_min REAL,
    light_min REAL,
    rem_min REAL,
    awake_min REAL,
    awakenings REAL,
    efficiency_pct REAL,
    score REAL,
    source TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, night, source)
);

CREATE TABLE sleep_stages (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    night TEXT,
    start_utc INTEGER NOT NULL,
    end_utc INTEGER,
    stage TEXT,
    source TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, start_utc, source)
);

CREATE TABLE wellness (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    resting_hr_bpm REAL,
    hrv_rmssd_ms REAL,
    stress_avg REAL,
    steps REAL,
    active_min REAL,
    avg_heart_rate_bpm REAL,
    max_heart_rate_bpm REAL,
    source TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, date, source)
);

CREATE TABLE cramps (
    cramp_id TEXT PRIMARY KEY,
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    start_utc INTEGER NOT NULL,
    muscle TEXT,
    side TEXT,
    severity_0_10 REAL,
    duration_s REAL,
    context TEXT,
    activity_id TEXT REFERENCES activities (activity_id) ON DELETE SET NULL,
    relief TEXT,
    notes TEXT,
    source_sha256 TEXT
);
CREATE INDEX cramps_athlete_start ON cramps (athlete_id, start_utc);

CREATE TABLE medications (
    medication_id INTEGER PRIMARY KEY,
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT,
    start_date TEXT,
    end_date TEXT,
    notes TEXT,
    source_sha256 TEXT,
    UNIQUE (athlete_id, name, start_date)
);
"""

# Version 2: nocturnal cramps carry their night; sessions dropped by the
# same-session rule are recorded so that the user can see what was merged.
SCHEMA_V2 = """
ALTER TABLE cramps ADD COLUMN night TEXT;

CREATE TABLE session_duplicates (
    dropped_activity_id TEXT PRIMARY KEY,
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    dropped_source_sha256 TEXT NOT NULL,
    kept_activity_id TEXT NOT NULL REFERENCES activities (activity_id) ON DELETE CASCADE,
    start_utc INTEGER,
    rule TEXT NOT NULL
);
CREATE INDEX session_duplicates_athlete ON session_duplicates (athlete_id);
"""

# Version 3: the raw samples of Garmin daily files, kept once per athlete, kind and time;
# nights and days are assembled from them (analyzer.store.nights).
SCHEMA_V3 = """
CREATE TABLE daily_samples (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    t_utc INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value REAL,
    source TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, t_utc, kind, source)
) WITHOUT ROWID;
"""

# Version 4: originals of large files kept in compressed chunks (analyzer.store.keptfiles).
SCHEMA_V4 = """
CREATE TABLE file_chunks (
    sha256 TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, chunk_index)
);
"""

# Version 5: spans of Garmin daily samples whose nights and days still have to be
# assembled (analyzer.store.nights). An import records one row per file and
# assembles them all at its end; rows left by a killed import are completed by
# the next import (opening a library never writes to it).
SCHEMA_V5 = """
CREATE TABLE pending_assembly (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    first_utc INTEGER NOT NULL,
    last_utc INTEGER NOT NULL,
    nights INTEGER NOT NULL CHECK (nights IN (0, 1)),
    days INTEGER NOT NULL CHECK (days IN (0, 1))
);
CREATE INDEX pending_assembly_athlete ON pending_assembly (athlete_id);
"""

# Version 6: the daily log (hydration, electrolytes, alcohol, caffeine, ...) and
# its custom yes/no tags (analyzer.store.journal).
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

# Version 7: a failed import caused by a bug in cramp-analyzer rather than by the file
# (an unexpected exception while reading or storing it) is marked as such.
SCHEMA_V7 = """
ALTER TABLE imports ADD COLUMN internal_error INTEGER NOT NULL DEFAULT 0
    CHECK (internal_error IN (0, 1));
"""

# Version 8: whether an athlete's time zone is a default filled in at creation (this
# computer's or the browser's zone, or UTC) rather than one the user chose. Athletes stored
# before keep NULL (chosen): which of their zones were defaults cannot be told afterwards.
SCHEMA_V8 = """
ALTER TABLE athletes ADD COLUMN timezone_origin TEXT
    CHECK (timezone_origin IN ('computer', 'browser', 'fallback'));
"""

# SQL type of each canonical column kind (analyzer.schema.TABLES).
SQL_TYPES = {
    "str": "TEXT",
    "float": "REAL",
    "int": "INTEGER",
    "utc": "INTEGER",
    "date": "TEXT",
    "bool": "INTEGER",
}

# Canonical tables stored row by row under the same name.
ROW_TABLES = (
    "athletes",
    "activities",
    "laps",
    "sleep",
    "sleep_stages",
    "wellness",
    "cramps",
    "medications",
    "imports",
    "daily_log",
    "daily_tags",
)


# (version, DDL script). Append new versions; never edit a released one.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, SCHEMA_V1),
    (2, SCHEMA_V2),
    (3, SCHEMA_V3),
    (4, SCHEMA_V4),
    (5, SCHEMA_V5),
    (6, SCHEMA_V6),
    (7, SCHEMA_V7),
    (8, SCHEMA_V8),
)
CURRENT_VERSION = MIGRATIONS[-1][0]


def split_statements(script: str) -> list[str]:
    """Split a DDL script into complete SQL statements."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:80]!r}")
    return statements


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The tables of the database behind ``conn``."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the schema version of the open library file (0 for an empty file)."""
    if "schema_version" not in table_names(conn):
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def check_version(conn: sqlite3.Connection) -> int:
    """Return the file's schema version; raise if a newer release wrote it.

    Raises
    ------
    LibraryError
        If the file was written by a newer release than this code.
    """
    found = schema_version(conn)
    if found > CURRENT_VERSION:
        raise LibraryError(
            f"the library has schema version {found}, newer than this cramp-analyzer "
            f"understands ({CURRENT_VERSION}); upgrade cramp-analyzer to open it"
        )
    return found


def migrate(conn: sqlite3.Connection, target: int = CURRENT_VERSION) -> list[int]:
    """Upgrade the library behind ``conn`` to schema version ``target``.

    Each version is applied in its own ``BEGIN IMMEDIATE`` transaction, so a
    crash leaves the file at the previous version, and two processes opening a
    new file at once apply each version exactly once.

    Parameters
    ----------
    conn : sqlite3.Connection
        An autocommit connection (``isolation_level=None``).
    target : int
        Version to reach; defaults to the newest this code knows.

    Returns
    -------
    list of int
        The versions applied (empty when the file was already current).

    Raises
    ------
    LibraryError
        If the file was written by a newer release than this code.
    """
    check_version(conn)
    applied = []
    for version, script in MIGRATIONS:
        if version > target:
            break
        if version <= schema_version(conn):
            continue
        with transaction(conn, versioned=False):
            if version <= schema_version(conn):  # another process got there first
                continue
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
            )
            for statement in split_statements(script):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, time.time_ns()),
            )
        applied.append(version)
    if target == CURRENT_VERSION:
        add_missing_columns(conn)
    return applied


def missing_columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Columns of :data:`analyzer.schema.TABLES` the file's tables lack, by table."""
    missing = {}
    for table in ROW_TABLES:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        absent = [col for col in TABLES[table] if col not in present]
        if absent:
            missing[table] = absent
    return missing


def needs_upgrade(conn: sqlite3.Connection) -> bool:
    """Whether :func:`migrate` would change the file (an older version or missing columns)."""
    return check_version(conn) < CURRENT_VERSION or bool(missing_columns(conn))


def add_missing_columns(conn: sqlite3.Connection) -> list[str]:
    """Add to the SQL tables any column :data:`analyzer.schema.TABLES` gained since.

    The canonical schema only ever grows by new, nullable columns, so adding
    them is always safe and needs no numbered migration. Returns the
    ``table.column`` names added.
    """
    added = []
    for table in missing_columns(conn):
        with transaction(conn, versioned=False):
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for col in TABLES[table]:
                if col not in present:
                    kind = SQL_TYPES[TABLES[table][col]]
                    conn.execute(f'ALTER TABLE {table} ADD COLUMN "{col}" {kind}')
                    added.append(f"{table}.{col}")
    return added
