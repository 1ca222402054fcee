"""Open ZIP archives of a whole export, in memory or where they lie on disk, safely.

An account export (Garmin, Apple Health, Strava, Oura, Fitbit) arrives as one
ZIP whose members are the files the readers know. The archive comes from the
user but may have been built by anyone, so this module

* never uses a member name as a path: names are kept only as labels, with
  ``..``, drive letters, absolute roots and backslashes neutralised (the only
  file it may write is the anonymous temporary copy of a large nested archive,
  below);
* refuses archive bombs: it caps the number of members (counted from the raw
  central directory before :mod:`zipfile` parses it, :mod:`analyzer.io.zipcensus`),
  the bytes one member and all members together expand to, and the compression
  ratio (:mod:`analyzer.io.archive_limits`). The caps are checked on the bytes
  *actually* decompressed, chunk by chunk, so a member whose header
  under-declares its size is caught as well;
* opens only stored and deflated members, whose expansion can be capped as it
  happens (:mod:`analyzer.io.archive_member` says why bzip2 and LZMA cannot);
* opens ZIPs nested inside the archive (Garmin's ``UploadedFiles_*.zip``) one
  level deep (:data:`MAX_NESTING`), counting their members and bytes against
  the same budget; a nested archive is spooled to an anonymous temporary file
  beyond :data:`NESTED_IN_MEMORY_BYTES`, never held whole in memory.

A member that cannot be opened (encrypted, another compression method, nested
too deep, damaged) is reported as that member's failure and the members after
it are still read; only the archive-wide caps (member count, bytes in total,
a bomb) and a damaged archive stop the whole archive.
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from analyzer.errors import ImportFileError
from analyzer.io.archive_limits import (
    DEFAULT_LIMITS,
    MAX_GZIP_BYTES,
    Budget,
    Limits,
    is_archive_refusal,
)
from analyzer.io.archive_member import CHUNK_BYTES, ArchiveMember
from analyzer.io.zipcensus import count_entries

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_GZIP_BYTES",
    "ArchiveMember",
    "Limits",
    "is_archive",
    "is_archive_path",
    "is_archive_refusal",
    "iter_archive",
    "iter_archive_members",
    "iter_archive_streams",
    "safe_member_name",
    "too_many_members",
]

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

#: How deep archives inside the archive are opened (Garmin's UploadedFiles_*.zip: one level).
MAX_NESTING = 1
#: A nested archive up to this size is held in memory; a larger one is spooled to a temporary file.
NESTED_IN_MEMORY_BYTES = 64 * 1024**2

_SKIPPED_PARTS = ("__MACOSX/",)
_SKIPPED_NAMES = (".DS_Store", "Thumbs.db")
#: macOS AppleDouble files (``._run.fit`` beside ``run.fit``) hold the Finder's metadata of a file.
_SKIPPED_PREFIXES = ("._",)


def is_archive(name: str, data: bytes) -> bool:
    """Return whether ``data`` is a ZIP archive (by its signature, not by ``name``)."""
    return data[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)


def safe_member_name(name: str) -> str | None:
    """Return ``name`` as a harmless relative label, or ``None`` if nothing is left.

    Backslashes become slashes; drive letters, leading slashes, ``.`` and
    ``..`` parts are dropped, so ``../../etc/passwd`` becomes ``etc/passwd``.
    The result is only ever a label; no file is created from it.
    """
    text = name.replace("\\", "/")
    text = re.sub(r"^[A-Za-z]:", "", text)
    parts = [part for part in text.split("/") if part not in ("", ".", "..")]
    if not parts:
        return None
    return posixpath.join(*parts)


ArchiveSource = bytes | str | os.PathLike


def _open_zip(
    source: str, archive: ArchiveSource | BinaryIO, budget: Budget, label: str
) -> zipfile.ZipFile:
    """Open a ZIP held in memory, on disk or in a file object, after counting its entries.

    A file on disk is read where it lies, never whole. A file object stays
    the caller's to close.
    """
    try:
        if isinstance(archive, (bytes, bytearray, memoryview)):
            handle = io.BytesIO(archive)
            budget.census(handle, label)
            return zipfile.ZipFile(handle)
        if isinstance(archive, (str, os.PathLike)):
            with open(archive, "rb") as handle:
                budget.census(handle, label)
            return zipfile.ZipFile(archive)
        budget.census(archive, label)
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:
        # NotImplementedError: an entry needs a newer ZIP version than zipfile reads
        where = "ZIP archive" if not label else f"nested ZIP archive {label!r}"
        raise ImportFileError(source, f"the {where} is damaged or truncated: {exc}") from exc


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _skipped(label: str) -> bool:
    name = posixpath.basename(label)
    return (
        any(part in label for part in _SKIPPED_PARTS)
        or name in _SKIPPED_NAMES
        or name.startswith(_SKIPPED_PREFIXES)
    )


def _members(
    source: str, archive: zipfile.ZipFile, budget: Budget, prefix: str, depth: int
) -> Iterator[ArchiveMember]:
    """Yield every file of an open archive; nested archives are opened :data:`MAX_NESTING` deep.

    A member that cannot be opened is yielded with its :attr:`~ArchiveMember.problem`
    set; an archive-wide refusal (:func:`is_archive_refusal`) raises.
    """
    for info in archive.infolist():
        if info.filename.endswith("/") or _is_link(info):  # a folder (ZipInfo.is_dir fails on "")
            continue
        label = safe_member_name(info.filename)
        if label is None or _skipped(label):
            continue
        label = f"{prefix}{label}"
        budget.count_member(label)
        member = ArchiveMember(archive, info, label, budget)
        member.check_openable()
        with contextlib.ExitStack() as nested:
            try:
                inner = _nested_archive(source, member, budget, depth, nested)
            except ImportFileError as exc:
                if is_archive_refusal(exc):
                    raise
                member.problem = member.problem or exc
                inner = None
            if inner is None:
                yield member
            else:
                yield from _members(source, inner, budget, f"{member.label}/", depth + 1)


def _nested_archive(
    source: str, member: ArchiveMember, budget: Budget, depth: int, stack: contextlib.ExitStack
) -> zipfile.ZipFile | None:
    """The member opened as an archive if it is one (kept open by ``stack``), else ``None``.

    Raises
    ------
    ImportFileError
        If the member cannot be opened, is nested deeper than :data:`MAX_NESTING`
        or is a damaged archive.
    """
    if member.problem is not None or not _holds_archive(member):
        return None
    if depth >= MAX_NESTING:
        raise member.error(
            f"the member is an archive inside a nested archive; only {MAX_NESTING} level of "
            "nesting is opened"
        )
    copy = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=NESTED_IN_MEMORY_BYTES))
    with member.open() as stream:
        shutil.copyfileobj(stream, copy, CHUNK_BYTES)
    copy.seek(0)
    try:
        opened = _open_zip(source, copy, budget, member.label)
    except ImportFileError as exc:
        if is_archive_refusal(exc):
            raise
        raise member.error(exc.problem) from exc
    return stack.enter_context(opened)


def _holds_archive(member: ArchiveMember) -> bool:
    with member.open() as stream:
        return is_archive(member.label, stream.peek(4)[:4])


def too_many_members(path: str | os.PathLike, limits: Limits | None = None) -> bool:
    """Return whether the ZIP at ``path`` lists more members than one archive may hold.

    Counted from the raw central directory (:mod:`analyzer.io.zipcensus`) in
    bounded time, before anything parses it.
    """
    limit = (limits or DEFAULT_LIMITS).max_members
    with open(path, "rb") as handle:
        entries = count_entries(handle, limit)
    return entries is not None and entries > limit


def is_archive_path(path: str | os.PathLike) -> bool:
    """Return whether the file at ``path`` is a ZIP archive (by its signature)."""
    with open(path, "rb") as handle:
        return is_archive(os.fspath(path), handle.read(4))


def iter_archive_members(
    name: str, archive: ArchiveSource, *, limits: Limits | None = None
) -> Iterator[ArchiveMember]:
    """Yield an :class:`ArchiveMember` for every file in a ZIP, without reading any.

    Parameters
    ----------
    name : str
        The archive's name, for messages.
    archive : bytes or path
        The archive's content, or the path of a ZIP on disk (opened in place:
        a multi-gigabyte export is never read into memory).
    limits : Limits, optional
        Archive-bomb caps; :data:`DEFAULT_LIMITS` when omitted.

    Raises
    ------
    ImportFileError
        As :func:`iter_archive`; a member's stream raises when a cap is broken
        while it is read.
    """
    if isinstance(archive, (bytes, bytearray, memoryview)):
        if not is_archive(name, archive):
            raise ImportFileError(
                name, "the file is not a ZIP archive (no 'PK' signature)", offset=0
            )
    elif not is_archive_path(archive):
        raise ImportFileError(name, "the file is not a ZIP archive (no 'PK' signature)", offset=0)
    budget = Budget(name, limits or DEFAULT_LIMITS)
    with _open_zip(name, archive, budget, "") as opened:
        yield from _members(name, opened, budget, "", 0)


def iter_archive_streams(
    name: str, data: bytes, *, limits: Limits | None = None
) -> Iterator[tuple[str, io.BufferedReader | ImportFileError]]:
    """Yield ``(member_name, stream or error)`` for every file in the ZIP ``data``, unread.

    Like :func:`iter_archive`, for members too large to hold in memory (an
    Apple Health ``export.xml``): each stream enforces the caps as it is read
    and is closed when the next member is yielded. A member that cannot be
    opened comes with its :class:`~analyzer.errors.ImportFileError` instead.
    """
    for member in iter_archive_members(name, data, limits=limits):
        if member.problem is not None:
            yield member.label, member.problem
            continue
        try:
            stream = member.open()
        except ImportFileError as exc:
            yield member.label, exc
            continue
        with stream:
            yield member.label, stream


def iter_archive(
    name: str, data: bytes, *, limits: Limits | None = None
) -> Iterator[tuple[str, bytes | ImportFileError]]:
    """Yield ``(member_name, content or error)`` for every file in the ZIP ``data``.

    Members of nested ZIPs are yielded as ``"outer.zip/inner/path"``. Folders,
    symbolic links, ``__MACOSX`` resource forks and ``.DS_Store`` files are
    skipped. A member that cannot be read (encrypted, compressed with another
    method than deflate, an archive nested too deep, damaged) is yielded with
    its :class:`~analyzer.errors.ImportFileError` instead of its content, and
    the members after it are still read.

    Parameters
    ----------
    name : str
        The archive's name, for messages.
    data : bytes
        The archive's content.
    limits : Limits, optional
        Archive-bomb caps; :data:`DEFAULT_LIMITS` when omitted.

    Raises
    ------
    ImportFileError
        If the archive itself is damaged or breaks an archive-wide cap
        (:func:`is_archive_refusal`). Members already yielded stay valid.
    """
    for label, stream in iter_archive_streams(name, data, limits=limits):
        if isinstance(stream, ImportFileError):
            yield label, stream
            continue
        try:
            content = stream.read()
        except ImportFileError as exc:
            if is_archive_refusal(exc):
                raise
            yield label, exc
            continue
        yield label, content
