"""One file inside a ZIP archive, opened as a stream that stops at the archive-bomb caps.

:class:`ArchiveMember` is what :func:`analyzer.io.archive.iter_archive_members`
yields: a harmless label, the declared size, and a stream whose every chunk is
charged to the archive's :class:`~analyzer.io.archive_limits.Budget`, so a
member is refused as soon as the bytes it *actually* expands to break a cap.

Only stored and deflated members are opened (:data:`OPENED_METHODS`). For
bzip2 and LZMA members :mod:`zipfile` decompresses a whole compressed chunk
before it cuts the result to the requested size (``ZipExtFile._read2`` passes
no ``max_length`` for them), so a 2.4 kB bzip2 member expands to 3 GB in one
call, before any cap can act. Every export the analyzer knows (Garmin, Apple
Health, Google Takeout, Strava, WHOOP, Oura) uses deflate. Method numbers are
those of the ZIP File Format Specification (PKWARE APPNOTE 6.3.10, section
4.4.5).

A member that cannot be opened (encrypted, another compression method,
damaged) carries its :class:`~analyzer.errors.ImportFileError` as
:attr:`ArchiveMember.problem`: it fails alone, and the archive's other
members are still read.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from analyzer.errors import ImportFileError
from analyzer.io.archive_limits import Budget

#: Compression methods whose members are opened (APPNOTE 4.4.5): stored and deflate.
OPENED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
#: Names of the other methods, for messages (APPNOTE 4.4.5).
METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz", 98: "PPMd"}
#: Most bytes decompressed at once from a member [bytes]: each chunk is checked against the caps.
CHUNK_BYTES = 1024**2


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
            raise self.error(f"cannot be opened: {exc}") from exc
        return io.BufferedReader(_BoundedReader(stream, self._budget, self), CHUNK_BYTES)

    def count(self, size: int) -> None:
        """Note that ``size`` bytes of the member have been expanded; raise if a cap is broken."""
        if size > self.counted_bytes:
            self._budget.total_bytes += size - self.counted_bytes
            self.counted_bytes = size
        self._budget.check(size, max(self._info.compress_size, 1), self.label)

    def error(self, problem: str) -> ImportFileError:
        """An error naming this member, saying the archive's other files are still read."""
        return ImportFileError(
            f"{self._budget.source}/{self.label}",
            problem,
            recovered="nothing from this member; the archive's other files are read",
        )

    def check_openable(self) -> None:
        """Set :attr:`problem` for a member this module will not open (checked before reading)."""
        info = self._info
        if info.flag_bits & 0x1:
            self.problem = self.error(
                "the member is encrypted; export the archive again without a password"
            )
        elif info.compress_type not in OPENED_METHODS:
            method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            self.problem = self.error(
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
            chunk = self._stream.read(min(len(buffer), CHUNK_BYTES))
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise self._member.error(f"cannot be decompressed: {exc}") from exc
        n = len(chunk)
        buffer[:n] = chunk
        self._size += n
        self._member.count(self._size)
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()
