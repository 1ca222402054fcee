"""SQL layout of the athlete library, frozen per schema version.

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
  their SHA-256, so that a better reader can re-import them later.

The DDL of a released version never changes: a later version is a new entry
in :data:`analyzer.store.migrations.MIGRATIONS`. Columns added to
:data:`analyzer.schema.TABLES` later are added to the SQL tables
automatically (see :func:`analyzer.store.migrations.add_missing_columns`).
"""

from __future__ import annotations

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

# Version 5: spans of Garmin daily samples whose nights and days still have to be
# assembled (analyzer.store.nights). A bulk import records one row per file and
# assembles them all at the end; rows left by a killed import are completed on
# the next opening of the library or the next import.
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
