"""Walk the record boundaries of a FIT file once.

The walk reads every file header, every definition message and the one-byte
header of every data message, and records *where* each data message starts
and which definition it uses. It never decodes a data message: that is done
afterwards, all messages of one definition at once, by :mod:`.decode`.

The inner loop is kept lean: a 256-entry table maps a record-header byte to
the total size of the data record it starts (0 for an undefined local message
type, -1 for a definition message), so that a data record costs one table
look-up and one append. A definition message costs a dictionary look-up of
its bytes: the *shape* it declares (message number, byte order, fields) is
parsed once per distinct byte string and process (a Suunto Ambit3 writes a
definition before nearly every data message, 14,217 for 14,768). Which
definition each record used is reconstructed afterwards, vectorised, from
the header bytes and the local message type and first record of each
definition.

Problems do not raise unless nothing at all can be read: a truncated file, a
bad CRC, a data message for an undefined local type or garbage after a
complete segment stop the walk (or are noted) and become warnings; the
messages read before the problem are kept.

Limits (hostile input must not exhaust memory or time): at most
:data:`MAX_DATA_MESSAGES` data messages and :data:`MAX_SHAPES` distinct
definition shapes per file, holding at most :data:`MAX_SHAPE_FIELDS` fields,
and at most :data:`MAX_DEFINITIONS` definition messages; past one of them
the walk stops with a warning and keeps what came before.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from analyzer.errors import FitHeaderError
from analyzer.io.boundedcache import weighted_cache

from .crc import crc16, crc16_py

_HEADER_MAGIC = b".FIT"
#: Highest major protocol version of the FIT protocol this reader knows (FIT SDK 21: 2.x).
MAX_PROTOCOL_MAJOR = 2
#: Data messages read from one file at most: 46 days of 1 Hz records (the longest real
#: activities, multi-day ultras, hold a few hundred thousand).
MAX_DATA_MESSAGES = 4_000_000
#: Distinct definitions (message number, byte order, field list) per file at most; real
#: files have a few dozen, the most seen (a fit_tool file with fields in random order) 366.
MAX_SHAPES = 4096
#: Fields (native and developer) of the distinct definitions of one file at most: each costs
#: decoding work per file, and 4,096 layouts of 255 fields (a 4.6 MB file) took 19 s to
#: inspect. The real file with the most layouts (366) declares 4,729.
MAX_SHAPE_FIELDS = 65_536
#: Definition messages per file at most (a Suunto file writes one per data message).
MAX_DEFINITIONS = 4_000_000


class Shape(NamedTuple):
    """What a definition message declares.

    Attributes
    ----------
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

    global_num: int
    endian: str
    fields: tuple[tuple[int, int, int], ...]
    dev_fields: tuple[tuple[int, int, int], ...]
    size: int


class Definition(NamedTuple):
    """One definition message: where it is and the :class:`Shape` it declares."""

    offset: int
    segment: int
    local: int
    shape: Shape

    @property
    def global_num(self) -> int:
        return self.shape.global_num

    @property
    def endian(self) -> str:
        return self.shape.endian

    @property
    def fields(self) -> tuple[tuple[int, int, int], ...]:
        return self.shape.fields

    @property
    def dev_fields(self) -> tuple[tuple[int, int, int], ...]:
        return self.shape.dev_fields

    @property
    def size(self) -> int:
        return self.shape.size


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


def _ints() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class Walk:
    """Where every complete data message of a file starts and what defines it.

    Attributes
    ----------
    shapes : list of Shape
        The distinct definition shapes of the file, in order of first appearance.
    def_offsets, def_segments, def_locals, def_shapes : ndarray of int64
        Per definition message: its byte offset, segment, local message type
        and index into ``shapes``.
    positions : ndarray of int64
        Byte offset of each data record's header byte, in file order.
    definition_ids : ndarray of int64
        Index of the definition message each record uses.
    compressed : ndarray of bool
        Whether the record used a compressed-timestamp header.
    time_offsets : ndarray of uint8
        The 5-bit time offset of compressed-timestamp headers (0 otherwise).
    record_segments : ndarray of int64
        Segment index of each record.
    """

    shapes: list[Shape] = field(default_factory=list)
    def_offsets: np.ndarray = field(default_factory=_ints)
    def_segments: np.ndarray = field(default_factory=_ints)
    def_locals: np.ndarray = field(default_factory=_ints)
    def_shapes: np.ndarray = field(default_factory=_ints)
    segments: list[Segment] = field(default_factory=list)
    positions: np.ndarray = field(default_factory=_ints)
    definition_ids: np.ndarray = field(default_factory=_ints)
    compressed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    time_offsets: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    record_segments: np.ndarray = field(default_factory=_ints)
    warnings: list[str] = field(default_factory=list)

    @property
    def definitions(self) -> list[Definition]:
        """Every definition message as a :class:`Definition` (built on each call)."""
        return [
            Definition(offset, segment, local, self.shapes[shape])
            for offset, segment, local, shape in zip(
                self.def_offsets.tolist(),
                self.def_segments.tolist(),
                self.def_locals.tolist(),
                self.def_shapes.tolist(),
            )
        ]


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


def _definition_end(buf: bytes, pos: int, end: int) -> int:
    """The offset after the definition message at ``pos`` (raises :class:`_Stop` past ``end``)."""
    if pos + 6 > end:
        raise _Stop(f"file ends inside a definition message at byte {pos}")
    cursor = pos + 6 + 3 * buf[pos + 5]
    if buf[pos] & 0x20:  # developer fields follow
        if cursor + 1 > end:
            raise _Stop(f"file ends inside a definition message at byte {pos}")
        cursor += 1 + 3 * buf[cursor]
    if cursor > end:
        raise _Stop(f"file ends inside a definition message at byte {pos}")
    return cursor


@weighted_cache(lambda key: len(key) // 3)
def _shape(key: bytes) -> Shape:
    """The shape declared by a definition's bytes after its header byte (parsed once per process).

    Cached by weight (:mod:`analyzer.io.boundedcache`): a shape of 255 fields
    holds about 19 kB.
    """
    endian = ">" if key[1] else "<"
    global_num = struct.unpack_from(endian + "H", key, 2)[0]
    n_fields = key[4]
    raw = key[5 : 5 + 3 * n_fields]
    fields = tuple((raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3))
    dev_fields: tuple[tuple[int, int, int], ...] = ()
    if len(key) > 5 + 3 * n_fields:
        raw = key[6 + 3 * n_fields :]
        dev_fields = tuple((raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3))
    size = sum(f[1] for f in fields) + sum(f[1] for f in dev_fields)
    return Shape(global_num, endian, fields, dev_fields, size)


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
        self.shapes: list[Shape] = []
        self.shape_ids: dict[bytes, int] = {}
        self.shape_fields = 0  # fields of the distinct definitions
        self.def_offsets = array("q")
        self.def_segments = array("q")
        self.def_locals = array("q")
        self.def_shapes = array("q")
        self.def_starts = array("q")  # records found before each definition

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
        """Number of consecutive records of ``size`` bytes starting at ``pos``, before ``end``."""
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

    def _budget_end(self, pos: int, end: int) -> int:
        """Where the walk must check the cap on data messages again (each is >= 1 byte)."""
        return min(end, pos + max(MAX_DATA_MESSAGES - self.count, 0))

    def walk_segment(self, start: int, end: int, segment: int) -> str | None:
        """Walk the records in ``[start, end)``; return why it stopped early, if it did."""
        buf = self.buf
        step = [0] * 256
        for h in range(0x40, 0x80):
            step[h] = -1
        step_np = np.asarray(step, dtype=np.int64)
        step_changed = False
        pos = start
        checkpoint = self._budget_end(pos, end)
        last = streak = 0
        threshold = _RUN_STREAK
        while True:
            append = self.pending.append
            while pos < checkpoint and (size := step[buf[pos]]) > 0:
                if size == last:
                    streak += 1
                    if streak >= threshold:
                        if step_changed:
                            step_np = np.asarray(step, dtype=np.int64)
                            step_changed = False
                        run = self._run(step_np, pos, size, checkpoint)
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
            if pos >= checkpoint:
                if self.count >= MAX_DATA_MESSAGES:
                    return (
                        f"more than {MAX_DATA_MESSAGES:,} data messages at byte {pos} "
                        "(a limit of this reader)"
                    )
                checkpoint = self._budget_end(pos, end)
                continue
            if step[buf[pos]] == 0:
                local = buf[pos] & 0x0F if buf[pos] < 0x80 else (buf[pos] >> 5) & 0x3
                return f"data message for undefined local message type {local} at byte {pos}"
            try:
                next_pos = _definition_end(buf, pos, end)
            except _Stop as stop:
                return str(stop.args[0])
            why = self._add_definition(buf, pos, next_pos, segment)
            if why:
                return why
            local = buf[pos] & 0x0F
            record_size = self.shapes[self.def_shapes[-1]].size + 1
            headers = _HEADERS_OF_LOCAL[local]
            if step[headers[0]] != record_size:
                for h in headers:
                    step[h] = record_size
                step_changed = True
            pos = next_pos
            last = streak = 0
        if pos > end:
            self._drop_last()
            return f"file ends inside a data message at byte {pos - size}"
        return None

    def _add_definition(self, buf: bytes, pos: int, end: int, segment: int) -> str | None:
        """Record the definition message in ``[pos, end)``; say why not when a limit is hit."""
        if len(self.def_offsets) >= MAX_DEFINITIONS:
            return f"more than {MAX_DEFINITIONS:,} definition messages at byte {pos}"
        key = buf[pos + 1 : end]
        index = self.shape_ids.get(key)
        if index is None:
            if len(self.shapes) >= MAX_SHAPES:
                return (
                    f"more than {MAX_SHAPES:,} different message definitions at byte {pos} "
                    "(a limit of this reader)"
                )
            shape = _shape(key)
            self.shape_fields += len(shape.fields) + len(shape.dev_fields)
            if self.shape_fields > MAX_SHAPE_FIELDS:
                return (
                    f"more than {MAX_SHAPE_FIELDS:,} fields in different message definitions at "
                    f"byte {pos} (a limit of this reader)"
                )
            index = self.shape_ids[key] = len(self.shapes)
            self.shapes.append(shape)
        self.def_offsets.append(pos)
        self.def_segments.append(segment)
        self.def_locals.append(buf[pos] & 0x0F)
        self.def_shapes.append(index)
        self.def_starts.append(self.count)
        return None

    def _drop_last(self) -> None:
        self._flush()
        last = self.chunks[-1]
        self.chunks[-1] = last[:-1]
        self._flushed -= 1


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
    """Turn the walker's lists into the vectorised record tables of ``result``.

    A record of local type ``l`` uses the last definition of ``l`` before it:
    definitions of one local type, ordered by the records found before them,
    searched with each record's index.
    """
    result.shapes = walker.shapes
    for name in ("def_offsets", "def_segments", "def_locals", "def_shapes"):
        setattr(result, name, np.frombuffer(getattr(walker, name), dtype=np.int64).copy())
    positions = walker.positions()
    result.positions = positions
    if positions.size == 0:
        return
    headers = np.frombuffer(buf, dtype=np.uint8)[positions]
    compressed = headers >= 0x80
    local = np.where(compressed, (headers >> 5) & 0x3, headers & 0x0F)
    starts = np.frombuffer(walker.def_starts, dtype=np.int64)
    definition_ids = np.empty(positions.size, dtype=np.int64)
    for value in np.unique(local).tolist():
        defs = np.flatnonzero(result.def_locals == value)
        records = np.flatnonzero(local == value)
        definition_ids[records] = defs[np.searchsorted(starts[defs], records, side="right") - 1]
    result.definition_ids = definition_ids
    result.compressed = compressed
    result.time_offsets = np.where(compressed, headers & 0x1F, 0).astype(np.uint8)
    result.record_segments = (
        np.searchsorted(np.asarray(segment_starts), np.arange(positions.size), side="right") - 1
    )
