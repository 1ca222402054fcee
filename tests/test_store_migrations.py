"""Schema versions: a new file and every earlier version reach the current schema."""

from __future__ import annotations

import sqlite3

import pytest

from analyzer import schema
from analyzer.errors import LibraryError
from analyzer.indicators.athlete_settings import resolve_settings
from analyzer.store import Library
from analyzer.store.sqlschema import (
    CURRENT_VERSION,
    MIGRATIONS,
    add_missing_columns,
    migrate,
    schema_version,
)


def _columns(conn, table):
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _tables(conn):
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_versions_are_consecutive_from_one():
    assert [v for v, _ in MIGRATIONS] == list(range(1, CURRENT_VERSION + 1))


def test_empty_file_is_built_to_the_current_version(tmp_path):
    with Library(tmp_path / "new.sqlite") as lib:
        assert schema_version(lib.connection) == CURRENT_VERSION
        assert lib.integrity_check() == "ok"
        for table in ("athletes", "activities", "cramps", "imports", "files", "sample_streams"):
            assert table in _tables(lib.connection)
        for table in (
            "athletes",
            "activities",
            "laps",
            "sleep",
            "wellness",
            "cramps",
            "medications",
        ):
            assert set(schema.TABLES[table]) <= _columns(lib.connection, table)


def test_version_1_file_with_data_is_upgraded(tmp_path):
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == [1]
    assert "night" not in _columns(conn, "cramps")
    conn.execute(
        "INSERT INTO athletes (athlete_id, display_name, timezone) VALUES ('old', 'Old', 'UTC')"
    )
    conn.execute(
        "INSERT INTO cramps (cramp_id, athlete_id, start_utc, muscle, context) "
        "VALUES ('c1', 'old', 1767230000000000000, 'calf', 'night')"
    )
    conn.close()

    with Library(path) as lib:
        assert schema_version(lib.connection) == CURRENT_VERSION
        assert "session_duplicates" in _tables(lib.connection)
        cramps = lib.cramps("old")
        assert list(cramps["cramp_id"]) == ["c1"]
        assert cramps["night"].iloc[0] is None  # nothing linked until asked
        assert lib.relink("old") == 1
        assert lib.cramps("old")["night"].notna().all()


def test_opening_twice_applies_nothing_more(tmp_path):
    path = tmp_path / "lib.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn) == []
    rows = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [r[0] for r in rows] == list(range(1, CURRENT_VERSION + 1))
    conn.close()


def test_newer_file_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", (CURRENT_VERSION + 1,)
    )
    conn.close()
    with pytest.raises(LibraryError, match="newer"):
        Library(path)


def test_columns_added_to_the_canonical_schema_appear(tmp_path, monkeypatch):
    path = tmp_path / "lib.sqlite"
    Library(path).close()
    grown = {name: dict(cols) for name, cols in schema.TABLES.items()}
    grown["wellness"]["respiration_rate_brpm"] = "float"
    monkeypatch.setattr("analyzer.store.sqlschema.TABLES", grown)
    conn = sqlite3.connect(path, isolation_level=None)
    assert add_missing_columns(conn) == ["wellness.respiration_rate_brpm"]
    assert "respiration_rate_brpm" in _columns(conn, "wellness")
    assert add_missing_columns(conn) == []
    conn.close()


def test_not_a_library_is_a_library_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(LibraryError, match="not an athlete library: the file is not an SQLite"):
        Library(path)
    assert path.read_bytes() == b"this is not an SQLite file" * 100


def test_version_6_history_gains_the_internal_error_mark(tmp_path):
    path = tmp_path / "v6.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=6) == [1, 2, 3, 4, 5, 6]
    conn.execute("INSERT INTO athletes (athlete_id, display_name) VALUES ('old', 'Old')")
    conn.execute(
        "INSERT INTO imports (sha256, original_name, athlete_id, imported_at, status, message) "
        "VALUES ('abc', 'run.fit', 'old', 0, 'failed', 'bad CRC')"
    )
    conn.close()

    with Library(path) as lib:
        assert schema_version(lib.connection) == CURRENT_VERSION
        history = lib.imports("old")
        assert history["internal_error"].tolist() == [False]  # an old failure: the file's own
        assert history["message"].tolist() == ["bad CRC"]


def test_version_7_athletes_gain_the_time_zone_origin(tmp_path):
    path = tmp_path / "v7.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=7) == [1, 2, 3, 4, 5, 6, 7]
    assert "timezone_origin" not in _columns(conn, "athletes")
    conn.execute(
        "INSERT INTO athletes (athlete_id, display_name, timezone) "
        "VALUES ('old', 'Old', 'Europe/Berlin')"
    )
    conn.close()

    with Library(path) as lib:
        assert schema_version(lib.connection) == CURRENT_VERSION
        assert lib.athlete("old")["timezone_origin"] is None  # a zone stored before: kept as set
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            lib.connection.execute(
                "UPDATE athletes SET timezone_origin = 'guess' WHERE athlete_id = 'old'"
            )
    with Library(path) as lib:
        zone = resolve_settings(lib.athlete("old")).settings["timezone"]
    assert (zone.value, zone.source) == ("Europe/Berlin", "set by you")
