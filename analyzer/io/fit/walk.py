"""Walk the record boundaries of a FIT file once.

The walk reads every file header, every definition message and the one-byte
header of every data message, and records *where* each data message starts
and which definition it uses. It never decodes a data message: that is done
afterwards, all messages of one definition at once, by :mod:`.decode`.

The inner loop is kept lean: a 256-entry table maps a record-header byte to
the total size of the data record it starts (0 for an undefined local message
type, -1 for a definition message), so that a data record costs one table
look-up and one append. Which definition each record used is reconstructed
afterwards, vectorised, from the header bytes and the list of definition
"epochs" (the local-type map after each definition message).

Problems do not raise unless nothing at all can be read: a truncated file, a
bad CRC, a data message for an undefined local type or garbage after a
complete segment stop the walk (or are noted) and become warnings; the
messages read before the problem are kept.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, field

import numpy as np

from analyzer.errors import FitHeaderError

from .crc import crc16, crc16_py

_HEADER_MAGIC = b".FIT"
#: Highest major protocol version of the FIT protocol this reader knows (FIT SDK 21: 2.x).
MAX_PROTOCOL_MAJOR = 2


@dataclass(frozen=True)
class Definition:
    """One definition message.

    Attributes
    ----------
    offset : int
        Byte offset of the definition record in the file.
    segment : int
        Index of the (chained) FIT segment it belongs to.
    local : int
        Local message type 0-15.
    global_num : int
        Global message number (profile message).
    endian : str
        ``"<"`` (little) or ``">"`` (big endian).
    fields : tuple of (int, int, int)
        ``(field number, size in bytes, base type byte)`` in record order.
    dev_fields : tuple of (int, int, int)
        ``(field number, size in bytes, developer data index)``.
    size : int
        Bytes of a data record's payload (without its header byte).
    """

    offset: int
    segment: int
    local: int
    global_num: int
    endian: str
    fields: tuple[tuple[int, int, int], ...]
    dev_fields: tuple[tuple[int, int, int], ...]
    size: int


@dataclass(frozen=True)
class Segment:
    """One FIT file of a (possibly chained) file: header, records and CRC."""

    offset: int
    header_size: int
    data_size: int
    protocol_version: int
    profile_version: int
    header_crc_ok: bool | None
    crc_ok: bool | None


@dataclass
class Walk:
    """Where every complete data message of a file starts and what defines it.

    Attributes
    ----------
    positions : ndarray of int64
        Byte offset of each data record's header byte, in file order.
    definition_ids : ndarray of int64
        Index into ``definitions`` of the definition each record uses.
    compressed : ndarray of bool
        Whether the record used a compressed-timestamp header.
    time_offsets : ndarray of int64
        The 5-bit time offset of compressed-timestamp headers (0 otherwise).
    record_segments : ndarray of int64
        Segment index of each record.
    """

    definitions: list[Definition] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    definition_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    compressed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    time_offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    record_segments: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    warnings: list[str] = field(default_factory=list)


class _Stop(Exception):
    """Internal: the walk cannot go on; ``args[0]`` says why."""


def _data_header_bytes(local: int) -> list[int]:
    """Record-header bytes that start a data message of local type ``local``."""
    normal = [h for h in range(0x40) if h & 0x0F == local]
    compressed = [h for h in range(0x80, 0x100) if (h >> 5) & 0x3 == local]
    return normal + compressed


_HEADERS_OF_LOCAL = [_data_header_bytes(local) for local in range(16)]


def _parse_header(buf: bytes, pos: int, source: str) -> tuple[Segment, int]:
    """Parse the file header at ``pos``; return it and the header size."""
    if len(buf) - pos < 12:
        raise FitHeaderError(source, "file too short for a FIT header", offset=pos)
    size = buf[pos]
    protocol, profile_version, data_size = struct.unpack_from("<BHI", buf, pos + 1)
    if buf[pos + 8 : pos + 12] != _HEADER_MAGIC or size < 12:
        raise FitHeaderError(source, "no FIT header ('.FIT' signature missing)", offset=pos)
    if len(buf) - pos < size:
        raise FitHeaderError(source, f"file ends inside its {size}-byte header", offset=pos)
    header_crc_ok = None
    if size >= 14:
        stored = struct.unpack_from("<H", buf, pos + 12)[0]
        if stored:  # 0 means "not computed" (FIT SDK)
            header_crc_ok = crc16_py(buf[pos : pos + 12]) == stored
    segment = Segment(pos, size, data_size, protocol, profile_version, header_crc_ok, None)
    return segment, size


def _parse_definition(buf: bytes, pos: int, end: int, segment: int) -> tuple[Definition, int]:
    """Parse the definition message at ``pos``; return it and the next offset."""
    if pos + 6 > end:
        raise _Stop(f"file ends inside a definition message at byte {pos}")
    header = buf[pos]
    endian = ">" if buf[pos + 2] else "<"
    global_num = struct.unpack_from(endian + "H", buf, pos + 3)[0]
    n_fields = buf[pos + 5]
    cursor = pos + 6
    if cursor + 3 * n_fields > end:
        raise _Stop(f"file ends inside a definition message at byte {pos}")
    raw = buf[cursor : cursor + 3 * n_fields]
    fields = tuple((raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3))
    cursor += 3 * n_fields
    dev_fields: tuple[tuple[int, int, int], ...] = ()
    if header & 0x20:
        if cursor + 1 > end:
            raise _Stop(f"file ends inside a definition message at byte {pos}")
        n_dev = buf[cursor]
        cursor += 1
        if cursor + 3 * n_dev > end:
            raise _Stop(f"file ends inside a definition message at byte {pos}")
        raw = buf[cursor : cursor + 3 * n_dev]
        dev_fields = tuple((raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3))
        cursor += 3 * n_dev
    size = sum(f[1] for f in fields) + sum(f[1] for f in dev_fields)
    definition = Definition(
        pos, segment, header & 0x0F, global_num, endian, fields, dev_fields, size
    )
    return definition, cursor


#: Same-size records in a row before the walker looks for a longer run with numpy.
_RUN_STREAK = 8
#: Records checked by the first numpy look-ahead of a run, and at most per look-ahead.
_RUN_FIRST_CHUNK = 256
_RUN_CHUNK = 4096


class _RecordWalker:
    """State of the walk over the records of all segments.

    Long runs of records of one size (a 1 Hz ``record`` stream) are found
    with numpy: if the header bytes at ``pos``, ``pos + size``, ``pos +
    2 size``... all start data records of that size, those are the next
    records (no definition can hide between them), so the whole run is
    appended at once. The run check is exact, not a heuristic.
    """

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.data = np.frombuffer(buf, dtype=np.uint8)
        self.chunks: list[np.ndarray] = []
        self.pending = array("q")
        self._flushed = 0  # records in ``chunks``
        self.definitions: list[Definition] = []
        self.epoch_starts: list[int] = []
        self.epoch_maps: list[list[int]] = []

    @property
    def count(self) -> int:
        """Records found so far."""
        return self._flushed + len(self.pending)

    def positions(self) -> np.ndarray:
        self._flush()
        if not self.chunks:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(self.chunks)

    def _flush(self) -> None:
        if self.pending:
            self.chunks.append(np.frombuffer(self.pending, dtype=np.int64).copy())
            self._flushed += len(self.pending)
            self.pending = array("q")

    def _run(self, step_np: np.ndarray, pos: int, size: int, end: int) -> int:
        """Number of consecutive records of ``size`` bytes starting at ``pos``."""
        count = 0
        chunk = _RUN_FIRST_CHUNK  # grows: runs between events are often a few hundred records
        while True:
            k = min((end - pos) // size, chunk)
            chunk = min(4 * chunk, _RUN_CHUNK)
            if k <= 0:
                return count
            heads = step_np[self.data[pos : pos + k * size : size]]
            bad = np.flatnonzero(heads != size)
            m = int(bad[0]) if bad.size else k
            count += m
            pos += m * size
            if m < k:
                return count

    def walk_segment(self, start: int, end: int, segment: int) -> str | None:
        """Walk the records in ``[start, end)``; return why it stopped early, if it did."""
        buf = self.buf
        step = [0] * 256
        for h in range(0x40, 0x80):
            step[h] = -1
        step_np = np.asarray(step, dtype=np.int64)
        local_map = [-1] * 16
        self._new_epoch(local_map)
        pos = start
        last = streak = 0
        threshold = _RUN_STREAK
        while True:
            append = self.pending.append
            while pos < end and (size := step[buf[pos]]) > 0:
                if size == last:
                    streak += 1
                    if streak >= threshold:
                        run = self._run(step_np, pos, size, end)
                        if run:
                            self._flush()
                            self.chunks.append(
                                np.arange(pos, pos + run * size, size, dtype=np.int64)
                            )
                            self._flushed += run
                            pos += run * size
                            append = self.pending.append
                        threshold = _RUN_STREAK if run > 4 * _RUN_STREAK else 2 * threshold
                        streak = 0
                        continue
                else:
                    last, streak = size, 0
                append(pos)
                pos += size
            if pos >= end:
                break
            if step[buf[pos]] == 0:
                local = buf[pos] & 0x0F if buf[pos] < 0x80 else (buf[pos] >> 5) & 0x3
                return f"data message for undefined local message type {local} at byte {pos}"
            try:
                definition, pos = _parse_definition(buf, pos, end, segment)
            except _Stop as stop:
                return str(stop.args[0])
            local_map[definition.local] = len(self.definitions)
            self.definitions.append(definition)
            for h in _HEADERS_OF_LOCAL[definition.local]:
                step[h] = definition.size + 1
                step_np[h] = definition.size + 1
            last = streak = 0
            self._new_epoch(local_map)
        if pos > end:
            self._drop_last()
            return f"file ends inside a data message at byte {pos - size}"
        return None

    def _drop_last(self) -> None:
        self._flush()
        last = self.chunks[-1]
        self.chunks[-1] = last[:-1]
        self._flushed -= 1

    def _new_epoch(self, local_map: list[int]) -> None:
        self.epoch_starts.append(self.count)
        self.epoch_maps.append(list(local_map))


def walk(buf: bytes, source: str, *, check_crc: bool = True) -> Walk:
    """Walk all segments of ``buf``.

    Parameters
    ----------
    buf : bytes
        The whole file.
    source : str
        File name for messages.
    check_crc : bool, default True
        Verify the header and file CRCs (mismatches become warnings).

    Returns
    -------
    Walk

    Raises
    ------
    FitHeaderError
        If the file does not start with a FIT header.
    """
    result = Walk()
    walker = _RecordWalker(buf)
    segment_starts: list[int] = []
    pos = 0
    n = len(buf)
    if n == 0:
        raise FitHeaderError(source, "file is empty, too short for a FIT header", offset=0)
    while pos < n:
        try:
            segment, header_size = _parse_header(buf, pos, source)
        except FitHeaderError as exc:
            if not result.segments:
                raise
            result.warnings.append(
                f"{n - pos} bytes after FIT segment {len(result.segments)} are not a FIT "
                f"file and were ignored ({exc.problem} at byte {pos})"
            )
            break
        index = len(result.segments)
        number = index + 1  # segments are numbered from 1 in messages
        if segment.header_crc_ok is False and check_crc:
            result.warnings.append(f"header CRC mismatch in FIT segment {number} at byte {pos}")
        if segment.protocol_version >> 4 > MAX_PROTOCOL_MAJOR:
            result.warnings.append(
                f"FIT segment {number} declares protocol version "
                f"{segment.protocol_version >> 4}.{segment.protocol_version & 0x0F}; this reader "
                f"knows versions up to {MAX_PROTOCOL_MAJOR}.x and read it as such, so values "
                "may be wrong"
            )
        declared_end = pos + header_size + segment.data_size
        segment_starts.append(walker.count)
        stop = walker.walk_segment(pos + header_size, min(declared_end, n), index)
        crc_ok = None
        if declared_end + 2 <= n and check_crc:
            stored = struct.unpack_from("<H", buf, declared_end)[0]
            crc_ok = crc16(memoryview(buf)[pos:declared_end]) == stored
            if not crc_ok:
                result.warnings.append(
                    f"file CRC mismatch in FIT segment {number} (CRC at byte {declared_end}); "
                    "the data were kept but may be corrupt"
                )
        result.segments.append(
            Segment(
                segment.offset,
                header_size,
                segment.data_size,
                segment.protocol_version,
                segment.profile_version,
                segment.header_crc_ok,
                crc_ok,
            )
        )
        if stop is not None:
            result.warnings.append(f"stopped reading: {stop}; kept the messages before it")
            break
        if declared_end > n:
            result.warnings.append(
                f"file is truncated: FIT segment {number} declares {segment.data_size} bytes "
                f"of records but the file ends at byte {n}; kept every complete message"
            )
            break
        if declared_end + 2 > n:
            result.warnings.append(f"FIT segment {number} has no file CRC (file ends at byte {n})")
            break
        pos = declared_end + 2
    _finish(result, walker, buf, segment_starts)
    return result


def _finish(result: Walk, walker: _RecordWalker, buf: bytes, segment_starts: list[int]) -> None:
    """Turn the walker's lists into the vectorised record tables of ``result``."""
    result.definitions = walker.definitions
    positions = walker.positions()
    result.positions = positions
    if positions.size == 0:
        return
    headers = np.frombuffer(buf, dtype=np.uint8)[positions].astype(np.int64)
    compressed = headers >= 0x80
    local = np.where(compressed, (headers >> 5) & 0x3, headers & 0x0F)
    record_index = np.arange(positions.size)
    epoch = np.searchsorted(np.asarray(walker.epoch_starts), record_index, side="right") - 1
    maps = np.asarray(walker.epoch_maps, dtype=np.int64)
    result.definition_ids = maps[epoch, local]
    result.compressed = compressed
    result.time_offsets = np.where(compressed, headers & 0x1F, 0)
    result.record_segments = (
        np.searchsorted(np.asarray(segment_starts), record_index, side="right") - 1
    )
