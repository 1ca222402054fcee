"""Open ZIP archives of a whole export, in memory or where they lie on disk, safely.

An account export (Garmin, Apple Health, Strava, Oura, Fitbit) arrives as one
ZIP whose members are the files the readers know. The archive comes from the
user but may have been built by anyone, so this module

* never writes a member to disk and never uses a member name as a path: names
  are kept only as labels, with ``..``, drive letters, absolute roots and
  backslashes neutralised;
* refuses archive bombs: it caps the number of members, the bytes one member
  and all members together expand to, and the compression ratio. The caps are
  checked on the bytes *actually* decompressed, chunk by chunk, so a member
  whose header under-declares its size is caught as well;
* opens ZIPs nested inside the archive (Garmin's ``UploadedFiles_*.zip``) one
  level deep, counting their bytes against the same budget.
"""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from analyzer.errors import ImportFileError

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


class _Budget:
    """Counts members and expanded bytes across an archive and its nested archives."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.members = 0
        self.total_bytes = 0

    def count_member(self, label: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise ImportFileError(
                self.source,
                f"the archive holds more than {self.limits.max_members} files (at {label!r}); "
                "refusing it as a possible archive bomb",
                recovered="nothing",
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
            error = ImportFileError(
                self.source,
                problem + "; refusing it as a possible archive bomb",
                recovered="nothing",
            )
            error.archive_limit = True  # an archive-level refusal, not one member's problem
            raise error


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
    """

    def __init__(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, budget: _Budget
    ) -> None:
        self.label = label
        self.size_bytes = info.file_size
        self._archive = archive
        self._info = info
        self._budget = budget
        self.counted_bytes = 0  # bytes already counted against the archive's total

    def open(self) -> io.BufferedReader:
        """Open the member for streaming; the caps are enforced on the bytes actually read."""
        try:
            stream = self._archive.open(self._info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
            raise ImportFileError(
                self._budget.source, f"member {self.label!r} cannot be opened: {exc}"
            ) from exc
        return io.BufferedReader(_BoundedReader(stream, self._budget, self), _CHUNK)

    def count(self, size: int) -> None:
        """Note that ``size`` bytes of the member have been expanded; raise if a cap is broken."""
        if size > self.counted_bytes:
            self._budget.total_bytes += size - self.counted_bytes
            self.counted_bytes = size
        self._budget.check(size, max(self._info.compress_size, 1), self.label)


class _BoundedReader(io.RawIOBase):
    """A read-only stream over one member that stops at the archive-bomb caps."""

    def __init__(self, stream: io.BufferedIOBase, budget: _Budget, member: ArchiveMember) -> None:
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
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise ImportFileError(
                self._budget.source, f"member {self._member.label!r} cannot be decompressed: {exc}"
            ) from exc
        n = len(chunk)
        buffer[:n] = chunk
        self._size += n
        self._member.count(self._size)
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


ArchiveSource = bytes | str | os.PathLike


def _open_zip(source: str, archive: ArchiveSource) -> zipfile.ZipFile:
    """Open a ZIP held in memory or on disk (a file on disk is read where it lies, never whole)."""
    try:
        if isinstance(archive, (bytes, bytearray, memoryview)):
            return zipfile.ZipFile(io.BytesIO(archive))
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(source, f"the ZIP archive is damaged or truncated: {exc}") from exc


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _skipped(label: str) -> bool:
    return (
        any(part in label for part in _SKIPPED_PARTS) or posixpath.basename(label) in _SKIPPED_NAMES
    )


def _members(
    source: str, archive_data: ArchiveSource, budget: _Budget, prefix: str, depth: int
) -> Iterator[ArchiveMember]:
    """Yield every file member; nested archives are opened one level deep."""
    with _open_zip(source, archive_data) as archive:
        for info in archive.infolist():
            if info.is_dir() or _is_link(info):
                continue
            label = safe_member_name(info.filename)
            if label is None or _skipped(label):
                continue
            label = f"{prefix}{label}"
            budget.count_member(label)
            if info.flag_bits & 0x1:
                raise ImportFileError(
                    source, f"member {label!r} is encrypted; export it again without a password"
                )
            member = ArchiveMember(archive, info, label, budget)
            with member.open() as stream:
                nested = stream.peek(4)[:4] in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)
                if nested and depth >= 1:
                    raise ImportFileError(
                        source,
                        f"member {label!r} is an archive inside a nested archive; "
                        "only one level of nesting is opened",
                    )
                content = stream.read() if nested else None
            if content is None:
                yield member
            else:
                yield from _members(source, content, budget, f"{label}/", depth + 1)


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
    budget = _Budget(name, limits or DEFAULT_LIMITS)
    yield from _members(name, archive, budget, "", 0)


def iter_archive_streams(
    name: str, data: bytes, *, limits: Limits | None = None
) -> Iterator[tuple[str, io.BufferedReader]]:
    """Yield ``(member_name, stream)`` for every file in the ZIP ``data``, without reading them.

    Like :func:`iter_archive`, for members too large to hold in memory (an
    Apple Health ``export.xml``): each stream enforces the caps as it is read
    and is closed when the next member is yielded.
    """
    for member in iter_archive_members(name, data, limits=limits):
        with member.open() as stream:
            yield member.label, stream


def iter_archive(
    name: str, data: bytes, *, limits: Limits | None = None
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(member_name, content)`` for every file in the ZIP ``data``.

    Members of nested ZIPs are yielded as ``"outer.zip/inner/path"``. Folders,
    symbolic links, ``__MACOSX`` resource forks and ``.DS_Store`` files are
    skipped.

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
        If the archive is damaged, encrypted, nested more than one level, or
        exceeds a cap. Members already yielded stay valid.
    """
    for label, stream in iter_archive_streams(name, data, limits=limits):
        yield label, stream.read()


def gunzip(name: str, data: bytes, *, limits: Limits | None = None) -> bytes:
    """Decompress a gzip file (Strava's ``activities/*.fit.gz``) under the archive-bomb caps.

    Raises
    ------
    ImportFileError
        If the data is not valid gzip or expands beyond the caps.
    """
    budget = _Budget(name, limits or DEFAULT_LIMITS)
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(_CHUNK):
                out.write(chunk)
                budget.total_bytes += len(chunk)
                budget.check(out.tell(), max(len(data), 1), name)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ImportFileError(name, f"the gzip data is damaged or truncated: {exc}") from exc
    return out.getvalue()
