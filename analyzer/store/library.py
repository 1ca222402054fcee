"""The athlete library: one SQLite file holding any number of athletes.

>>> lib = Library("team.sqlite")                                # doctest: +SKIP
>>> lib.create_athlete("anna", "Anna K.", timezone="Europe/Berlin")  # doctest: +SKIP
>>> lib.import_paths("anna", ["~/Downloads/garmin_export.zip"])  # doctest: +SKIP
>>> lib.sleep("anna")                                           # doctest: +SKIP

The file uses SQLite's write-ahead log (readers never block the writer),
foreign keys (deleting an athlete cascades to every row), ``synchronous=FULL``
(a committed import survives a power cut) and a busy timeout, so a second
process waits for the write lock instead of failing. Opening a library never
writes to it (:mod:`analyzer.store.libfile`); ``read_only=True`` opens it
read-only. Every write is one transaction (:meth:`Library.write`) and bumps
:meth:`Library.content_version`, except inside a :meth:`Library.write_group`
(a bulk import): there each write is a savepoint of one shared transaction,
rolled back alone on an error and committed with the group. A write inside
another write of the same thread is a savepoint of it.

A damaged file, a full disk or a read-only file is reported as a
:class:`~analyzer.errors.LibraryError` in plain words, never as an SQLite
exception.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analyzer.errors import LibraryError
from analyzer.store import journal, reads
from analyzer.store.importing import onefile
from analyzer.store.importing.job import ImportJob, Progress
from analyzer.store.importing.results import ImportResult
from analyzer.store.libfile import check_sound, library_problem, open_connection
from analyzer.store.linking import DEFAULT_LINK_WINDOW_S, relink_cramps
from analyzer.store.nights import GarminAssembly
from analyzer.store.roster import RosterMixin
from analyzer.store.transactions import WriteGroup, savepoint, transaction

BUSY_TIMEOUT_S = 120.0


class Library(RosterMixin):
    """An athlete library file.

    Parameters
    ----------
    path : str or Path
        The SQLite file; created (with its folder) when missing, unless ``read_only``.
    reader : callable, optional
        ``reader(name, data, *, timezone, valid_rows_only) -> ImportBundle``; defaults to
        :func:`analyzer.io.registry.read_bytes`.
    busy_timeout_s : float
        How long a writer waits for another process's transaction [s].
    read_only : bool, default False
        Open for reading only: a missing file is an error, writes are refused.

    Raises
    ------
    LibraryError
        If the file is not an athlete library, is damaged, was written by a
        newer release, or cannot be created (:func:`analyzer.store.libfile.open_connection`).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        reader=None,
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path).expanduser()
        self.reader = reader or onefile.default_reader
        self._lock = threading.RLock()
        self._group: WriteGroup | None = None
        self._group_thread: int | None = None
        self._writer_thread: int | None = None
        self._found_sound = False
        self.connection, self.writable = open_connection(
            self.path, read_only=read_only, busy_timeout_s=busy_timeout_s
        )
        self._read_only_reason = (
            "it was opened for reading" if read_only else "the file or its folder is read-only"
        )

    # -- connection -----------------------------------------------------------------

    def close(self) -> None:
        """Close the file."""
        self.connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Report a damaged file, a full disk or a locked library as a :class:`LibraryError`."""
        try:
            yield
        except (sqlite3.Error, zlib.error, OSError) as exc:
            problem = library_problem(self.path, exc)
            if problem is None:
                raise
            raise problem from exc

    def _check_writable(self) -> None:
        if not self.writable:
            raise LibraryError(
                f"{self.path}: the library cannot be written: {self._read_only_reason}"
            )

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE ... COMMIT``), rolled back on any error.

        Inside :meth:`write_group`, or inside another write, of this thread
        the write is a savepoint instead: rolled back alone on an error,
        committed with the enclosing transaction.
        """
        self._check_writable()
        me = threading.get_ident()
        if self._group is not None and self._group_thread == me:
            with self.guard(), self._group.write() as conn:
                yield conn
            return
        if self._writer_thread == me:
            with savepoint(self.connection) as conn:
                yield conn
            return
        with self._lock:
            self._writer_thread = me
            try:
                with self.guard(), transaction(self.connection) as conn:
                    yield conn
            finally:
                self._writer_thread = None

    @contextmanager
    def write_group(self, max_items: int = 200, max_s: float = 1.0) -> Iterator[WriteGroup]:
        """Commit the writes of this thread in groups (group commit); see :class:`WriteGroup`.

        On leaving the block, also on an error, the writes completed so far
        are committed (each is whole: a failed one was rolled back to its
        savepoint). A nested call joins the open group.
        """
        self._check_writable()
        me = threading.get_ident()
        if self._group is not None and self._group_thread == me:
            yield self._group
            return
        group = WriteGroup(self.connection, max_items, max_s, lock=self._lock)
        self._group, self._group_thread = group, me
        try:
            yield group
        finally:
            try:
                with self.guard():
                    group.commit()
            finally:
                self._group, self._group_thread = None, None

    def _read(self, query, *args):
        """Run a read function of :mod:`reads` on the connection (one thread at a time)."""
        with self._lock, self.guard():
            return query(self.connection, *args)

    def content_version(self) -> int:
        """A number that changes whenever any process writes to the library (a cache key)."""
        row = self._read(_fetch_one, "SELECT value FROM meta WHERE key = 'content_version'")
        return int(row[0])

    def integrity_check(self) -> str:
        """Return SQLite's ``PRAGMA integrity_check`` verdict (``"ok"`` when sound)."""
        return self._read(_fetch_one, "PRAGMA integrity_check")[0]

    def check_sound(self) -> None:
        """Raise :class:`~analyzer.errors.LibraryDamagedError` unless a quick check passes.

        Checked once per opening (``PRAGMA quick_check`` reads the whole file:
        about 0.3 s for a 44 MiB library), which is what guards against a
        file damaged while it was closed.
        """
        if self._found_sound:
            return
        with self._lock:
            check_sound(self.connection, self.path)
        self._found_sound = True

    # -- settings -------------------------------------------------------------------

    @property
    def link_window_s(self) -> float:
        """How long after a session a cramp is still linked to it [s] (default 3600)."""
        row = self._read(_fetch_one, "SELECT value FROM meta WHERE key = 'link_window_s'")
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

    def import_job(self, athlete_id: str, *, valid_rows_only: bool = False) -> ImportJob:
        """A new :class:`~analyzer.store.importing.job.ImportJob` for one athlete of the library."""
        return ImportJob(self, athlete_id, valid_rows_only=valid_rows_only)

    def import_file(
        self, athlete_id: str, name: str, data: bytes, *, valid_rows_only: bool = False
    ) -> ImportResult:
        """Import one file's bytes (never opened as an archive); return its result."""
        job = self.import_job(athlete_id, valid_rows_only=valid_rows_only)
        return job.add_bytes(name, data, open_archive=False).run().results[0]

    def import_paths(
        self,
        athlete_id: str,
        paths: Iterable[str | Path],
        progress: Progress | None = None,
        *,
        valid_rows_only: bool = False,
    ) -> list[ImportResult]:
        """Import files, folders and ZIP archives; see :class:`ImportJob`."""
        job = self.import_job(athlete_id, valid_rows_only=valid_rows_only)
        return job.add_paths(paths).run(progress).results

    def complete_pending_assembly(self) -> list[str]:
        """Assemble the Garmin nights and days an interrupted import left; return the athletes."""
        return GarminAssembly.finish(self)

    def reimport(self, sha256: str, athlete_id: str | None = None) -> ImportResult:
        """Read a kept file again with the current reader; see :mod:`analyzer.store.reimport`."""
        from analyzer.store.reimport import reimport

        return reimport(self, sha256, athlete_id)

    def reimport_athlete(
        self, athlete_id: str, progress: Progress | None = None
    ) -> list[ImportResult]:
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

    def date_span(self, athlete_id: str) -> tuple:
        """First and last local date with data of the athlete; see :func:`reads.data_span`."""
        return self._read(reads.data_span, athlete_id, self.athlete(athlete_id)["timezone"])


def _fetch_one(conn: sqlite3.Connection, sql: str):
    return conn.execute(sql).fetchone()
