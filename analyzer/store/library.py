"""The athlete library: one SQLite file holding any number of athletes.

>>> lib = Library("team.sqlite")                                # doctest: +SKIP
>>> lib.create_athlete("anna", "Anna K.", timezone="Europe/Berlin")  # doctest: +SKIP
>>> lib.import_paths("anna", ["~/Downloads/garmin_export.zip"])  # doctest: +SKIP
>>> lib.sleep("anna")                                           # doctest: +SKIP

The file uses SQLite's write-ahead log (readers never block the writer),
foreign keys (deleting an athlete cascades to every row), ``synchronous=FULL``
(a committed import survives a power cut) and a busy timeout, so a second
process waits for the write lock instead of failing. Every write is one
``BEGIN IMMEDIATE`` transaction and bumps :meth:`Library.content_version`,
except inside a :meth:`Library.write_group` (a bulk import): there each write
is a ``SAVEPOINT`` of one shared transaction, rolled back alone on an error and
committed with the group (group commit: one disk sync per group, not per write).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analyzer.errors import LibraryError
from analyzer.store import importer, journal, reads
from analyzer.store.linking import DEFAULT_LINK_WINDOW_S, relink_cramps
from analyzer.store.migrations import migrate
from analyzer.store.roster import RosterMixin

BUSY_TIMEOUT_S = 120.0


class Library(RosterMixin):
    """An athlete library file.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created (with its folder) when missing.
    reader : callable, optional
        ``reader(name, data, *, timezone, valid_rows_only) -> ImportBundle``; defaults to
        :func:`analyzer.io.registry.read_bytes`.
    busy_timeout_s : float
        How long a writer waits for another process's transaction [s].
    """

    def __init__(
        self,
        path: str | Path,
        *,
        reader: importer.Reader | None = None,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
    ) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.reader = reader or importer.default_reader
        self._lock = threading.RLock()
        self._group: WriteGroup | None = None
        try:
            self.connection = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            self.connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            _use_wal(self.connection, busy_timeout_s)
            self.connection.execute("PRAGMA synchronous = FULL")
            self.connection.execute("PRAGMA foreign_keys = ON")
            migrate(self.connection)
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"{self.path}: cannot open as an athlete library ({exc})") from exc

    # -- connection -----------------------------------------------------------------

    def close(self) -> None:
        """Close the file."""
        self.connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE ... COMMIT``), rolled back on any error.

        Inside :meth:`write_group` (in the thread that opened it) the write is a
        savepoint of the group's transaction instead: rolled back alone on an
        error, committed when the group commits.
        """
        group = self._group
        if group is not None and group.owner == threading.get_ident():
            with group.savepoint() as conn:
                yield conn
            return
        with self._lock:
            conn = self.connection
            conn.execute("BEGIN IMMEDIATE")
            before = conn.total_changes
            try:
                yield conn
                if conn.total_changes != before:
                    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'content_version'")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def write_group(self, max_items: int = 200, max_s: float = 1.0) -> Iterator[WriteGroup]:
        """Commit the writes of this thread in groups (group commit); see :class:`WriteGroup`.

        On leaving the block, also on an error, the writes completed so far
        are committed (each is whole: a failed one was rolled back to its
        savepoint). A nested call joins the open group.
        """
        if self._group is not None and self._group.owner == threading.get_ident():
            yield self._group
            return
        group = WriteGroup(self, max_items, max_s)
        self._group = group
        try:
            yield group
        finally:
            try:
                group.commit()
            finally:
                self._group = None

    def _read(self, query, *args):
        """Run a read function of :mod:`reads` on the connection (one thread at a time)."""
        with self._lock:
            return query(self.connection, *args)

    def content_version(self) -> int:
        """A number that changes whenever any process writes to the library (a cache key)."""
        row = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'content_version'"
        ).fetchone()
        return int(row[0])

    def integrity_check(self) -> str:
        """Return SQLite's ``PRAGMA integrity_check`` verdict (``"ok"`` when sound)."""
        return self.connection.execute("PRAGMA integrity_check").fetchone()[0]

    # -- settings -------------------------------------------------------------------

    @property
    def link_window_s(self) -> float:
        """How long after a session a cramp is still linked to it [s] (default 3600)."""
        row = self.connection.execute(
            "SELECT value FROM meta WHERE key = 'link_window_s'"
        ).fetchone()
        return DEFAULT_LINK_WINDOW_S if row is None else float(row[0])

    def set_link_window(self, window_s: float) -> None:
        """Set the cramp-to-session window [s] and re-link every athlete's cramps."""
        if not 0 <= float(window_s) <= 24 * 3600:
            raise LibraryError(f"link window {window_s} s must be between 0 and 86400 s")
        with self.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('link_window_s', ?)",
                (float(window_s),),
            )
            for athlete_id, timezone in conn.execute(
                "SELECT athlete_id, timezone FROM athletes"
            ).fetchall():
                relink_cramps(conn, athlete_id, timezone=timezone, window_s=float(window_s))

    # -- import ---------------------------------------------------------------------

    def import_file(
        self, athlete_id: str, name: str, data: bytes, *, valid_rows_only: bool = False
    ) -> importer.ImportResult:
        """Import one file's bytes; see :func:`importer.import_file`."""
        return importer.import_file(self, athlete_id, name, data, valid_rows_only=valid_rows_only)

    def import_paths(
        self,
        athlete_id: str,
        paths: Iterable[str | Path],
        progress: importer.Progress | None = None,
        *,
        valid_rows_only: bool = False,
    ) -> list[importer.ImportResult]:
        """Import files, folders and ZIP archives; see :func:`importer.import_paths`."""
        return importer.import_paths(
            self, athlete_id, paths, progress, valid_rows_only=valid_rows_only
        )

    def reimport(self, sha256: str) -> importer.ImportResult:
        """Read a kept file again with the current reader; see :mod:`analyzer.store.reimport`."""
        from analyzer.store.reimport import reimport

        return reimport(self, sha256)

    def reimport_athlete(
        self, athlete_id: str, progress: importer.Progress | None = None
    ) -> list[importer.ImportResult]:
        """Re-import every kept file of one athlete with the current readers."""
        from analyzer.store.reimport import reimport_athlete

        return reimport_athlete(self, athlete_id, progress)

    def kept_file(self, sha256: str) -> bytes:
        """Return the original bytes of an imported file."""
        from analyzer.store.export import kept_bytes

        return self._read(kept_bytes, sha256)

    # -- reads ----------------------------------------------------------------------

    def activities(self, athlete_id: str, start=None, end=None) -> pd.DataFrame:
        """Sessions of one athlete starting in ``[start, end)``; see :func:`reads.activities`."""
        return self._read(reads.activities, athlete_id, start, end)

    def samples(self, activity_id: str) -> pd.DataFrame:
        """The stream of one session (canonical ``samples`` table)."""
        return self._read(reads.samples, activity_id)

    def samples_for_athlete(self, athlete_id: str, start=None, end=None) -> pd.DataFrame:
        """All streams of one athlete in one frame; see :func:`reads.samples_for_athlete`."""
        return self._read(reads.samples_for_athlete, athlete_id, start, end)

    def laps(self, activity_id: str) -> pd.DataFrame:
        """Laps of one session."""
        return self._read(reads.laps, activity_id)

    def rr_intervals(self, athlete_id: str, activity_id=None, start=None, end=None) -> pd.DataFrame:
        """Beat intervals of one athlete; see :func:`reads.rr_intervals`."""
        return self._read(reads.rr_intervals, athlete_id, activity_id, start, end)

    def sleep(self, athlete_id: str) -> pd.DataFrame:
        """Nights of one athlete."""
        return self._read(reads.sleep, athlete_id)

    def sleep_stages(self, athlete_id: str, night=None) -> pd.DataFrame:
        """Sleep stage intervals of one athlete."""
        return self._read(reads.sleep_stages, athlete_id, night)

    def wellness(self, athlete_id: str) -> pd.DataFrame:
        """Daily wellness of one athlete."""
        return self._read(reads.wellness, athlete_id)

    def cramps(self, athlete_id: str) -> pd.DataFrame:
        """Cramps of one athlete with their linked session and night."""
        return self._read(reads.cramps, athlete_id)

    def medications(self, athlete_id: str) -> pd.DataFrame:
        """Medication courses of one athlete."""
        return self._read(reads.medications, athlete_id)

    def daily_log(self, athlete_id: str) -> pd.DataFrame:
        """The daily log of one athlete, one row per date and source."""
        return self._read(journal.daily_log, athlete_id)

    def daily_tags(self, athlete_id: str) -> pd.DataFrame:
        """The custom yes/no answers of one athlete's daily log."""
        return self._read(journal.daily_tags, athlete_id)

    def imports(self, athlete_id: str | None = None) -> pd.DataFrame:
        """Import history, of one athlete or of the whole library."""
        return self._read(reads.imports, athlete_id)

    def session_duplicates(self, athlete_id: str) -> pd.DataFrame:
        """Sessions dropped by the same-session rule, with the session kept instead."""
        return self._read(reads.session_duplicates, athlete_id)

    def roster(self) -> pd.DataFrame:
        """Counts and date span per athlete; see :func:`reads.roster`."""
        return self._read(reads.roster)


class WriteGroup:
    """Writes of one thread committed together: one ``BEGIN IMMEDIATE`` transaction per group.

    Made by :meth:`Library.write_group`. Each :meth:`Library.write` inside is a
    ``SAVEPOINT``: an error rolls back that write alone, the earlier ones stay.
    The transaction is begun at the first write and committed by
    :meth:`commit`, by :meth:`item_done` once the group holds ``max_items``
    items or has been open ``max_s`` seconds, and when the group is left. The
    write lock (and the library's thread lock) is held only while the
    transaction is open.

    A process killed inside a group loses the group's uncommitted writes
    (atomicity of each write holds; durability is per group).
    """

    def __init__(self, lib: Library, max_items: int, max_s: float) -> None:
        self._lib = lib
        self.owner = threading.get_ident()
        self.max_items = max(1, int(max_items))
        self.max_s = float(max_s)
        self._open = False
        self._items = 0
        self._started = 0.0
        self._changes_before = 0
        #: Transactions committed so far.
        self.commits = 0

    @property
    def is_open(self) -> bool:
        """True while the group's transaction holds uncommitted writes."""
        return self._open

    @contextmanager
    def savepoint(self) -> Iterator[sqlite3.Connection]:
        """One write of the group, rolled back to its savepoint on any error."""
        conn = self._lib.connection
        if not self._open:
            self._begin()
        conn.execute("SAVEPOINT group_write")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO group_write")
                conn.execute("RELEASE group_write")
            else:  # SQLite rolled the whole transaction back (e.g. disk full)
                self._close()
            raise
        conn.execute("RELEASE group_write")

    def item_done(self) -> None:
        """Count one finished item (a file); commit if the group is full or old enough."""
        self._items += 1
        if self._open and (
            self._items >= self.max_items or time.monotonic() - self._started >= self.max_s
        ):
            self.commit()

    def commit(self) -> None:
        """Commit the writes so far (if any) and release the write lock."""
        if not self._open:
            self._items = 0
            return
        conn = self._lib.connection
        try:
            if conn.total_changes != self._changes_before:
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'content_version'")
            conn.execute("COMMIT")
            self.commits += 1
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._close()

    def _begin(self) -> None:
        self._lib._lock.acquire()
        try:
            self._lib.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lib._lock.release()
            raise
        self._open = True
        self._items = 0
        self._started = time.monotonic()
        self._changes_before = self._lib.connection.total_changes

    def _close(self) -> None:
        self._open = False
        self._items = 0
        self._lib._lock.release()


def _use_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
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
