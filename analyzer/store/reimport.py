"""Re-reading kept files with the current readers.

The library keeps every imported file's original bytes so that, when a
reader improves (a new FIT message decoded, a vendor column understood), the
files can be read again without asking the athlete for them.
:func:`reimport` replaces, in one transaction, everything a file contributed
with what the current reader makes of it; when the reader now fails, nothing
changes and the failure is recorded.

What a file contributed: its sessions (with their streams and laps), its RR
blobs, and the sleep, stage, wellness, cramp and medication rows it was the
last to write. Hand-logged cramps and medications are never touched. A
session of another file that had been merged into one of this file's
sessions (see :mod:`analyzer.store.sessions`) is not restored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from analyzer.errors import ImportFileError, LibraryError
from analyzer.store.importing.onefile import read_file, record_failure, write_bundle
from analyzer.store.importing.results import ImportResult
from analyzer.store.keptfiles import kept_source
from analyzer.store.nights import GarminAssembly

_ROWS_BY_SOURCE = ("sleep", "sleep_stages", "wellness", "cramps", "medications")


def forget_file(conn: sqlite3.Connection, athlete_id: str, sha256: str) -> None:
    """Delete what a file contributed to one athlete, and its successful history rows.

    Runs inside the caller's transaction. The same log may be imported for
    several athletes: the others' rows stay.
    """
    key = (athlete_id, sha256)
    conn.execute(
        "DELETE FROM session_duplicates WHERE athlete_id = ? AND dropped_source_sha256 = ?", key
    )
    for table in ("activities", "rr_streams", *_ROWS_BY_SOURCE):
        conn.execute(f"DELETE FROM {table} WHERE athlete_id = ? AND source_sha256 = ?", key)
    conn.execute(
        "DELETE FROM imports WHERE athlete_id = ? AND sha256 = ? "
        "AND status IN ('imported', 'partial')",
        key,
    )


def reimport(
    lib, sha256: str, athlete_id: str | None = None, *, valid_rows_only: bool = False
) -> ImportResult:
    """Read the kept file ``sha256`` again and replace what it contributed.

    A large kept file (:mod:`analyzer.store.keptfiles`) is read as a stream
    from its chunks, never whole. The Garmin nights and days it touches are
    assembled again afterwards.

    Parameters
    ----------
    athlete_id : str, optional
        Whose import of the file (a log may be imported for several athletes);
        by default the latest one's.

    Returns the new :class:`ImportResult` (its message starts with
    ``re-imported``), or a ``failed`` one if the current reader refuses the
    file, in which case the earlier import stays as it was.
    """
    result = reimport_one(lib, sha256, athlete_id, valid_rows_only=valid_rows_only)
    GarminAssembly.finish(lib)
    return result


def reimport_one(
    lib, sha256: str, athlete_id: str | None = None, *, valid_rows_only: bool = False
) -> ImportResult:
    """:func:`reimport` without the final assembly of Garmin nights and days (the caller's)."""
    who = "" if athlete_id is None else " AND athlete_id = ?"
    row = lib.connection.execute(
        "SELECT athlete_id, original_name FROM imports WHERE sha256 = ? "
        f"AND status IN ('imported', 'partial'){who} ORDER BY import_id DESC LIMIT 1",
        (sha256,) if athlete_id is None else (sha256, athlete_id),
    ).fetchone()
    if row is None:
        raise LibraryError(f"no imported file with SHA-256 {sha256} in {lib.path}")
    athlete_id, name = row
    data = kept_source(lib.connection, sha256)  # a large file stays a stream
    timezone = lib.athlete(athlete_id)["timezone"]
    try:
        bundle = read_file(
            lib.reader, name, data, timezone=timezone, valid_rows_only=valid_rows_only
        )
        bundle.source_sha256 = sha256
    except (ImportFileError, ValueError, TypeError, KeyError, IndexError) as exc:
        message = f"re-import failed, the earlier import stays: {exc}"
        return record_failure(lib, athlete_id, name, data, sha256, message)
    try:
        with lib.write() as conn:
            forget_file(conn, athlete_id, sha256)
            result = write_bundle(lib, conn, athlete_id, name, data, bundle)
    except (ValueError, TypeError, sqlite3.IntegrityError) as exc:
        message = f"re-import failed, the earlier import stays: could not be stored ({exc})"
        return record_failure(lib, athlete_id, name, data, sha256, message, bundle.format)
    message = "; ".join(filter(None, ["re-imported", result.message]))
    return ImportResult(result.name, result.status, message, result.counts, sha256, result.format)


def reimport_athlete(
    lib, athlete_id: str, progress: Callable[[int, int, ImportResult], None] | None = None
) -> list[ImportResult]:
    """Re-import every kept file of one athlete, oldest first."""
    lib.athlete(athlete_id)
    shas = [
        r[0]
        for r in lib.connection.execute(
            "SELECT sha256 FROM imports WHERE athlete_id = ? AND status IN ('imported', 'partial') "
            "GROUP BY sha256 ORDER BY MIN(import_id)",
            (athlete_id,),
        ).fetchall()
    ]
    results = []
    for done, sha256 in enumerate(shas, start=1):
        results.append(reimport_one(lib, sha256, athlete_id))
        if progress is not None:
            progress(done, len(shas), results[-1])
    GarminAssembly.finish(lib)
    return results
