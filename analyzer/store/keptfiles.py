"""Kept originals of large files: streamed in, stored in chunks, streamed out.

The library keeps every imported file so that a better reader can read it
again (:mod:`analyzer.store.reimport`). Small files are one zlib blob in the
``files`` table. A file larger than :data:`LARGE_FILE_BYTES` (an Apple Health
``export.xml`` passes a gigabyte) cannot be handled that way: it would be read
whole into memory, and SQLite refuses any value over ``SQLITE_MAX_LENGTH``
(10⁹ bytes by default). Such a file is kept instead as consecutive pieces of
:data:`CHUNK_BYTES`, each zlib-compressed, in ``file_chunks``:

* the chunks are written inside the import's own transaction, so a crash
  leaves the file wholly kept or not at all, like every other row of the file;
* they are read from the file (or archive member) again while being written,
  and the SHA-256 of what was written must equal the one the duplicate check
  used, so a file that changed during the import is refused, not kept wrong;
* they are read back as a stream (:func:`open_kept`), one chunk in memory at a
  time.

A *source* is anything with a ``size_bytes`` attribute and an ``open()``
method returning a binary stream that can be opened again: a
:class:`PathSource`, an :class:`analyzer.io.archive.ArchiveMember` or a
:class:`KeptSource`.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from analyzer.errors import LibraryError

#: Files larger than this [bytes] are imported from a stream and kept in chunks.
LARGE_FILE_BYTES = 64 * 1024**2
#: Bytes of the original per stored chunk (each compressed on its own).
CHUNK_BYTES = 8 * 1024**2
#: zlib level of kept files: fast, and text exports still shrink 10-20 times.
_ZLIB_LEVEL = 1
_READ_BYTES = 1024**2


class SourceChangedError(ValueError):
    """A file changed while it was being imported (its bytes no longer hash the same)."""


class Source(Protocol):
    """A file that can be read as a stream more than once."""

    size_bytes: int

    def open(self) -> BinaryIO:
        """Open a new binary stream over the whole content."""


@dataclass(frozen=True)
class PathSource:
    """A file on disk."""

    path: Path

    @property
    def size_bytes(self) -> int:
        """The file's size now [bytes]."""
        return self.path.stat().st_size

    def open(self) -> BinaryIO:
        """Open the file for reading."""
        return self.path.open("rb", buffering=_READ_BYTES)


def is_bytes(data: object) -> bool:
    """True if ``data`` is a file's content in memory rather than a :class:`Source`."""
    return isinstance(data, (bytes, bytearray, memoryview))


def size_of(data: bytes | Source) -> int:
    """Size of bytes or of a source [bytes]."""
    return len(data) if is_bytes(data) else data.size_bytes


def sha256_of(data: bytes | Source) -> str:
    """SHA-256 of bytes or of a source, the latter read once as a stream."""
    if is_bytes(data):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with data.open() as stream:
        while chunk := stream.read(_READ_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def is_kept(conn: sqlite3.Connection, sha256: str) -> bool:
    """True if the original of ``sha256`` is kept (whole or in chunks)."""
    query = (
        "SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ?) "
        "OR EXISTS (SELECT 1 FROM file_chunks WHERE sha256 = ?)"
    )
    return bool(conn.execute(query, (sha256, sha256)).fetchone()[0])


def kept_size(conn: sqlite3.Connection, sha256: str) -> int | None:
    """Size of the kept original of ``sha256`` [bytes], or ``None`` if it is not kept."""
    row = conn.execute("SELECT size_bytes FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    if row is not None:
        return int(row[0])
    row = conn.execute(
        "SELECT COUNT(*), SUM(size_bytes) FROM file_chunks WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return int(row[1]) if row[0] else None


def keep_chunks(conn: sqlite3.Connection, sha256: str, data: bytes | Source) -> None:
    """Keep a large original in chunks under ``sha256`` (once; inside the caller's transaction).

    Raises
    ------
    SourceChangedError
        If the content read now does not hash to ``sha256`` (the file changed
        since it was hashed); the caller's transaction then rolls back.
    """
    if is_kept(conn, sha256):
        return
    digest = hashlib.sha256()
    with io.BytesIO(data) if is_bytes(data) else data.open() as stream:
        index = 0
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
            conn.execute(
                "INSERT INTO file_chunks (sha256, chunk_index, size_bytes, data) "
                "VALUES (?, ?, ?, ?)",
                (sha256, index, len(chunk), zlib.compress(chunk, _ZLIB_LEVEL)),
            )
            index += 1
    if digest.hexdigest() != sha256:
        raise SourceChangedError(
            f"the file changed while it was being imported (SHA-256 {digest.hexdigest()} "
            f"instead of {sha256}); import it again"
        )


class _ChunkReader(io.RawIOBase):
    """The kept chunks of one file as a stream, one decompressed chunk in memory at a time."""

    def __init__(self, conn: sqlite3.Connection, sha256: str) -> None:
        super().__init__()
        self._conn = conn
        self._sha256 = sha256
        self._index = 0
        self._chunk = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - memoryview/bytearray per io protocol
        if not self._chunk:
            row = self._conn.execute(
                "SELECT data FROM file_chunks WHERE sha256 = ? AND chunk_index = ?",
                (self._sha256, self._index),
            ).fetchone()
            if row is None:
                return 0
            self._chunk = memoryview(zlib.decompress(row[0]))
            self._index += 1
        n = min(len(buffer), len(self._chunk))
        buffer[:n] = self._chunk[:n]
        self._chunk = self._chunk[n:]
        return n


def open_kept(conn: sqlite3.Connection, sha256: str) -> BinaryIO:
    """Open the kept original of ``sha256`` as a binary stream.

    Raises
    ------
    LibraryError
        If no file is kept under ``sha256``.
    """
    row = conn.execute("SELECT encoding, data FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    if row is not None:
        encoding, blob = row
        return io.BytesIO(zlib.decompress(blob) if encoding == "zlib" else bytes(blob))
    if kept_size(conn, sha256) is None:
        raise LibraryError(f"no kept file with SHA-256 {sha256}")
    return io.BufferedReader(_ChunkReader(conn, sha256), _READ_BYTES)


def kept_bytes(conn: sqlite3.Connection, sha256: str) -> bytes:
    """Return the original bytes kept under ``sha256``.

    A large file is read whole: prefer :func:`open_kept`.
    """
    with open_kept(conn, sha256) as stream:
        return stream.read()


def copy_kept(conn: sqlite3.Connection, sha256: str, destination: BinaryIO) -> None:
    """Write the kept original of ``sha256`` to a binary stream, a chunk at a time."""
    with open_kept(conn, sha256) as stream:
        shutil.copyfileobj(stream, destination, _READ_BYTES)


@dataclass(frozen=True)
class KeptSource:
    """A kept original of the library, as a source (for re-imports)."""

    conn: sqlite3.Connection
    sha256: str
    size_bytes: int

    def open(self) -> BinaryIO:
        """Open the kept original as a stream."""
        return open_kept(self.conn, self.sha256)


def kept_source(conn: sqlite3.Connection, sha256: str) -> bytes | KeptSource:
    """The kept original of ``sha256``: its bytes if small, a :class:`KeptSource` if large."""
    size = kept_size(conn, sha256)
    if size is None:
        raise LibraryError(f"no kept file with SHA-256 {sha256}")
    if size > LARGE_FILE_BYTES:
        return KeptSource(conn, sha256, size)
    return kept_bytes(conn, sha256)


def forget_unused(conn: sqlite3.Connection) -> None:
    """Delete kept originals no import refers to any more (caller's transaction)."""
    conn.execute("DELETE FROM files WHERE sha256 NOT IN (SELECT sha256 FROM imports)")
    conn.execute("DELETE FROM file_chunks WHERE sha256 NOT IN (SELECT sha256 FROM imports)")
