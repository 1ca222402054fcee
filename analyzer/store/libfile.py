"""Opening a library file: create it, recognise it, upgrade it, and say plainly what is wrong.

Opening never changes a library that is already current: the write-ahead log
mode, the schema and the Garmin assembly left pending by an interrupted
import are set up or completed only when a library is created, upgraded or
written to. What :func:`open_connection` does with what it finds:

===========================================  ==================================================
found at the path                            opening
===========================================  ==================================================
nothing (or an empty file)                   a new library is created, unless opened to read
an athlete library of this version           opened as it is
an athlete library of an older version       upgraded in place (:mod:`analyzer.store.sqlschema`)
an athlete library of a newer version        refused: upgrade cramp-analyzer
an SQLite database of another program        refused, and left exactly as it was
anything else, or a damaged library          refused: "the library is damaged; restore a backup"
===========================================  ==================================================

A file the process may not write (a read-only file or folder) is opened
read-only: it can be read, and a write says why it cannot be done.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
import zlib
from pathlib import Path

from analyzer.errors import DiskFullError, LibraryDamagedError, LibraryError
from analyzer.store.sqlschema import migrate, needs_upgrade, table_names

#: The first 16 bytes of every SQLite 3 database file (SQLite file format, section 1.3.1).
SQLITE_HEADER = b"SQLite format 3\x00"
#: Tables whose presence marks an athlete library (any release).
LIBRARY_TABLES = frozenset({"schema_version", "meta", "athletes"})

# Primary SQLite result codes (https://www.sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def library_problem(path: Path, exc: BaseException) -> LibraryError | None:
    """The library-level problem behind an exception raised while using the file, if it is one.

    Returns a :class:`LibraryError` in plain words for a damaged file, a full
    disk, a read-only file, a lock held too long or an I/O error; ``None``
    for anything else (a problem of one file being imported, or a bug).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    text = str(exc)
    if isinstance(exc, zlib.error) or primary in (_CORRUPT, _NOTADB) or "malformed" in text:
        return LibraryDamagedError(
            f"{path}: the library is damaged ({text}); restore a backup of it"
        )
    full = primary == _FULL or "database or disk is full" in text
    if full or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
        return DiskFullError(f"{path}: the disk is full")
    if primary == _READONLY:
        return LibraryError(f"{path}: the library cannot be written (read-only file or folder)")
    if primary in (_BUSY, _LOCKED):
        return LibraryError(f"{path}: another program has held the library locked too long")
    if primary in (_IOERR, _CANTOPEN):
        return LibraryError(f"{path}: the library cannot be read or written ({text})")
    return None


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read the library ({exc.strerror})") from exc


def _may_write(path: Path) -> bool:
    """Whether this process may write the library file and create its journal files beside it."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _create_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(
            f"{path}: cannot create the library's folder {path.parent} ({exc.strerror})"
        ) from exc
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise LibraryError(
            f"{path}: cannot create a library there: the folder {path.parent} is not writable"
        )


def _read_only_mode(path: Path) -> str:
    """The URI parameters to read a library this process may not write.

    SQLite reads a WAL-mode file through its shared-memory file (``-shm``),
    which it must be able to create when it is missing. In a folder this
    process may not write, a library closed cleanly (no write-ahead log left
    beside it) is read as an immutable file instead; one with a log left
    cannot be read correctly there.
    """
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    if folder_writable or Path(f"{path}-shm").exists():
        return "mode=ro"
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        raise LibraryError(
            f"{path}: the library cannot be read: its folder is read-only and it was not closed "
            f"cleanly ({wal.name} is left beside it); open it once where it can be written"
        )
    return "mode=ro&immutable=1"


def _connect(path: Path, *, writable: bool, busy_timeout_s: float) -> sqlite3.Connection:
    mode = "mode=rwc" if writable else _read_only_mode(path)
    uri = f"{path.absolute().as_uri()}?{mode}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    except sqlite3.Error as exc:
        raise LibraryError(f"{path}: cannot open the library ({exc})") from exc
    return conn


def use_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Put the file in WAL mode, waiting up to ``timeout_s`` for other processes.

    Switching the journal mode needs the file to itself and SQLite does not
    wait for it (the busy timeout does not apply), so two processes opening
    a new library at once would see ``database is locked``. Once a file is in
    WAL mode it stays so, and later opens find it there without switching.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _set_up(conn: sqlite3.Connection, busy_timeout_s: float) -> None:
    """Create or upgrade the library behind a writable connection."""
    use_wal(conn, busy_timeout_s)
    migrate(conn)


def _upgrade_elsewhere(path: Path, busy_timeout_s: float) -> None:
    """Upgrade an older library through a connection of its own (the caller only reads)."""
    conn = _connect(path, writable=True, busy_timeout_s=busy_timeout_s)
    try:
        _set_up(conn, busy_timeout_s)
    finally:
        conn.close()


def open_connection(
    path: Path, *, read_only: bool, busy_timeout_s: float
) -> tuple[sqlite3.Connection, bool]:
    """Open (or create) the library at ``path``; return the connection and whether it may write.

    Parameters
    ----------
    path : Path
    read_only : bool
        The caller only reads: a missing library is an error instead of being
        created, and the connection is opened read-only.
    busy_timeout_s : float
        How long to wait for another process's write lock [s].

    Raises
    ------
    LibraryError
        For every case the module docstring lists as refused.
    """
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder, not a library file")
    exists = path.exists()
    if not exists and read_only:
        raise LibraryError(f"{path}: no library here yet (create one with `cramp-analyzer import`)")
    if not exists:
        _create_folder(path)
    elif path.stat().st_size and _header(path) != SQLITE_HEADER:
        raise LibraryError(
            f"{path}: not an athlete library: the file is not an SQLite database "
            "(if it was a library, it is damaged: restore a backup of it)"
        )
    writable = _may_write(path) and not read_only
    conn = _connect(path, writable=writable, busy_timeout_s=busy_timeout_s)
    try:
        _recognise(conn, path, writable=writable, busy_timeout_s=busy_timeout_s)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn, writable


def _recognise(conn: sqlite3.Connection, path: Path, *, writable: bool, busy_timeout_s: float):
    """Check what the file holds; create or upgrade it when that is what opening means."""
    try:
        tables = table_names(conn)
        if not tables:
            if not writable:
                raise LibraryError(f"{path}: an empty file, not an athlete library yet")
            _set_up(conn, busy_timeout_s)
            return
        if not LIBRARY_TABLES <= tables:
            raise LibraryError(
                f"{path}: an SQLite database of another program, not an athlete library; "
                "it was left as it is"
            )
        if not needs_upgrade(conn):
            return
        if writable:
            _set_up(conn, busy_timeout_s)
        elif _may_write(path):
            _upgrade_elsewhere(path, busy_timeout_s)
        else:
            raise LibraryError(
                f"{path}: the library was written by an older cramp-analyzer and needs an "
                "upgrade, but the file cannot be written; make it writable once"
            )
    except sqlite3.Error as exc:
        problem = library_problem(path, exc)
        raise (problem or LibraryError(f"{path}: cannot open the library ({exc})")) from exc


def check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """Raise unless SQLite's ``PRAGMA quick_check`` finds the file sound.

    Run before an import writes: a damaged file is never written into.

    Raises
    ------
    LibraryDamagedError
    """
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as exc:
        problem = library_problem(path, exc)
        raise (problem or LibraryDamagedError(f"{path}: {exc}")) from exc
    verdict = "; ".join(str(r[0]) for r in rows[:3])
    if verdict != "ok":
        raise LibraryDamagedError(
            f"{path}: the library is damaged ({verdict}); nothing was imported; "
            "restore a backup of it"
        )
