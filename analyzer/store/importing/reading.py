"""Who reads the files of an import: the importing process itself, or worker processes ahead of it.

Reading a file (:func:`analyzer.io.registry.read_bytes`) is pure: bytes in,
:class:`~analyzer.schema.ImportBundle` out. For a batch of many small files
(a year of Garmin daily files is ~15,000) :class:`ReadAhead` has them read in
a :class:`concurrent.futures.ProcessPoolExecutor`, a few files ahead of the
writer, while the importing process stores the files in order; the results,
statuses and progress calls are the same as with :class:`InlineReading`.
:func:`reading_for` picks one:

* workers only with the library's default reader (a custom reader may not be
  importable there), only for plain files no larger than
  :data:`MAX_FILE_BYTES` (archives and large files are read by the importing
  process), and only for batches of at least :data:`MIN_FILES` such files;
* workers are forked (they start at once, with everything imported, and never
  re-run the caller's ``__main__``), so only from a process that runs a single
  thread: forking a threaded process (a Streamlit server) is unsafe, and there
  the files are read inline. A worker leaves the inherited SQLite connection
  alone (it reads bytes and exits with ``os._exit``) and ends when the
  importing process is gone (killed). A file whose worker fails for any
  reason is read again by the importing process, which reports its error.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analyzer.schema import ImportBundle
from analyzer.store.importing import onefile
from analyzer.store.importing.inputs import Item, is_archive_file

#: Smallest batch (plain files) read in worker processes.
MIN_FILES = 200
#: Worker processes (the machines this runs on have 2 cores or more).
WORKERS = 2
#: Files submitted ahead of the one being written, per worker.
AHEAD_PER_WORKER = 8
#: Files larger than this are left to the importing process (few, and not worth shipping).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: How often a worker checks that the importing process still runs [s].
PARENT_CHECK_S = 1.0


@dataclass(frozen=True)
class Prepared:
    """A file a worker had in hand: its bytes, their SHA-256 and the bundle (None: read it here)."""

    data: bytes
    sha256: str
    bundle: ImportBundle | None


class InlineReading:
    """Every file is read by the importing process when the import gets to it."""

    #: Files whose bundle came from a worker (none here).
    read_by_workers = 0

    def take(self, item: Item) -> Prepared | None:
        """Nothing is read ahead: always None."""
        return None


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

    Returns the bundle pickled: the importing process unpickles it in its own
    thread when it writes the file, instead of the pool's result thread doing
    it meanwhile and contending with the writer for the GIL.
    """
    try:
        bundle = onefile.read_file(
            onefile.default_reader, name, data, timezone=timezone, valid_rows_only=valid_rows_only
        )
        return pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - read again in the main process, which reports it properly
        return None


class ReadAhead:
    """Bundles of plain files read by worker processes a few files ahead of the writer.

    Parameters
    ----------
    conn : sqlite3.Connection
        The library's connection (used in this process only, for the duplicate check).
    paths : list of Path
        The plain files of the batch, in the order the writer will take them.
    timezone : str or None
    valid_rows_only : bool
    executor : ProcessPoolExecutor
    """

    def __init__(self, conn, paths: list[Path], timezone, valid_rows_only, executor) -> None:
        self._conn = conn
        self._timezone = timezone
        self._valid_rows_only = valid_rows_only
        self._executor = executor
        self._paths = paths
        self._index = {path: i for i, path in enumerate(paths)}
        self._next = 0
        self._ahead = AHEAD_PER_WORKER * WORKERS
        self._pending: dict[int, tuple[bytes, str, Future | None]] = {}
        #: Files whose bundle came from a worker (the others were read by the importing process).
        self.read_by_workers = 0

    def start(self) -> None:
        """Submit the first files."""
        self._submit_through(self._ahead - 1)

    def _submit_through(self, last: int) -> None:
        """Read and submit the files up to index ``last`` (those not submitted yet)."""
        while self._next <= min(last, len(self._paths) - 1):
            i, path = self._next, self._paths[self._next]
            self._next += 1
            try:
                data = path.read_bytes()
            except OSError:
                continue  # the writer reports it when it reads the file itself
            sha256 = hashlib.sha256(data).hexdigest()
            future = None
            if not onefile.owners(self._conn, sha256):  # bytes already in are never read
                try:
                    future = self._executor.submit(
                        read_in_worker, str(path), data, self._timezone, self._valid_rows_only
                    )
                except RuntimeError:  # a broken pool (BrokenProcessPool): the rest is read here
                    self._next = len(self._paths)
            self._pending[i] = (data, sha256, future)

    def take(self, item: Item) -> Prepared | None:
        """What the workers prepared for ``item``, or None when it is not one of the batch's files.

        Files of the batch before ``item`` that were not taken are dropped.
        """
        i = self._index.get(item.path) if item.path is not None else None
        if i is None:
            return None
        for j in [j for j in self._pending if j < i]:
            future = self._pending.pop(j)[2]
            if future is not None:
                future.cancel()
        entry = self._pending.pop(i, None)
        self._submit_through(i + self._ahead)
        if entry is None:
            return None  # unreadable when it was submitted: the writer reads and reports it
        data, sha256, future = entry
        bundle = None
        if future is not None:
            try:
                pickled = future.result()
                bundle = None if pickled is None else pickle.loads(pickled)
            except Exception:  # noqa: BLE001 - a broken worker: the file is read here instead
                bundle = None
        if bundle is not None:
            self.read_by_workers += 1
        return Prepared(data, sha256, bundle)


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


@contextmanager
def reading_for(
    lib, paths: list[Path], timezone: str | None, valid_rows_only: bool
) -> Iterator[InlineReading | ReadAhead]:
    """The reading strategy of a batch: :class:`ReadAhead` if it pays, else :class:`InlineReading`.

    Parameters
    ----------
    lib : Library
        Its reader decides: workers only run the default reader.
    paths : list of Path
        The files on disk the batch holds, in order.
    """
    plain = []
    if can_fork() and lib.reader is onefile.default_reader and len(paths) >= MIN_FILES:
        plain = [p for p in paths if _small(p) and not is_archive_file(p)]
    if len(plain) < MIN_FILES:
        yield InlineReading()
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=context,
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    ) as executor:
        reader = ReadAhead(lib.connection, plain, timezone, valid_rows_only, executor)
        reader.start()
        try:
            yield reader
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
