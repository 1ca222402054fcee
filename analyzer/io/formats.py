"""What a file looks like inside: the content probe every format detector reads.

Formats are recognised by content, never by file name (names are localised
and renamed by users): a FIT header's ``.FIT`` signature, a CSV header row's
column names, a JSON document's keys, an XML document's root element. A
:class:`Probe` computes each of these views once, lazily, from the first
bytes of the file (the whole file only for JSON).

Each reader module declares its formats as :class:`FormatSpec` entries; the
registry (:mod:`analyzer.io.registry`) asks them in order.
"""

from __future__ import annotations

import csv
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from analyzer.io.archive import is_archive
from analyzer.io.caps import MAX_JSON_BYTES
from analyzer.io.csvsniff import normalize_header, sniff_delimiter
from analyzer.schema import ImportBundle

#: Bytes of the file's head that CSV and XML detection look at.
HEAD_BYTES = 64 * 1024


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hex (the identity of an imported file)."""
    return hashlib.sha256(data).hexdigest()


#: The two marks of a FIT file header (FIT SDK, "FIT File Structure"): its length, in its
#: first byte, and the ASCII signature at bytes 8-12.
FIT_HEADER_SIZES = (12, 14)
FIT_SIGNATURE = b".FIT"


def is_fit(data: bytes) -> bool:
    """Return whether ``data`` starts with a FIT file header.

    A FIT header is 12 or 14 bytes long (its first byte) and carries the
    ASCII signature ``.FIT`` at bytes 8-12 (FIT SDK, "FIT File Structure").
    """
    return len(data) >= 12 and data[0] in FIT_HEADER_SIZES and data[8:12] == FIT_SIGNATURE


def is_gzip(data: bytes) -> bool:
    """Return whether ``data`` is gzip-compressed (RFC 1952 magic ``1f 8b``)."""
    return data[:2] == b"\x1f\x8b"


class Probe:
    """Lazy views of a file's content for format detection.

    Parameters
    ----------
    name : str
        The file's name (used in messages only).
    data : bytes
        The file's content.
    """

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data

    @cached_property
    def head_text(self) -> str:
        """The first :data:`HEAD_BYTES` decoded leniently (BOM removed)."""
        head = self.data[:HEAD_BYTES]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        return head.decode("utf-8", errors="replace")

    @cached_property
    def kind(self) -> str | None:
        """``"fit"``, ``"zip"``, ``"gzip"``, ``"xml"``, ``"json"``, ``"csv"`` or ``None``."""
        if is_fit(self.data):
            return "fit"
        if is_archive(self.name, self.data):
            return "zip"
        if is_gzip(self.data):
            return "gzip"
        if b"\x00" in self.data[:4096] and not self.data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        text = self.head_text.lstrip()
        if not text:
            return None
        if text[0] == "<":
            return "xml"
        if text[0] in "[{":
            return "json"
        return "csv" if self.csv_header else None

    @cached_property
    def csv_header(self) -> tuple[str, ...]:
        """The first row's column names, folded by :func:`normalize_header` (empty if none)."""
        lines = self.head_text.splitlines()
        if not lines:
            return ()
        delimiter = sniff_delimiter("\n".join(lines[:20]))
        try:
            first = next(csv.reader([lines[0]], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return ()
        return tuple(normalize_header(cell) for cell in first) if len(first) >= 2 else ()

    def has_columns(self, *names: str) -> bool:
        """Return whether the CSV header holds every one of ``names`` (folded)."""
        header = set(self.csv_header)
        return all(normalize_header(name) in header for name in names)

    @cached_property
    def json_value(self) -> Any:
        """The parsed JSON document, or ``None`` if it is not valid JSON or over its size cap."""
        if len(self.data) > MAX_JSON_BYTES:  # refused by the registry before any parse
            return None
        try:
            return json.loads(self.data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None

    @cached_property
    def json_keys(self) -> frozenset[str]:
        """Keys of the document (an object) or of the first objects of a list."""
        value = self.json_value
        if isinstance(value, dict):
            return frozenset(value)
        if isinstance(value, list):
            keys: set[str] = set()
            for item in value[:5]:
                if isinstance(item, dict):
                    keys.update(item)
            return frozenset(keys)
        return frozenset()

    def has_keys(self, *keys: str) -> bool:
        """Return whether the JSON document carries every one of ``keys``."""
        return set(keys) <= self.json_keys

    @cached_property
    def xml_root(self) -> str | None:
        """The XML root element's tag, from the file's head (``None`` if not XML)."""
        parser = ET.XMLPullParser(events=("start",))
        try:
            parser.feed(self.data[:HEAD_BYTES])
            for _event, element in parser.read_events():
                return element.tag
        except ET.ParseError:
            return None
        return None


Reader = Callable[..., ImportBundle]


@dataclass(frozen=True)
class FormatSpec:
    """One file format a reader understands.

    Attributes
    ----------
    name : str
        Format identifier stored in ``ImportBundle.format``, e.g. ``"whoop_sleeps_csv"``.
    description : str
        What the user exported, in their words, e.g. ``"WHOOP sleeps.csv"``.
    kind : str
        Container kind the content must have: ``"csv"``, ``"json"`` or ``"xml"``.
    matches : callable
        ``matches(probe) -> bool``, by content.
    read : callable
        ``read(name, data, *, timezone=None, valid_rows_only=False) -> ImportBundle``.
    """

    name: str
    description: str
    kind: str
    matches: Callable[[Probe], bool]
    read: Reader
