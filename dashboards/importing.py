"""Import page helpers: run uploaded files through the library, one result per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from analyzer.errors import AnalyzerError
from dashboards.sources import api

RESULT_COLUMNS = ["file", "status", "rows stored", "message"]
STATUS_LABELS = {
    "imported": "imported",
    "partial": "imported with problems",
    "duplicate": "already there",
    "failed": "failed",
}


def readers_available() -> bool:
    """True once the file readers (``analyzer.io.registry``) have landed."""
    return api("analyzer.io.registry", "read_bytes") is not None


def _row(name: str, status: str, counts: dict | None, message: str) -> dict:
    stored = ", ".join(f"{table} {n}" for table, n in (counts or {}).items() if n)
    return {
        "file": name,
        "status": STATUS_LABELS.get(status, status),
        "rows stored": stored,
        "message": message,
    }


def expand_uploads(
    uploads: Iterable[tuple[str, bytes]],
) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """Open archives among the uploads; return the files to import and rows for unreadable archives.

    A member that cannot be opened is listed among the files with its error instead of its bytes.
    """
    from analyzer.store.importer import expand_archive

    files, failures = [], []
    for name, payload in uploads:
        try:
            files.extend(expand_archive(name, payload))
        except AnalyzerError as exc:
            failures.append(_row(name, "failed", None, str(exc)))
    return files, failures


def import_uploads(
    library,
    athlete_id: str,
    uploads: Iterable[tuple[str, bytes]],
    progress: Callable[[int, int, str], None] | None = None,
) -> pd.DataFrame:
    """Import uploaded files (ZIPs opened in place) for one athlete; return the per-file results.

    Parameters
    ----------
    library : analyzer.store.Library
    athlete_id : str
        An existing athlete of ``library``.
    uploads : iterable of (name, bytes)
        The file names are shown, never used as paths.
    progress : callable, optional
        ``progress(done, total, name)`` after each file.
    """
    files, rows = expand_uploads(uploads)
    for done, (name, payload) in enumerate(files, start=1):
        if isinstance(payload, AnalyzerError):  # an archive member that cannot be opened
            rows.append(_row(name, "failed", None, str(payload)))
        else:
            result = library.import_file(athlete_id, name, payload)
            rows.append(_row(result.name, result.status, result.counts, result.message))
        if progress is not None:
            progress(done, len(files), name)
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
