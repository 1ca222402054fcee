"""Large files imported from disk, streamed: never read into memory whole (issue 5).

:func:`analyzer.store.importer.import_paths` hands a file over
:data:`analyzer.store.keptfiles.LARGE_FILE_BYTES`, or a ZIP with a member
over it (:func:`is_large_path`), to :func:`import_large_path`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.errors import ImportFileError
from analyzer.store import keptfiles
from analyzer.store.keptfiles import sha256_of

if TYPE_CHECKING:
    from analyzer.store.importer import ImportResult


def is_large_path(path: Path) -> bool:
    """True for a file over :data:`keptfiles.LARGE_FILE_BYTES`, or a ZIP with a member over it.

    Such files go to :func:`import_large_path`. A file that cannot be read or
    is a damaged ZIP is left to the ordinary path, which reports it.
    """
    from analyzer.io.archive import is_archive_path, too_many_members

    limit = keptfiles.LARGE_FILE_BYTES
    try:
        if path.stat().st_size > limit:
            return True
        if not is_archive_path(path):
            return False
        if too_many_members(path):  # refused by the streaming path before zipfile parses it
            return True
        with zipfile.ZipFile(path) as archive:
            return any(info.file_size > limit for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


def import_large_path(
    lib, athlete_id: str, path: Path, *, valid_rows_only: bool = False
) -> Iterator[ImportResult]:
    """Import a large file, or each member of a ZIP holding a large one, streamed from disk.

    Neither the file nor a large member is read into memory: each is hashed as
    a stream, read with :func:`analyzer.io.registry.read_stream` and kept in
    chunks (:mod:`analyzer.store.keptfiles`). The archive is opened where it
    lies, with the traversal and archive-bomb guards of
    :mod:`analyzer.io.archive` applied to every read; small members are read
    into memory and imported as usual. Yields one result per file.
    """
    from analyzer.io.archive import is_archive_path, is_archive_refusal, iter_archive_members
    from analyzer.store.importer import (  # noqa: F811
        EMPTY_SHA256,
        ImportResult,
        import_file,
        record_failure,
    )

    name, source = str(path), keptfiles.PathSource(path)
    try:
        if not is_archive_path(path):
            yield import_file(lib, athlete_id, name, source, valid_rows_only=valid_rows_only)
            return
        for member in iter_archive_members(name, path):
            label = f"{name}/{member.label}"
            try:
                if member.size_bytes > keptfiles.LARGE_FILE_BYTES:
                    data = member
                else:
                    with member.open() as stream:
                        data = stream.read()
            except ImportFileError as exc:  # encrypted, nested too deep...: this member only
                if is_archive_refusal(exc):
                    raise
                yield record_failure(lib, athlete_id, label, b"", EMPTY_SHA256, str(exc))
                continue
            yield import_file(lib, athlete_id, label, data, valid_rows_only=valid_rows_only)
    except ImportFileError as exc:  # a damaged archive or a bomb: members already read stay in
        yield record_failure(lib, athlete_id, name, source, sha256_of(source), str(exc), "zip")
    except OSError as exc:  # vanished or unreadable since the folder was listed
        yield ImportResult(name, "failed", f"{path}: cannot be read ({exc.strerror})")
