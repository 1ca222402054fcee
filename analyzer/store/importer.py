"""Importing files into the library: each file wholly in or not at all.

:func:`import_file` reads a file with a reader (by default
:func:`analyzer.io.registry.read_bytes`) *before* taking the write lock, then
writes all its rows, its original bytes and its ``imports`` row in one
``BEGIN IMMEDIATE`` transaction. A process killed at any point leaves the
file wholly in the library or not at all. A file whose bytes are already in
the library for the same athlete is reported as ``duplicate`` and changes
nothing.

:func:`import_paths` does the same for many files, but when the files are
read ahead by worker processes (:mod:`analyzer.store.readahead`) it commits
them in groups (:meth:`analyzer.store.library.Library.write_group`: up to
:data:`GROUP_FILES` files or :data:`GROUP_S` seconds per transaction, each
file inside its own savepoint), which saves a disk sync per file. A file
whose write fails is rolled back alone and gets its ``failed`` history row;
a process killed mid-group loses that group's files (each wholly: they are
simply not imported yet), never part of a file. Files the main process reads
itself (inline batches, archives, large files) are committed one by one, so
the write lock is never held while the main process reads a file.

Files over :data:`analyzer.store.keptfiles.LARGE_FILE_BYTES` (and large
members of a ZIP) are never read into memory whole: :func:`import_paths`
hands them to :func:`~analyzer.store.largeimport.import_large_path`, which
hashes them as a stream, reads them with
:func:`analyzer.io.registry.read_stream` and keeps them in chunks.

Statuses
--------
imported
    Every row the reader produced is stored.
partial
    Stored, but the reader reported problems it worked around (skipped rows,
    a bad CRC, a truncated end); the message lists them.
duplicate
    The same bytes were imported before; nothing changed.
failed
    Nothing was stored but an ``imports`` row saying why.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import ImportFileError, LibraryError
from analyzer.printable import printable
from analyzer.schema import ImportBundle
from analyzer.store.keptfiles import is_bytes, sha256_of, size_of
from analyzer.store.largeimport import import_large_path, is_large_path

Reader = Callable[..., ImportBundle]
Progress = Callable[[int, int, "ImportResult"], None]

#: Most files committed in one transaction by a bulk import read ahead by workers.
GROUP_FILES = 200
#: Longest a bulk import's transaction stays open before it is committed [s].
GROUP_S = 1.0
#: SHA-256 recorded for a member that failed before any of its bytes could be read.
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class ImportResult:
    """Outcome of importing one file.

    Attributes
    ----------
    name : str
        The file's name as given (archive members as ``archive.zip/member``).
    status : str
        ``imported``, ``partial``, ``duplicate`` or ``failed``.
    message : str
        Why it failed, what was worked around, or which sessions were merged.
    counts : dict of str to int
        Rows written per canonical table.
    sha256 : str
        SHA-256 of the file's bytes.
    format : str
        Detected format (empty when the file could not be read).
    """

    name: str
    status: str
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    format: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file failed."""
        return self.status != "failed"

    def summary(self) -> str:
        """One line for a terminal: status, name, non-zero counts, message."""
        counts = " ".join(f"{k}={v}" for k, v in self.counts.items() if v)
        parts = [f"{self.status:<9}", self.name]
        if counts:
            parts.append(counts)
        if self.message:
            parts.append(f"- {self.message}")
        return printable(" ".join(parts))  # names and messages from files: one safe line


def default_reader(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read any supported file with :func:`analyzer.io.registry.read_bytes`."""
    from analyzer.io import registry

    return registry.read_bytes(name, data, timezone=timezone, valid_rows_only=valid_rows_only)


def import_file(
    lib, athlete_id: str, name: str, data, *, valid_rows_only: bool = False
) -> ImportResult:
    """Import one file for ``athlete_id`` into the library ``lib``.

    See the module docstring for the statuses. Raises :class:`LibraryError`
    only if the athlete does not exist; problems of the file itself become a
    ``failed`` result.

    Parameters
    ----------
    data : bytes or source
        The file's bytes, or for a large file a source of
        :mod:`analyzer.store.keptfiles` (a :class:`~analyzer.store.keptfiles.PathSource`,
        an :class:`~analyzer.io.archive.ArchiveMember`): it is then hashed and
        read as a stream and kept in chunks, never held in memory whole.
    valid_rows_only : bool, default False
        ``False``: a file with any invalid value is refused whole. ``True``:
        its valid rows are imported and the skipped ones reported (status
        ``partial``).
    """
    sha256 = sha256_of(data)  # a large member breaking an archive cap raises here, before anything
    athlete = lib.athlete(athlete_id)
    previous = previous_owner(lib.connection, sha256)
    if previous is not None:
        return _already_there(lib, athlete_id, name, data, sha256, previous)
    try:
        bundle = read_data(
            lib, name, data, timezone=athlete["timezone"], valid_rows_only=valid_rows_only
        )
        bundle.source_sha256 = sha256
    except ImportFileError as exc:
        return record_failure(lib, athlete_id, name, data, sha256, str(exc))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        message = f"{name}: the reader stopped on unexpected content ({type(exc).__name__}: {exc})"
        return record_failure(lib, athlete_id, name, data, sha256, message)
    try:
        with lib.write() as conn:
            previous = previous_owner(conn, sha256)
            if previous is None:
                return write_bundle(lib, conn, athlete_id, name, data, bundle)
    except (
        ValueError,
        TypeError,
        sqlite3.IntegrityError,
        sqlite3.DataError,
        OSError,
        ImportFileError,
    ) as exc:  # OSError/ImportFileError: a large source re-read to be kept
        message = f"{name}: could not be stored ({type(exc).__name__}: {exc})"
        return record_failure(lib, athlete_id, name, data, sha256, message, bundle.format)
    return _already_there(lib, athlete_id, name, data, sha256, previous)


def read_data(lib, name: str, data, *, timezone: str | None, valid_rows_only: bool) -> ImportBundle:
    """Run the library's reader on a file's bytes or on a large file's stream.

    With the default reader a large file goes to
    :func:`analyzer.io.registry.read_stream` (an Apple Health export is parsed
    as it streams); a custom reader takes bytes, so the stream is read whole.
    """
    if is_bytes(data):
        return lib.reader(name, data, timezone=timezone, valid_rows_only=valid_rows_only)
    with data.open() as stream:
        if lib.reader is default_reader:
            from analyzer.io.registry import read_stream

            return read_stream(name, stream, timezone=timezone, valid_rows_only=valid_rows_only)
        return lib.reader(name, stream.read(), timezone=timezone, valid_rows_only=valid_rows_only)


def previous_owner(conn: sqlite3.Connection, sha256: str) -> str | None:
    """The athlete who already imported these bytes (``imported`` or ``partial``), or None."""
    row = conn.execute(
        "SELECT athlete_id FROM imports WHERE sha256 = ? AND status IN ('imported', 'partial') "
        "LIMIT 1",
        (sha256,),
    ).fetchone()
    return None if row is None else row[0]


def _already_there(lib, athlete_id, name, data, sha256, owner) -> ImportResult:
    if owner == athlete_id:
        return ImportResult(name, "duplicate", "already in the library", {}, sha256)
    message = (
        f"{name}: these exact bytes are already imported for athlete {owner!r}; "
        "delete them there first if they belong to this athlete"
    )
    return record_failure(lib, athlete_id, name, data, sha256, message)


def write_bundle(lib, conn, athlete_id, name, data, bundle: ImportBundle) -> ImportResult:
    """Write a read bundle, its kept bytes and its history row (inside the caller's transaction)."""
    from analyzer.store.linking import relink_cramps
    from analyzer.store.nights import assemble_after_write, library_bundle
    from analyzer.store.writer import BundleWriter, keep_file

    timezone = lib.athlete(athlete_id)["timezone"]
    bundle = library_bundle(bundle)  # a FIT file's one-file nights/days: assembled below instead
    writer = BundleWriter(conn, athlete_id, bundle, timezone)
    writer.write()
    nights = assemble_after_write(conn, athlete_id, bundle, timezone, writer.counts)  # Garmin
    keep_file(conn, bundle.source_sha256, data)
    if nights or any(writer.counts.get(t) for t in ("activities", "cramps", "sleep")):
        relink_cramps(conn, athlete_id, timezone=timezone, window_s=lib.link_window_s)
    status = "partial" if bundle.warnings else "imported"
    message = "; ".join(list(bundle.warnings) + writer.notes)
    if not any(writer.counts.values()) and not writer.notes:
        message = "; ".join(filter(None, [message, "the file holds no data the analyzer uses"]))
    counts = {k: v for k, v in writer.counts.items() if v}
    _insert_import(
        conn, athlete_id, name, data, bundle.source_sha256, bundle.format, status, message, counts
    )
    return ImportResult(name, status, message, counts, bundle.source_sha256, bundle.format)


def _insert_import(conn, athlete_id, name, data, sha256, fmt, status, message, counts) -> None:
    conn.execute(
        "INSERT INTO imports (sha256, original_name, size_bytes, format, athlete_id, imported_at, "
        "status, message, counts_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sha256,
            name,
            size_of(data),
            fmt,
            athlete_id,
            time.time_ns(),
            status,
            message,
            json.dumps(counts),
        ),
    )


def record_failure(lib, athlete_id, name, data, sha256, message, fmt="") -> ImportResult:
    """Record a failed attempt (a history row, nothing else) and return its result."""
    with lib.write() as conn:
        _insert_import(conn, athlete_id, name, data, sha256, fmt or None, "failed", message, {})
    return ImportResult(name, "failed", message, {}, sha256, fmt)


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield each file under ``paths``; folders are walked recursively, in sorted order.

    Hidden files and folders (names starting with ``.``) are skipped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in relative.parts):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise LibraryError(f"{path}: no such file or folder")


def expand_archive(name: str, data: bytes) -> Iterator[tuple[str, bytes | ImportFileError]]:
    """Yield ``(name, bytes)`` of a file, or of each member if it is a ZIP archive.

    Members are named ``<archive name>/<member path>``; a member that cannot
    be opened (encrypted, nested too deep...) comes with its error instead of
    its bytes, and the members after it follow.

    Members (also of ZIPs inside the ZIP) are read with
    :func:`analyzer.io.archive.iter_archive`, which guards against path
    traversal and archives that expand to absurd sizes; it raises
    :class:`~analyzer.errors.ImportFileError` for a damaged archive after the
    members it could read.
    """
    from analyzer.io.archive import is_archive, iter_archive

    if is_archive(name, data):
        for member, content in iter_archive(name, data):
            yield f"{name}/{member}", content
    else:
        yield name, data


def import_paths(
    lib,
    athlete_id: str,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    *,
    valid_rows_only: bool = False,
) -> list[ImportResult]:
    """Import files, folders (walked recursively) and ZIP archives for one athlete.

    Parameters
    ----------
    progress : callable, optional
        Called after each file as ``progress(done, total, result)``; ``total``
        counts the files found so far (it grows as archives are opened).
    valid_rows_only : bool, default False
        See :func:`import_file`.

    Each file is wholly in or out. Large batches of plain files are read
    ahead in worker processes (:func:`analyzer.store.readahead.read_ahead`)
    and then committed in groups (module docstring); otherwise each file is
    one transaction. Results, statuses and progress calls are the same either
    way, in the same order; a progress call may come before its file's group
    is committed. The nights and days of Garmin daily files are assembled
    once for the whole batch, in one more transaction at the end
    (:func:`analyzer.store.nights.deferred_assembly`).
    """
    from analyzer.store.nights import deferred_assembly
    from analyzer.store.readahead import read_ahead

    sources = list(iter_sources(paths))
    batch = read_ahead(lib, athlete_id, sources, valid_rows_only)
    with deferred_assembly(lib, athlete_id), batch as reading:
        grouped = reading is not lib
        with lib.write_group(GROUP_FILES if grouped else 1, GROUP_S) as group:
            if grouped:  # a file a worker could not read is read here: commit the group first
                reading.reader.before_inline_read = group.commit
            return _import_sources(
                lib, athlete_id, sources, progress, valid_rows_only, reading, group
            )


def _import_sources(
    lib, athlete_id, sources, progress, valid_rows_only, reading, group
) -> list[ImportResult]:
    """The body of :func:`import_paths`: each source in order, one result per file.

    ``reading`` is ``lib`` or the same library reading plain files ahead;
    ``group`` is the :class:`~analyzer.store.library.WriteGroup` the writes go to.
    """
    results: list[ImportResult] = []
    total = len(sources)

    def report(result: ImportResult, *, read_here: bool = True) -> None:
        if read_here:  # read by this process: committed alone, no lock held while reading the next
            group.commit()
        else:
            group.item_done()
        results.append(result)
        if progress is not None:
            progress(len(results), total, result)

    from analyzer.store.readahead import ReadAhead

    read_ahead_has = reading.reader.has if isinstance(reading.reader, ReadAhead) else None
    for path in sources:
        if is_large_path(path):  # streamed from disk, never read whole (issue 5)
            group.commit()
            for i, result in enumerate(
                import_large_path(lib, athlete_id, path, valid_rows_only=valid_rows_only)
            ):
                total += 1 if i else 0
                report(result)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:  # vanished or unreadable since the folder was listed
            report(
                ImportResult(str(path), "failed", f"{path}: cannot be read ({exc.strerror})"),
                read_here=False,
            )
            continue
        ahead = read_ahead_has is not None and read_ahead_has(str(path))
        if not ahead:
            group.commit()
        try:
            for i, (name, content) in enumerate(expand_archive(str(path), data)):
                total += 1 if i else 0
                if isinstance(content, ImportFileError):  # one member that cannot be opened
                    report(record_failure(lib, athlete_id, name, b"", EMPTY_SHA256, str(content)))
                    continue
                result = import_file(
                    reading, athlete_id, name, content, valid_rows_only=valid_rows_only
                )
                report(result, read_here=not ahead)
        except ImportFileError as exc:  # a damaged archive: its readable members are in
            sha256 = hashlib.sha256(data).hexdigest()
            total += 1
            report(record_failure(lib, athlete_id, str(path), data, sha256, str(exc), "zip"))
    return results
