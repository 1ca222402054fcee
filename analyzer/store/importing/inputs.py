"""What an import is given, turned into the files to import, one :class:`Item` at a time.

An import is given paths (files, folders, ZIP archives on disk) and uploaded
bytes (files or ZIPs). :func:`list_paths` walks the folders first, so that a
missing path stops the job before anything is imported; :func:`items` then
yields each file in order, opening archives as it goes:

* a folder gives every file under it, recursively, in sorted order, hidden
  files and folders (names starting with ``.``) left out;
* a ZIP archive gives its members (:mod:`analyzer.io.archive` guards against
  path traversal and archive bombs and opens nested ZIPs); a member larger
  than :data:`analyzer.store.keptfiles.LARGE_FILE_BYTES` stays a stream, the
  others are read into memory;
* a file larger than that threshold is imported from disk as a stream.

Each item says whether the user **named** it (a file given on its own) or
it was found inside a folder or an archive: a named file of no known kind
fails, a found one is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ImportFileError, LibraryError
from analyzer.store import keptfiles


@dataclass(frozen=True)
class Item:
    """One file to import.

    Attributes
    ----------
    name : str
        As shown to the user (archive members as ``archive.zip/member``).
    named : bool
        Named by the user on its own, rather than found in a folder or archive.
    path : Path, optional
        A plain file on disk, read when it is imported (:meth:`load`).
    data : bytes or source, optional
        The content already at hand: bytes, or a stream source of
        :mod:`analyzer.store.keptfiles` for a large file or member.
    sha256 : str, optional
        The SHA-256 of ``data`` when it was already taken (a large archive
        member is hashed while its archive is opened, so that one breaking
        an archive cap fails the archive).
    """

    name: str
    named: bool
    path: Path | None = None
    data: object = None
    sha256: str = ""

    def load(self):
        """The file's bytes, or a stream source if it is large.

        Raises
        ------
        OSError
            If the file vanished or cannot be read since it was listed.
        """
        if self.data is not None:
            return self.data
        if self.path.stat().st_size > keptfiles.LARGE_FILE_BYTES:
            return keptfiles.PathSource(self.path)
        return self.path.read_bytes()


@dataclass(frozen=True)
class Failure:
    """A file or archive that cannot be imported, found while listing or opening it.

    ``data`` (bytes or a source) is what its history row's SHA-256 is taken of;
    ``None`` when nothing could be read.
    """

    name: str
    message: str
    data: object = None
    format: str = ""


@dataclass(frozen=True)
class Upload:
    """Bytes given to the import (an uploaded file or ZIP)."""

    name: str
    data: bytes
    open_archive: bool = True


def list_paths(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """Every file under ``paths`` as ``(path, named)``; folders walked now, in sorted order.

    Raises
    ------
    LibraryError
        If a path does not exist (before anything is imported).
    """
    listed = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in relative.parts):
                    listed.append((child, False))
        elif path.is_file():
            listed.append((path, True))
        else:
            raise LibraryError(f"{path}: no such file or folder")
    return listed


def is_archive_file(path: Path) -> bool:
    """Whether the file at ``path`` is a ZIP archive (by its signature; False if unreadable)."""
    from analyzer.io.archive import is_archive_path

    try:
        return is_archive_path(path)
    except OSError:
        return False


def items(sources: Iterable[tuple[Path, bool] | Upload]) -> Iterator[tuple[int, Item | Failure]]:
    """Yield ``(source index, file)`` for every file to import, in order, opening archives.

    An archive's members are read lazily: a member must be imported before
    the next is asked for (its stream is valid until then).
    """
    for index, source in enumerate(sources):
        for entry in _entries(source):
            yield index, entry


def _entries(source: tuple[Path, bool] | Upload) -> Iterator[Item | Failure]:
    if isinstance(source, Upload):
        if source.open_archive and _is_zip(source.data):
            yield from _members(source.name, source.data, source.data)
        else:
            yield Item(source.name, named=True, data=source.data)
        return
    path, named = source
    if is_archive_file(path):
        yield from _members(str(path), path, keptfiles.PathSource(path))
    else:
        yield Item(str(path), named=named, path=path)


def _is_zip(data: bytes) -> bool:
    from analyzer.io.archive import is_archive

    return is_archive("", data)


def _members(name: str, archive, whole) -> Iterator[Item | Failure]:
    """The members of one archive (bytes or a path); ``whole`` is the archive as a source.

    A member that cannot be read (encrypted, another compression method,
    nested too deep, a bad CRC) fails alone; a damaged archive or one that
    breaks a cap (too many members, a bomb) fails as a whole, after the
    members already yielded; the member count is checked before any member
    is read (:mod:`analyzer.io.archive`).
    """
    from analyzer.io.archive import is_archive_refusal, iter_archive_members

    try:
        for member in iter_archive_members(name, archive):
            label = f"{name}/{member.label}"
            if member.problem is not None:  # encrypted, another method, nested too deep
                yield Failure(label, str(member.problem), whole, "zip")
                continue
            if member.size_bytes > keptfiles.LARGE_FILE_BYTES:
                # streamed: hashed here, so that a member breaking a cap fails the archive
                yield Item(label, named=False, data=member, sha256=keptfiles.sha256_of(member))
                continue
            try:
                with member.open() as stream:
                    content = stream.read()
            except ImportFileError as exc:
                if is_archive_refusal(exc):
                    raise
                yield Failure(label, str(exc), whole, "zip")
                continue
            yield Item(label, named=False, data=content)
    except ImportFileError as exc:  # damaged, or a bomb: the members already imported stay
        yield Failure(name, str(exc), whole, "zip")
    except OSError as exc:
        yield Failure(name, f"{name}: cannot be read ({exc.strerror})")
