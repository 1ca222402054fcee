"""Reading the files of a large import in worker processes while the library writes.

Reading a file (:func:`analyzer.io.registry.read_bytes`) is pure: bytes in,
:class:`~analyzer.schema.ImportBundle` out. For a batch of many small files
(a year of Garmin daily files is ~15,000) :func:`read_ahead` reads them in a
:class:`concurrent.futures.ProcessPoolExecutor` a few files ahead of the
writer, while the main process stores the files in input order (in groups
of files per transaction, :mod:`analyzer.store.importer`), with the same
results, statuses and progress callbacks as reading inline. Only the library's default reader is used in workers (a
custom reader may not be importable there), only for plain files (archives
and large files are read by the main process as before), and only for batches
of at least :data:`MIN_FILES` files.

Workers are forked (they start at once, with everything imported, and never
re-run the caller's ``__main__``), so this is done only from a process that
runs a single thread: forking a threaded process (a Streamlit server) is
unsafe, and there the files are read inline. A forked worker leaves the
inherited SQLite connection alone (it only reads bytes and exits with
``os._exit``), and ends when the importing process is gone (killed). A file
whose worker fails for any reason is read again in the main process, which
reports its error as usual.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from analyzer.store.importer import previous_owner

#: Smallest batch (plain files) read in worker processes.
MIN_FILES = 200
#: Worker processes (the machines this runs on have 2 cores or more).
WORKERS = 2
#: Files submitted ahead of the one being written, per worker.
AHEAD_PER_WORKER = 8
#: Files larger than this are left to the main process (few, and not worth shipping to a worker).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: How often a worker checks that the importing process still runs [s].
PARENT_CHECK_S = 1.0


def exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when the importing process is gone (killed).

    A forked worker holds both ends of the pool's pipes, so it would never
    see the parent vanish; a daemon thread checks the parent's id instead.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="readahead-parent-watch", daemon=True).start()


def read_in_worker(
    name: str, data: bytes, timezone: str | None, valid_rows_only: bool
) -> bytes | None:
    """Read one file with the default reader, as the library stores it; None if anything fails.

    Returns the bundle pickled: the main process unpickles it in its own
    thread when it writes the file, instead of the pool's result thread
    doing it meanwhile and contending with the writer for the GIL.
    """
    from analyzer.store.importer import default_reader
    from analyzer.store.nights import library_bundle

    try:
        bundle = default_reader(name, data, timezone=timezone, valid_rows_only=valid_rows_only)
        return pickle.dumps(library_bundle(bundle), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - read again in the main process, which reports it properly
        return None


class ReadAhead:
    """A reader (same call as :attr:`Library.reader`) that takes bundles read ahead by workers.

    Parameters
    ----------
    lib : Library
    athlete_id : str
    paths : list of Path
        The plain files of the batch, in the order the writer will ask for them.
    valid_rows_only : bool
    executor : ProcessPoolExecutor
    """

    def __init__(
        self,
        lib,
        athlete_id: str,
        paths: list[Path],
        valid_rows_only: bool,
        executor: ProcessPoolExecutor,
    ) -> None:
        self._lib = lib
        self._fallback = lib.reader
        self._timezone = lib.athlete(athlete_id)["timezone"]
        self._valid_rows_only = valid_rows_only
        self._executor = executor
        self._paths = paths
        self._index = {str(path): i for i, path in enumerate(paths)}
        self._next = 0
        self._ahead = AHEAD_PER_WORKER * WORKERS
        self._pending: dict[int, tuple[bytes, Future]] = {}
        #: Files whose bundle came from a worker (the others were read inline).
        self.read_by_workers = 0
        #: Called before a file is read in this process after all (its worker failed): the
        #: importer commits its open group there, so no write lock is held while reading.
        self.before_inline_read: Callable[[], None] | None = None

    def _submit_through(self, last: int) -> None:
        """Submit the files up to index ``last`` (those not submitted yet)."""
        while self._next <= min(last, len(self._paths) - 1):
            i, path = self._next, self._paths[self._next]
            self._next += 1
            try:
                data = path.read_bytes()
            except OSError:
                continue  # the writer reports it when it reads the file itself
            sha256 = hashlib.sha256(data).hexdigest()
            if previous_owner(self._lib.connection, sha256) is not None:
                continue  # a duplicate is never read
            try:
                future = self._executor.submit(
                    read_in_worker, str(path), data, self._timezone, self._valid_rows_only
                )
            except RuntimeError:  # a broken pool (BrokenProcessPool): the rest is read inline
                self._next = len(self._paths)
                return
            self._pending[i] = (data, future)

    def has(self, name: str) -> bool:
        """Whether the file ``name`` is among those read ahead (submitted or yet to be)."""
        i = self._index.get(name)
        return i is not None and (i >= self._next or i in self._pending)

    def start(self) -> None:
        """Submit the first files."""
        self._submit_through(self._ahead - 1)

    def _take(self, name: str) -> tuple[bytes, Future] | None:
        """The entry of ``name``; entries before it (files the writer did not read) are dropped."""
        i = self._index.get(name)
        if i is None:
            return None
        for j in [j for j in self._pending if j < i]:
            self._pending.pop(j)[1].cancel()
        entry = self._pending.pop(i, None)
        self._submit_through(i + self._ahead)
        return entry

    def __call__(
        self, name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
    ):
        """Return the bundle a worker read for these bytes, else read them here."""
        entry = self._take(name)
        same_options = timezone == self._timezone and valid_rows_only == self._valid_rows_only
        if entry is not None and same_options:
            submitted, future = entry
            try:
                pickled = future.result()
                bundle = None if pickled is None else pickle.loads(pickled)
            except Exception:  # noqa: BLE001 - a broken worker: read here instead
                bundle = None
            if bundle is not None and submitted == data:  # the bytes the worker read
                self.read_by_workers += 1
                return bundle
        if self.before_inline_read is not None:
            self.before_inline_read()
        return self._fallback(name, data, timezone=timezone, valid_rows_only=valid_rows_only)


class _ReadingLibrary:
    """The library as the import sees it, with :class:`ReadAhead` as its reader."""

    def __init__(self, lib, reader: ReadAhead) -> None:
        self._lib = lib
        self.reader = reader

    def __getattr__(self, name: str):
        return getattr(self._lib, name)


@contextmanager
def read_ahead(
    lib, athlete_id: str, sources: list[Path], valid_rows_only: bool
) -> Iterator[object]:
    """Yield the library to import ``sources`` with: read ahead by workers if it pays, else ``lib``.

    Plain small files are read by worker processes; archives, large files
    and batches under :data:`MIN_FILES` files are read inline as before.
    """
    from analyzer.io.archive import is_archive_path
    from analyzer.store.importer import default_reader  # looked up now: tests replace it

    plain = []
    if can_fork() and lib.reader is default_reader and len(sources) >= MIN_FILES:
        plain = [p for p in sources if not is_archive_path(p) and _small(p)]
    if len(plain) < MIN_FILES:
        yield lib
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=context,
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    ) as executor:
        reader = ReadAhead(lib, athlete_id, plain, valid_rows_only, executor)
        reader.start()
        try:
            yield _ReadingLibrary(lib, reader)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def can_fork() -> bool:
    """Fork workers only on a multi-core POSIX machine, from a process running one thread."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size <= MAX_FILE_BYTES
    except OSError:
        return False
