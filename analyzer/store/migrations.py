"""Schema versions of the library file and the upgrades between them.

A library file records the versions applied to it in ``schema_version``.
Opening a file applies, in order and each in its own transaction, every
migration newer than the file, so that a file written by any earlier release
is upgraded to :data:`CURRENT_VERSION`; an empty file is built the same way,
starting from version 0. A file newer than this code is refused rather than
misread. Opening also completes the Garmin nights and days that an import
killed mid-way left pending (:func:`analyzer.store.nights.assemble_all_pending`).
"""

from __future__ import annotations

import sqlite3
import time

from analyzer.errors import LibraryError
from analyzer.schema import TABLES
from analyzer.store.journal import SCHEMA_V6
from analyzer.store.keptfiles import SCHEMA_V4
from analyzer.store.nights import SCHEMA_V3, assemble_all_pending
from analyzer.store.sqlschema import ROW_TABLES, SCHEMA_V1, SCHEMA_V2, SCHEMA_V5, SQL_TYPES

# (version, DDL script). Append new versions; never edit a released one.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, SCHEMA_V1),
    (2, SCHEMA_V2),
    (3, SCHEMA_V3),  # raw samples of Garmin daily files (analyzer.store.nights)
    (4, SCHEMA_V4),  # chunked originals of large files (analyzer.store.keptfiles)
    (5, SCHEMA_V5),  # Garmin nights/days still to assemble (analyzer.store.nights)
    (6, SCHEMA_V6),  # the daily log and its tags (analyzer.store.journal)
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


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the schema version of the open library file (0 for an empty file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


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
    found = schema_version(conn)
    if found > CURRENT_VERSION:
        raise LibraryError(
            f"the library has schema version {found}, newer than this cramp-analyzer "
            f"understands ({CURRENT_VERSION}); upgrade cramp-analyzer to open it"
        )
    applied = []
    for version, script in MIGRATIONS:
        if version > target:
            break
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version <= schema_version(conn):  # another process got there first
                conn.execute("ROLLBACK")
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
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    if target == CURRENT_VERSION:
        add_missing_columns(conn)
        assemble_all_pending(conn)  # nights/days an interrupted bulk import left unassembled
    return applied


def add_missing_columns(conn: sqlite3.Connection) -> list[str]:
    """Add to the SQL tables any column :data:`analyzer.schema.TABLES` gained since.

    The canonical schema only ever grows by new, nullable columns, so adding
    them is always safe and needs no numbered migration. Returns the
    ``table.column`` names added.
    """
    added = []
    for table in ROW_TABLES:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        missing = [col for col in TABLES[table] if col not in present]
        if not missing:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for col in missing:
                if col not in present:
                    kind = SQL_TYPES[TABLES[table][col]]
                    conn.execute(f'ALTER TABLE {table} ADD COLUMN "{col}" {kind}')
                    added.append(f"{table}.{col}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return added
