"""One file into the library: read it, then write its rows, its bytes and its history row at once.

The import job (:mod:`analyzer.store.importing.job`) decides when files are
read and committed; the functions here do one file's part:

* :func:`owners` - who already imported these exact bytes (the duplicate check);
* :func:`read_file` - the library's reader on a file's bytes, or on a large
  file's stream, giving the bundle as the library stores it;
* :func:`write_bundle` - every row of a bundle, the file's original bytes and
  its ``imports`` row, inside the caller's transaction, so that the file is
  wholly in the library or not at all;
* :func:`record_failure` - the history row of a file that could not be imported.
"""

from __future__ import annotations

import json
import sqlite3
import time

from analyzer.schema import ImportBundle
from analyzer.store.importing.results import ImportResult
from analyzer.store.keptfiles import is_bytes, size_of
from analyzer.store.linking import relink_cramps
from analyzer.store.nights import GarminAssembly
from analyzer.store.writer import BundleWriter, keep_file

#: Tables whose new rows can change which session or night a cramp belongs to.
_LINKED_TABLES = ("activities", "cramps", "sleep")
#: Tables of entries an athlete logs by hand (the cramp and medication logs).
LOGGED_TABLES = frozenset({"cramps", "medications"})


def default_reader(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read any supported file with :func:`analyzer.io.registry.read_bytes`."""
    from analyzer.io import registry

    return registry.read_bytes(name, data, timezone=timezone, valid_rows_only=valid_rows_only)


def owners(conn: sqlite3.Connection, sha256: str) -> set[str]:
    """The athletes who imported these bytes (``imported`` or ``partial``)."""
    rows = conn.execute(
        "SELECT DISTINCT athlete_id FROM imports WHERE sha256 = ? "
        "AND status IN ('imported', 'partial')",
        (sha256,),
    ).fetchall()
    return {row[0] for row in rows}


def is_personal_log(bundle: ImportBundle) -> bool:
    """Whether a file holds only hand-logged entries (:data:`LOGGED_TABLES`), not a recording.

    The same log may belong to several athletes (two athletes who started the
    same drug the same day); a device's recording belongs to one.
    """
    filled = {name for name, frame in bundle.tables.items() if frame is not None and len(frame)}
    return bool(filled) and filled <= LOGGED_TABLES


def may_import(athlete_id: str, holders: set[str], bundle: ImportBundle) -> bool:
    """Whether a file others may already hold is imported for ``athlete_id``.

    Not when ``athlete_id`` holds it already (a duplicate); when another
    athlete holds it, only if it is a personal log (:func:`is_personal_log`).
    """
    return athlete_id not in holders and (not holders or is_personal_log(bundle))


def read_file(
    reader, name: str, data, *, timezone: str | None, valid_rows_only: bool
) -> ImportBundle:
    """Read a file's bytes, or a large file's stream, into the bundle the library stores.

    With the default reader a large file goes to
    :func:`analyzer.io.registry.read_stream` (an Apple Health export is parsed
    as it streams); a custom reader takes bytes, so the stream is read whole.
    The bundle is then shaped for the library (:meth:`GarminAssembly.prepare`).
    """
    if is_bytes(data):
        bundle = reader(name, data, timezone=timezone, valid_rows_only=valid_rows_only)
    else:
        with data.open() as stream:
            if reader is default_reader:
                from analyzer.io.registry import read_stream

                bundle = read_stream(
                    name, stream, timezone=timezone, valid_rows_only=valid_rows_only
                )
            else:
                bundle = reader(
                    name, stream.read(), timezone=timezone, valid_rows_only=valid_rows_only
                )
    return GarminAssembly.prepare(bundle)


def write_bundle(lib, conn, athlete_id: str, name: str, data, bundle: ImportBundle) -> ImportResult:
    """Write a read bundle, its kept bytes and its history row (inside the caller's transaction).

    The Garmin daily samples are stored and their span recorded
    (:meth:`GarminAssembly.record`); their nights and days are assembled
    when the import ends. Cramps are re-linked when sessions, nights or
    cramps arrived.
    """
    timezone = lib.athlete(athlete_id)["timezone"]
    writer = BundleWriter(conn, athlete_id, bundle, timezone)
    writer.write()
    GarminAssembly.record(conn, athlete_id, bundle, writer.counts)
    keep_file(conn, bundle.source_sha256, data)
    if any(writer.counts.get(t) for t in _LINKED_TABLES):
        relink_cramps(conn, athlete_id, timezone=timezone, window_s=lib.link_window_s)
    status = "partial" if bundle.warnings else "imported"
    message = "; ".join(list(bundle.warnings) + writer.notes)
    if not any(writer.counts.values()) and not writer.notes:
        message = "; ".join(filter(None, [message, "the file holds no data the analyzer uses"]))
    counts = {k: v for k, v in writer.counts.items() if v}
    insert_history(
        conn, athlete_id, name, data, bundle.source_sha256, bundle.format, status, message, counts
    )
    return ImportResult(name, status, message, counts, bundle.source_sha256, bundle.format)


def insert_history(
    conn, athlete_id, name, data, sha256, fmt, status, message, counts, *, internal=False
) -> None:
    """Add a file's row to the import history (``imports``), inside the caller's transaction.

    ``internal`` marks a failure caused by a bug in cramp-analyzer, not by the file.
    """
    conn.execute(
        "INSERT INTO imports (sha256, original_name, size_bytes, format, athlete_id, imported_at, "
        "status, message, counts_json, internal_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sha256,
            name,
            None if data is None else size_of(data),
            fmt,
            athlete_id,
            time.time_ns(),
            status,
            message,
            json.dumps(counts),
            int(internal),
        ),
    )


def record_failure(
    lib, athlete_id, name, data, sha256, message, fmt="", *, internal=False
) -> ImportResult:
    """Record a failed attempt (a history row, nothing else) and return its result."""
    with lib.write() as conn:
        insert_history(
            conn,
            athlete_id,
            name,
            data,
            sha256,
            fmt or None,
            "failed",
            message,
            {},
            internal=internal,
        )
    return ImportResult(name, "failed", message, {}, sha256, fmt)
