"""Import page helpers: run uploaded files through the library, one result per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

RESULT_COLUMNS = ["file", "status", "rows stored", "message"]
STATUS_LABELS = {
    "imported": "imported",
    "partial": "imported with problems",
    "duplicate": "already there",
    "skipped": "skipped (not a kind of file the analyzer reads)",
    "failed": "failed",
}


def _row(name: str, status: str, counts: dict | None, message: str) -> dict:
    stored = ", ".join(f"{table} {n}" for table, n in (counts or {}).items() if n)
    return {
        "file": name,
        "status": STATUS_LABELS.get(status, status),
        "rows stored": stored,
        "message": message,
    }


def import_uploads(
    library,
    athlete_id: str,
    uploads: Iterable[tuple[str, bytes]],
    progress: Callable[[int, int, str], None] | None = None,
    *,
    valid_rows_only: bool = False,
) -> pd.DataFrame:
    """Import uploaded files (ZIPs opened in place) for one athlete; return the per-file results.

    The uploads go through the library's one import path
    (:class:`analyzer.store.ImportJob`), as files given to the command line
    do: the nights and days of Garmin daily files are assembled once, after
    the last file.

    Parameters
    ----------
    library : analyzer.store.Library
    athlete_id : str
        An existing athlete of ``library``.
    uploads : iterable of (name, bytes)
        The file names are shown, never used as paths.
    progress : callable, optional
        ``progress(done, total, name)`` after each file.
    valid_rows_only : bool, default False
        Import the valid rows of logs with invalid values (the skipped rows
        are listed in the file's message) instead of refusing such a log.

    Returns
    -------
    pandas.DataFrame
        One row per file (:data:`RESULT_COLUMNS`). When a problem of the
        library itself (a full disk) stopped the import early,
        ``attrs["stopped"]`` says why and how many files are in.
    """
    from analyzer.store import ImportJob

    job = ImportJob(library, athlete_id, valid_rows_only=valid_rows_only)
    for name, payload in uploads:
        job.add_bytes(name, payload)
    report = job.run(None if progress is None else lambda d, t, r: progress(d, t, r.name))
    rows = [_row(r.name, r.status, r.counts, r.message) for r in report.results]
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    table.attrs["stopped"] = report.stopped
    return table
