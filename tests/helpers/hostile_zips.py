"""ZIP archives written byte by byte, for the hostile-input tests: any method, flag, size or count.

:mod:`zipfile` refuses to write most of what an attacker writes (lying sizes,
a million entries in a second, encrypted flags without a password), so these
archives are assembled from the records of the ZIP specification (PKWARE
APPNOTE 6.3.10: local file header 4.3.7, central directory header 4.3.12,
Zip64 end records 4.3.14-4.3.15, end of central directory 4.3.16).

Run ``python -m tests.helpers.hostile_zips`` to rebuild the committed
``tests/data/hostile/bzip2_bomb_3gib.zip`` (takes about a minute: bzip2 has
to compress the 3 GiB of zeros it expands to).
"""

from __future__ import annotations

import bz2
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.paths import TEST_DATA

HOSTILE = TEST_DATA / "hostile"
BZIP2_BOMB = HOSTILE / "bzip2_bomb_3gib.zip"
BZIP2_BOMB_BYTES = 48 * 64 * 1024**2  # what its one member expands to: 3 GiB of zeros

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR = struct.Struct("<4sLQL")

STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14


@dataclass(frozen=True)
class Entry:
    """One member: its name, its payload *as stored* (already compressed) and its header fields."""

    name: str
    payload: bytes
    method: int = STORED
    crc: int = 0
    size: int = 0  # the uncompressed size the headers declare
    flags: int = 0
    version: int = 20  # the ZIP version needed to extract it (2.0)

    @classmethod
    def stored(cls, name: str, content: bytes) -> Entry:
        return cls(name, content, STORED, zlib.crc32(content), len(content))

    @classmethod
    def deflated(cls, name: str, content: bytes) -> Entry:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        payload = packer.compress(content) + packer.flush()
        return cls(name, payload, DEFLATED, zlib.crc32(content), len(content))


def _local(entry: Entry) -> bytes:
    name = entry.name.encode("utf-8")
    header = _LOCAL.pack(
        b"PK\x03\x04", 20, entry.flags | 0x800, entry.method, 0, 0x21,
        entry.crc, len(entry.payload), entry.size, len(name), 0,
    )  # fmt: skip
    return header + name + entry.payload


def _central(entry: Entry, offset: int) -> bytes:
    name = entry.name.encode("utf-8")
    header = _CENTRAL.pack(
        b"PK\x01\x02", 20, entry.version, entry.flags | 0x800, entry.method, 0, 0x21,
        entry.crc, len(entry.payload), entry.size, len(name), 0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    return header + name


def _end(entries: int, directory: bytes, start: int, *, declared: int | None, zip64: bool) -> bytes:
    declared = entries if declared is None else declared
    tail = b""
    if zip64:
        record_at = start + len(directory)
        tail += _END64.pack(
            b"PK\x06\x06", 44, 45, 45, 0, 0, declared, declared, len(directory), start
        )
        tail += _LOCATOR.pack(b"PK\x06\x07", 0, record_at, 1)
        declared = 0xFFFF
    return tail + _END.pack(b"PK\x05\x06", 0, 0, declared, declared, len(directory), start, 0)


def build(entries: list[Entry], *, declared: int | None = None, zip64: bool = False) -> bytes:
    """An archive of ``entries``; ``declared`` makes the end record lie about the entry count."""
    body, directory = bytearray(), bytearray()
    for entry in entries:
        directory += _central(entry, len(body))
        body += _local(entry)
    end = _end(len(entries), bytes(directory), len(body), declared=declared, zip64=zip64)
    return bytes(body) + bytes(directory) + end


def many_empty_members(count: int, *, declared: int | None = None) -> bytes:
    """``count`` empty members in a few milliseconds: every directory entry names one local header.

    With more than 65,535 entries the count is written in Zip64 records, unless
    ``declared`` makes the plain end record lie (then no Zip64 record).
    """
    entry = Entry.stored("empty.csv", b"")
    local = _local(entry)
    directory = _central(entry, 0) * count
    zip64 = declared is None and count > 0xFFFF
    return local + directory + _end(count, directory, len(local), declared=declared, zip64=zip64)


def small_csv_members(count: int) -> bytes:
    """``count`` distinct small CSV members (the issue's 60,000-file archive)."""
    return build(
        [Entry.stored(f"day_{i:06d}.csv", b"date,steps\n2024-01-01,1\n") for i in range(count)]
    )


def bzip2_bomb() -> bytes:
    """One bzip2 member of 2.3 kB that expands to :data:`BZIP2_BOMB_BYTES` zeros."""
    packer, chunk = bz2.BZ2Compressor(9), bytes(64 * 1024**2)
    payload, crc = b"", 0
    for _ in range(BZIP2_BOMB_BYTES // len(chunk)):
        payload += packer.compress(chunk)
        crc = zlib.crc32(chunk, crc)
    payload += packer.flush()
    return build([Entry("zeros.csv", payload, BZIP2, crc, BZIP2_BOMB_BYTES)])


def write_fixtures(folder: Path = HOSTILE) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BZIP2_BOMB.name).write_bytes(bzip2_bomb())


if __name__ == "__main__":
    write_fixtures()
