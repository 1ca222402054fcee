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
    """Delete the rows a file contributed and its successful history rows (caller's transaction)."""
    conn.execute("DELETE FROM session_duplicates WHERE dropped_source_sha256 = ?", (sha256,))
    conn.execute("DELETE FROM activities WHERE source_sha256 = ?", (sha256,))
    conn.execute("DELETE FROM rr_streams WHERE source_sha256 = ?", (sha256,))
    for table in _ROWS_BY_SOURCE:
        conn.execute(
            f"DELETE FROM {table} WHERE athlete_id = ? AND source_sha256 = ?", (athlete_id, sha256)
        )
    conn.execute(
        "DELETE FROM imports WHERE sha256 = ? AND status IN ('imported', 'partial')", (sha256,)
    )


def reimport(lib, sha256: str, *, valid_rows_only: bool = False) -> ImportResult:
    """Read the kept file ``sha256`` again and replace what it contributed.

    A large kept file (:mod:`analyzer.store.keptfiles`) is read as a stream
    from its chunks, never whole. The Garmin nights and days it touches are
    assembled again afterwards.

    Returns the new :class:`ImportResult` (its message starts with
    ``re-imported``), or a ``failed`` one if the current reader refuses the
    file, in which case the earlier import stays as it was.
    """
    result = _reimport(lib, sha256, valid_rows_only=valid_rows_only)
    GarminAssembly.finish(lib)
    return result


def _reimport(lib, sha256: str, *, valid_rows_only: bool = False) -> ImportResult:
    row = lib.connection.execute(
        "SELECT athlete_id, original_name FROM imports WHERE sha256 = ? "
        "AND status IN ('imported', 'partial') ORDER BY import_id DESC LIMIT 1",
        (sha256,),
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
        results.append(_reimport(lib, sha256))
        if progress is not None:
            progress(done, len(shas), results[-1])
    GarminAssembly.finish(lib)
    return results
