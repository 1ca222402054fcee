"""Count a ZIP archive's entries from its raw directory, before :mod:`zipfile` parses it.

:class:`zipfile.ZipFile` reads the whole central directory when it opens an
archive, building one :class:`zipfile.ZipInfo` per entry: for an archive of
a million empty members that alone takes seconds and hundreds of megabytes,
before any cap on the member count could act. :func:`count_entries` finds
the same central directory zipfile will read (ZIP File Format Specification,
PKWARE APPNOTE 6.3.10, sections 4.3.12 "central directory structure", 4.3.14
"Zip64 end of central directory record", 4.3.15 "locator" and 4.3.16 "end of
central directory record") and counts its entries in bounded time and memory:

* the entry count the end record declares (16 bits, or 64 bits in the Zip64
  record) is compared with the cap first;
* the end record can lie, and zipfile reads entries until it has consumed
  the directory's declared *size*, whatever the declared count; every entry
  starts with the signature ``PK\\x01\\x02``, so the directory holds at most as
  many entries as that signature occurs in it. It is counted chunk by chunk,
  and counting stops as soon as the cap is passed.

The search for the end record mirrors :func:`zipfile._EndRecData` (Python
3.11): the last 22 bytes if they form an end record without a comment, else
the last occurrence of its signature within the last 64 KiB + 22 bytes.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

#: End of central directory record (APPNOTE 4.3.16), 22 bytes without its comment.
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
#: Zip64 end of central directory locator (4.3.15) and record (4.3.14, without extensible data).
_LOCATOR = struct.Struct("<4sLQL")
_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIGNATURE = b"PK\x06\x06"
#: Signature that starts every central directory entry (4.3.12).
ENTRY_SIGNATURE = b"PK\x01\x02"

_MAX_COMMENT = 0xFFFF
_CHUNK = 1024**2


def _end_record(handle: BinaryIO, file_size: int) -> tuple[int, tuple] | None:
    """``(offset, fields)`` of the end record, found as zipfile finds it, or ``None``."""
    if file_size < _END.size:
        return None
    handle.seek(file_size - _END.size)
    last = handle.read(_END.size)
    if last[:4] == _END_SIGNATURE and last[-2:] == b"\x00\x00":
        return file_size - _END.size, _END.unpack(last)
    tail_size = min(file_size, _END.size + _MAX_COMMENT)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        return None
    return file_size - tail_size + at, _END.unpack_from(tail, at)


def _zip64_directory(handle: BinaryIO, end_offset: int) -> tuple[int, int, int] | None:
    """``(entries, directory size, directory start)`` from the Zip64 records, if present."""
    locator_at = end_offset - _LOCATOR.size
    record_at = locator_at - _END64.size
    if record_at < 0:
        return None
    handle.seek(locator_at)
    locator = handle.read(_LOCATOR.size)
    if len(locator) != _LOCATOR.size or locator[:4] != _LOCATOR_SIGNATURE:
        return None
    handle.seek(record_at)
    record = handle.read(_END64.size)
    if len(record) != _END64.size or record[:4] != _END64_SIGNATURE:
        return None
    fields = _END64.unpack(record)
    entries, size = fields[7], fields[8]
    return entries, size, record_at - size


def count_entries(handle: BinaryIO, limit: int) -> int | None:
    """Return how many entries an archive's central directory holds, counting to ``limit + 1``.

    Parameters
    ----------
    handle : binary file, seekable
        The archive (a file on disk or a :class:`io.BytesIO`); its position
        is left anywhere.
    limit : int
        The most entries the caller accepts: a result over ``limit`` means
        "too many" and is not an exact count.

    Returns
    -------
    int or None
        The larger of the declared count and the signature count (capped at
        ``limit + 1``), or ``None`` when there is no end record (not a ZIP, or
        a damaged one: :mod:`zipfile` reports it when it opens the archive).
    """
    handle.seek(0, os.SEEK_END)
    file_size = handle.tell()
    found = _end_record(handle, file_size)
    if found is None:
        return None
    end_offset, fields = found
    entries, size = fields[4], fields[5]
    start = end_offset - size
    zip64 = _zip64_directory(handle, end_offset)
    if zip64 is not None:
        entries, size, start = zip64
    if entries > limit:
        return entries
    if start < 0:
        return entries  # zipfile refuses a directory that starts before the file
    return max(entries, _count_signatures(handle, start, size, limit))


def _count_signatures(handle: BinaryIO, start: int, size: int, limit: int) -> int:
    """Occurrences of :data:`ENTRY_SIGNATURE` in ``size`` bytes from ``start``, to ``limit + 1``."""
    handle.seek(start)
    count, left, carry = 0, size, b""
    while left > 0 and count <= limit:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)
        window = carry + chunk
        count += window.count(ENTRY_SIGNATURE)
        # A signature straddling two chunks is counted with the next one: keep 3 bytes, too
        # few to hold a whole (4-byte) signature, so none is counted twice.
        carry = window[-3:]
    return count
