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
  ratio. The caps are checked on the bytes *actually* decompressed, chunk by
  chunk, so a member whose header under-declares its size is caught as well;
* opens only stored and deflated members (:data:`OPENED_METHODS`). For bzip2
  and LZMA members :mod:`zipfile` decompresses a whole compressed chunk before
  it cuts the result to the requested size (``ZipExtFile._read2`` passes no
  ``max_length`` for them), so a 2.4 kB bzip2 member expands to 3 GB in one
  call, before any cap can act. Every export the analyzer knows (Garmin,
  Apple Health, Google Takeout, Strava, WHOOP, Oura) uses deflate;
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
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from analyzer.errors import ImportFileError
from analyzer.io.caps import MAX_FIT_BYTES
from analyzer.io.zipcensus import count_entries

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

#: Most members one archive (nested archives included) may hold.
MAX_MEMBERS = 50_000
#: Most bytes one member may expand to (an Apple Health export.xml can pass 1 GB).
MAX_MEMBER_BYTES = 4 * 1024**3
#: Most bytes all members together may expand to.
MAX_TOTAL_BYTES = 8 * 1024**3
#: Largest expansion ratio (uncompressed / compressed) of one member. Text
#: exports compress 10-40 times; bombs reach thousands.
MAX_RATIO = 200.0
#: Ratios are only checked beyond this many expanded bytes (tiny files compress oddly).
RATIO_GRACE_BYTES = 1024**2
#: How deep archives inside the archive are opened (Garmin's UploadedFiles_*.zip: one level).
MAX_NESTING = 1
#: A nested archive up to this size is held in memory; a larger one is spooled to a temporary file.
NESTED_IN_MEMORY_BYTES = 64 * 1024**2
#: Compression methods whose members are opened (APPNOTE 4.4.5): stored and deflate.
OPENED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
#: Names of the other methods, for messages (APPNOTE 4.4.5).
METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 98: "PPMd"}
#: Most bytes a gzip file (Strava's activities/*.fit.gz) may expand to: the FIT reader's cap.
MAX_GZIP_BYTES = MAX_FIT_BYTES

_CHUNK = 1024**2
_SKIPPED_PARTS = ("__MACOSX/",)
_SKIPPED_NAMES = (".DS_Store", "Thumbs.db")


@dataclass(frozen=True)
class Limits:
    """The archive-bomb caps (defaults are the module constants)."""

    max_members: int = MAX_MEMBERS
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: float = MAX_RATIO
    ratio_grace_bytes: int = RATIO_GRACE_BYTES
    max_gzip_bytes: int = MAX_GZIP_BYTES


#: The caps used when a caller gives none.
DEFAULT_LIMITS = Limits()


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


class Budget:
    """Counts members and expanded bytes across an archive and its nested archives."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.members = 0
        self.total_bytes = 0

    def census(self, handle: BinaryIO, label: str) -> None:
        """Refuse an archive (or a nested one) listing more members than the budget has left.

        Counted from the raw central directory, before :mod:`zipfile` parses
        it and before any member is read.
        """
        room = self.limits.max_members - self.members
        entries = count_entries(handle, room)
        handle.seek(0)
        if entries is not None and entries > room:
            where = "the archive" if not label else f"the nested archive {label!r}"
            raise _archive_refusal(
                self.source,
                f"{where} lists more than {room} files (one archive may hold "
                f"{self.limits.max_members}); refusing it as a possible archive bomb before "
                "reading any file",
            )

    def count_member(self, label: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise _archive_refusal(
                self.source,
                f"the archive holds more than {self.limits.max_members} files (at {label!r}); "
                "refusing it as a possible archive bomb",
            )

    def check(self, size: int, compressed: int, label: str) -> None:
        """Raise if a member of ``size`` bytes so far, or the archive, breaks a cap."""
        limits = self.limits
        problem = None
        if size > limits.max_member_bytes:
            problem = f"member {label!r} expands beyond {limits.max_member_bytes} bytes"
        elif self.total_bytes > limits.max_total_bytes:
            problem = f"the archive expands beyond {limits.max_total_bytes} bytes in total"
        elif size > limits.ratio_grace_bytes and size / compressed > limits.max_ratio:
            problem = (
                f"member {label!r} expands more than {limits.max_ratio:.0f} times "
                f"({compressed} compressed bytes gave {size} so far)"
            )
        if problem:
            raise _archive_refusal(
                self.source, problem + "; refusing it as a possible archive bomb"
            )


def _archive_refusal(source: str, problem: str) -> ImportFileError:
    """An error that stops the whole archive (a cap), not only one member."""
    error = ImportFileError(source, problem)
    error.archive_limit = True
    return error


def is_archive_refusal(error: BaseException) -> bool:
    """True for an archive-wide refusal (a cap broken, a bomb), false for one member's problem."""
    return bool(getattr(error, "archive_limit", False))


class ArchiveMember:
    """One file inside an archive, which can be opened (again) as a stream under the caps.

    Valid while the iteration that yielded it has not finished. Reading the
    member twice (hash first, then parse) counts its bytes once against the
    archive's total.

    Attributes
    ----------
    label : str
        The member's harmless relative name (``inner.zip/path`` inside a nested archive).
    size_bytes : int
        The size the archive declares. The stream never yields more: :mod:`zipfile`
        stops at the declared size and checks the CRC, so a member that lies
        about its size fails instead of growing.
    problem : ImportFileError or None
        Why the member cannot be read (encrypted, another compression method,
        nested too deep, damaged); :meth:`open` raises it.
    """

    def __init__(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, budget: Budget
    ) -> None:
        self.label = label
        self.size_bytes = info.file_size
        self.problem: ImportFileError | None = None
        self._archive = archive
        self._info = info
        self._budget = budget
        self.counted_bytes = 0  # bytes already counted against the archive's total

    def open(self) -> io.BufferedReader:
        """Open the member for streaming; the caps are enforced on the bytes actually read.

        Raises
        ------
        ImportFileError
            The member's :attr:`problem`, or a new one if it cannot be opened.
        """
        if self.problem is not None:
            raise self.problem
        try:
            stream = self._archive.open(self._info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise self._error(f"cannot be opened: {exc}") from exc
        return io.BufferedReader(_BoundedReader(stream, self._budget, self), _CHUNK)

    def count(self, size: int) -> None:
        """Note that ``size`` bytes of the member have been expanded; raise if a cap is broken."""
        if size > self.counted_bytes:
            self._budget.total_bytes += size - self.counted_bytes
            self.counted_bytes = size
        self._budget.check(size, max(self._info.compress_size, 1), self.label)

    def _error(self, problem: str) -> ImportFileError:
        return ImportFileError(
            f"{self._budget.source}/{self.label}",
            problem,
            recovered="nothing from this member; the archive's other files are read",
        )

    def check_openable(self) -> None:
        """Set :attr:`problem` for a member this module will not open (checked before reading)."""
        info = self._info
        if info.flag_bits & 0x1:
            self.problem = self._error(
                "the member is encrypted; export the archive again without a password"
            )
        elif info.compress_type not in OPENED_METHODS:
            method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            self.problem = self._error(
                f"the member is compressed with {method}; only stored and deflated (ordinary ZIP) "
                "members are opened, because bzip2, LZMA and other methods cannot be expanded "
                "under a size cap here; re-create the archive with ordinary ZIP compression"
            )


class _BoundedReader(io.RawIOBase):
    """A read-only stream over one member that stops at the archive-bomb caps."""

    def __init__(self, stream: io.BufferedIOBase, budget: Budget, member: ArchiveMember) -> None:
        super().__init__()
        self._stream = stream
        self._budget = budget
        self._member = member
        self._size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - memoryview/bytearray per io protocol
        try:
            chunk = self._stream.read(min(len(buffer), _CHUNK))
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise self._member._error(f"cannot be decompressed: {exc}") from exc
        n = len(chunk)
        buffer[:n] = chunk
        self._size += n
        self._member.count(self._size)
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


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
    return (
        any(part in label for part in _SKIPPED_PARTS) or posixpath.basename(label) in _SKIPPED_NAMES
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
        raise member._error(
            f"the member is an archive inside a nested archive; only {MAX_NESTING} level of "
            "nesting is opened"
        )
    copy = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=NESTED_IN_MEMORY_BYTES))
    with member.open() as stream:
        shutil.copyfileobj(stream, copy, _CHUNK)
    copy.seek(0)
    try:
        opened = _open_zip(source, copy, budget, member.label)
    except ImportFileError as exc:
        if is_archive_refusal(exc):
            raise
        raise member._error(exc.problem) from exc
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
