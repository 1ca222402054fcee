"""The one import path: files, folders, archives and uploads into one athlete's library.

>>> job = ImportJob(lib, "anna").add_paths(["export.zip", "cramps.csv"])  # doctest: +SKIP
>>> report = job.run(progress)                                             # doctest: +SKIP

The command line, the dashboard's Import page and the demo builder all import
through :class:`ImportJob`. What happens, in order:

1. the paths are listed (:func:`~analyzer.store.importing.inputs.list_paths`:
   a missing path stops the job before anything is imported);
2. a reading strategy is chosen (:func:`~analyzer.store.importing.reading.reading_for`):
   worker processes reading ahead for large batches of small files, the
   importing process otherwise;
3. each file (:mod:`~analyzer.store.importing.inputs`: archives opened, large
   files streamed) is checked against the history (the same bytes already
   imported for this athlete are a ``duplicate`` and are not read), read (a
   file of no known kind found in a folder or archive is ``skipped``), and
   written with its original bytes and its history row
   (:mod:`~analyzer.store.importing.onefile`), wholly or not at all;
4. the nights and days of Garmin daily files are assembled once, from all
   stored samples, in one transaction (:class:`~analyzer.store.nights.GarminAssembly`).

Commits: the writes go to one :class:`~analyzer.store.transactions.WriteGroup`.
Files read ahead by workers are committed in groups of up to
:data:`GROUP_FILES` files or :data:`GROUP_S` seconds (each file inside its own
savepoint), which saves a disk sync per file; a file this process reads is
committed before it is reported, and the group is committed before this
process reads a file, so the write lock is never held while a file is read.
A process killed mid-group loses that group's files (each wholly: they are
simply not imported yet), never part of a file.

Faults: an unexpected exception while reading or storing one file is a bug,
not the file's fault; that file fails alone (its history row marked as an
internal error) and the job goes on. A problem of the library itself (a full
disk, a damaged file) stops the job after committing what it can; the report
says why and how many files are in (:attr:`ImportReport.stopped`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from analyzer.errors import (
    DiskFullError,
    ImportFileError,
    LibraryDamagedError,
    LibraryError,
    UnknownFormatError,
)
from analyzer.printable import printable
from analyzer.schema import ImportBundle
from analyzer.store.importing import onefile
from analyzer.store.importing.inputs import Failure, Item, Upload, items, list_paths
from analyzer.store.importing.reading import reading_for
from analyzer.store.importing.results import ImportReport, ImportResult
from analyzer.store.keptfiles import SourceChangedError, sha256_of
from analyzer.store.nights import GarminAssembly

Progress = Callable[[int, int, ImportResult], None]

#: Most files committed in one transaction when workers read ahead.
GROUP_FILES = 200
#: Longest such a transaction stays open before it is committed [s].
GROUP_S = 1.0

#: Errors storing a file that concern the file (a large one read again to be kept), not a bug.
_SOURCE_ERRORS = (OSError, ImportFileError, SourceChangedError)


class ImportJob:
    """Import files, folders, ZIP archives and uploaded bytes for one athlete.

    Parameters
    ----------
    library : analyzer.store.Library
    athlete_id : str
        An athlete of ``library``.
    valid_rows_only : bool, default False
        ``False``: a file with any invalid value is refused whole. ``True``:
        its valid rows are imported and the skipped ones reported (status
        ``partial``).

    Each ``add_*`` method returns the job, so calls chain; :meth:`run` imports
    everything added, in the order added.
    """

    def __init__(self, library, athlete_id: str, *, valid_rows_only: bool = False) -> None:
        self.library = library
        self.athlete_id = athlete_id
        self.valid_rows_only = valid_rows_only
        self.assembly = GarminAssembly()
        self._sources: list[tuple[Path, bool] | Upload] = []
        self._paths: list[Path] = []
        self._timezone: str | None = None
        self._reading = None
        self._group = None

    def add_paths(self, paths: Iterable[str | Path]) -> ImportJob:
        """Add files, folders (walked recursively now) and ZIP archives on disk.

        Raises
        ------
        LibraryError
            If a path does not exist; nothing is imported then.
        """
        listed = list_paths(paths)
        self._sources += listed
        self._paths += [path for path, _ in listed]
        return self

    def add_bytes(self, name: str, data: bytes, *, open_archive: bool = True) -> ImportJob:
        """Add a file's bytes (an upload); a ZIP archive's members are imported unless told not to.

        ``name`` is shown to the user and never used as a path.
        """
        self._sources.append(Upload(name, data, open_archive))
        return self

    def run(self, progress: Progress | None = None) -> ImportReport:
        """Import everything added; return the results, one per file, in order.

        Parameters
        ----------
        progress : callable, optional
            Called after each file as ``progress(done, total, result)``;
            ``total`` counts the files known so far (it grows as archives open).

        Raises
        ------
        LibraryError
            If the athlete does not exist, or the library fails a quick check
            (a damaged library is never written to); nothing is imported then.
            Problems of single files are results; a problem of the library met
            on the way (a full disk) stops the job: :attr:`ImportReport.stopped`.
        """
        lib = self.library
        self._timezone = lib.athlete(self.athlete_id)["timezone"]
        lib.check_sound()
        report = ImportReport()
        total, previous = len(self._sources), None
        with reading_for(lib, self._paths, self._timezone, self.valid_rows_only) as reading:
            self._reading = reading
            with lib.write_group(GROUP_FILES, GROUP_S) as group:
                self._group = group
                committed = 0  # results known to be committed
                try:
                    for source, entry in items(self._sources):
                        total += source == previous  # a second file of one source: an archive's
                        previous = source
                        result, read_here = self._import(entry)
                        report.results.append(result)
                        self._settle(read_here)
                        if not group.is_open:
                            committed = len(report.results)
                        if progress is not None:
                            progress(len(report.results), total, report.results[-1])
                except LibraryError as exc:  # the library itself (a full disk): stop here
                    committed = self._keep_what_can_be_kept(report, committed)
                    report.stopped = self._stop_message(exc, report, committed)
        if not report.stopped:
            with lib.guard():
                self.assembly.finish(lib)
        return report

    def _keep_what_can_be_kept(self, report: ImportReport, committed: int) -> int:
        """Commit what the open group holds, if the library still can; mark the rest lost.

        Returns how many results are committed. A file reported before its group
        was committed, and lost with it, becomes a ``failed`` result saying so.
        """
        group = self._group
        if group.is_open and self.library.connection.in_transaction:
            try:
                with self.library.guard():
                    group.commit()
                committed = len(report.results)
            except LibraryError:
                group.rollback()
        else:
            group.rollback()
        for i in range(committed, len(report.results)):
            lost = report.results[i]
            if lost.status in ("imported", "partial", "failed"):
                message = "not stored: the import stopped before this file was committed"
                report.results[i] = ImportResult(lost.name, "failed", message, {}, lost.sha256)
        return committed

    @staticmethod
    def _stop_message(exc: LibraryError, report: ImportReport, committed: int) -> str:
        """Why the job stopped, how many files are in, and what to do."""
        stored = sum(r.status in ("imported", "partial") for r in report.results[:committed])
        done = f"{stored} file{'s' if stored != 1 else ''} imported"
        if isinstance(exc, DiskFullError):
            return f"{exc}; {done}; run the import again after freeing space"
        if isinstance(exc, LibraryDamagedError):
            return f"{exc}; {done} before it was found"
        return f"{exc}; {done}; run the import again"

    # -- one file -------------------------------------------------------------------

    def _import(self, entry: Item | Failure) -> tuple[ImportResult, bool]:
        """Import one file; return its result and whether this process read it.

        An unexpected exception (a bug, not a problem of the file) fails that
        file alone, with a history row marked as an internal error; a
        :class:`LibraryError` (the library itself) goes on to :meth:`run`.
        """
        if isinstance(entry, Failure):
            return self._failure(entry), True
        prepared = self._reading.take(entry)
        read_here = prepared is None or prepared.bundle is None
        try:
            result = self._import_item(entry, prepared)
        except LibraryError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported as the file's internal error
            result = self._internal_error(entry, exc, "importing it")
        return result, read_here

    def _settle(self, read_here: bool) -> None:
        """Commit a file this process read now; one read ahead when its group is due."""
        if read_here:
            self._commit()
        else:
            with self.library.guard():
                self._group.item_done()

    def _commit(self) -> None:
        with self.library.guard():
            self._group.commit()

    def _internal_error(self, item: Item, exc: Exception, doing: str, data=None, sha256="", fmt=""):
        """The ``failed`` result of a file that met a bug; its history row is marked internal."""
        detail = printable(str(exc))[:300]
        message = (
            f"{item.name}: internal error: cramp-analyzer stopped on an unexpected "
            f"{type(exc).__name__}{f' ({detail})' if detail else ''} while {doing}. This is a bug "
            "in cramp-analyzer, not a problem with your file: please report it"
        )
        return onefile.record_failure(
            self.library, self.athlete_id, item.name, data, sha256, message, fmt, internal=True
        )

    def _import_item(self, item: Item, prepared) -> ImportResult:
        lib, athlete_id = self.library, self.athlete_id
        if prepared is None:
            self._commit()  # no write lock held while this process reads a file
            try:
                data = item.load()
                sha256 = item.sha256 or sha256_of(data)
            except OSError as exc:  # vanished or unreadable since the folder was listed
                message = f"{item.name}: cannot be read ({exc.strerror})"
                return ImportResult(item.name, "failed", message)
            bundle = None
        else:
            data, sha256, bundle = prepared.data, prepared.sha256, prepared.bundle
        with lib.guard():
            holders = onefile.owners(lib.connection, sha256)
        if athlete_id in holders:  # never read again
            return ImportResult(item.name, "duplicate", "already in the library", {}, sha256)
        if bundle is None:
            self._commit()
            bundle = self._read(item, data, sha256)
            if isinstance(bundle, ImportResult):
                return bundle
        bundle.source_sha256 = sha256
        try:
            with lib.write() as conn:
                holders = onefile.owners(conn, sha256)  # another process may have written meanwhile
                if onefile.may_import(athlete_id, holders, bundle):
                    return onefile.write_bundle(lib, conn, athlete_id, item.name, data, bundle)
        except LibraryError:
            raise
        except _SOURCE_ERRORS as exc:  # a large file or member read again to be kept
            message = f"{item.name}: could not be stored ({type(exc).__name__}: {exc})"
            return onefile.record_failure(
                lib, athlete_id, item.name, data, sha256, message, bundle.format
            )
        except Exception as exc:  # noqa: BLE001 - the writer met a bug: this file fails alone
            return self._internal_error(item, exc, "storing it", data, sha256, bundle.format)
        if athlete_id in holders:
            return ImportResult(item.name, "duplicate", "already in the library", {}, sha256)
        message = (
            f"{item.name}: these exact bytes are already imported for athlete "
            f"{sorted(holders)[0]!r}; delete them there first if they belong to this athlete"
        )
        return onefile.record_failure(lib, athlete_id, item.name, data, sha256, message)

    def _read(self, item: Item, data, sha256: str) -> ImportBundle | ImportResult:
        """The file's bundle, or its result when it cannot be read (failed, or skipped if found)."""
        lib = self.library
        try:
            return onefile.read_file(
                lib.reader,
                item.name,
                data,
                timezone=self._timezone,
                valid_rows_only=self.valid_rows_only,
            )
        except UnknownFormatError as exc:
            if not item.named:  # in a folder or archive: a README, another program's file
                return ImportResult(item.name, "skipped", str(exc), {}, sha256)
            message = str(exc)
        except ImportFileError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001 - the reader met a bug: this file fails alone
            return self._internal_error(item, exc, "reading it", data, sha256)
        return onefile.record_failure(lib, self.athlete_id, item.name, data, sha256, message)

    def _failure(self, failure: Failure) -> ImportResult:
        """The result of a file or archive found unreadable while listing or opening it."""
        if failure.data is None:
            return ImportResult(failure.name, "failed", failure.message)
        sha256 = sha256_of(failure.data)
        return onefile.record_failure(
            self.library,
            self.athlete_id,
            failure.name,
            failure.data,
            sha256,
            failure.message,
            failure.format,
        )
