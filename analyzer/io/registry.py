"""Recognise a file by its content and hand it to the right reader.

This is the single entry point from bytes to canonical tables::

    fmt = detect_format("upload.csv", data)      # "whoop_sleeps_csv", "fit", "zip", ... or None
    bundle = read_bytes("upload.csv", data, timezone="Europe/Berlin")
    for member, content in iter_archive("export.zip", zip_bytes):
        ...

Detection never trusts a file name (see :mod:`analyzer.io.formats`). FIT
files go to :func:`analyzer.io.fit_tables.read_fit_bundle`; every other format is a
:class:`~analyzer.io.formats.FormatSpec` declared by its reader module and
listed in :data:`READER_MODULES`, asked in order (specific formats before
the generic CSV).

Options every reader takes:

``timezone``
    The athlete's IANA time zone, for sources that write local times without
    an offset. Readers that need it and do not get it raise.
``valid_rows_only``
    ``False`` (default): a file with any invalid value is refused whole and
    nothing from it is imported. ``True``: the invalid rows are skipped and
    listed in ``bundle.warnings``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from functools import cache
from io import BufferedReader
from os import PathLike
from pathlib import Path
from typing import BinaryIO

from analyzer.errors import AnalyzerError, ImportFileError, ReaderFault, UnknownFormatError
from analyzer.io.archive import (
    is_archive,
    is_archive_refusal,
    iter_archive,
    iter_archive_streams,
)
from analyzer.io.archive_limits import MAX_GZIP_BYTES
from analyzer.io.caps import MAX_JSON_BYTES, MAX_TABLE_BYTES, format_bytes
from analyzer.io.formats import FIT_HEADER_SIZES, FIT_SIGNATURE, HEAD_BYTES, FormatSpec, Probe
from analyzer.io.gzipped import gunzip
from analyzer.schema import ImportBundle

__all__ = [
    "READER_MODULES",
    "detect_format",
    "formats",
    "is_archive",
    "iter_archive",
    "iter_archive_streams",
    "read_archive",
    "read_bytes",
    "read_path",
    "read_stream",
]

#: Modules whose ``FORMATS`` list of :class:`FormatSpec` the registry asks, in this order.
READER_MODULES: tuple[str, ...] = (
    "analyzer.io.logs",
    "analyzer.io.daily_log",
    "analyzer.io.vendors.garmin_connect",
    "analyzer.io.vendors.strava",
    "analyzer.io.vendors.whoop",
    "analyzer.io.vendors.whoop_journal",
    "analyzer.io.vendors.apple_health",
    "analyzer.io.vendors.garmin_account",
    "analyzer.io.vendors.garmin_hydration",
    "analyzer.io.vendors.fitbit",
    "analyzer.io.vendors.oura",
    "analyzer.io.vendors.generic_csv",  # last: it accepts any CSV whose columns it recognises
)


@cache
def formats() -> tuple[FormatSpec, ...]:
    """Return every known non-FIT format, in detection order."""
    specs: list[FormatSpec] = []
    for module_name in READER_MODULES:
        specs.extend(importlib.import_module(module_name).FORMATS)
    return tuple(specs)


def _spec_for(probe: Probe) -> FormatSpec | None:
    for spec in formats():
        if spec.kind == probe.kind and spec.matches(probe):
            return spec
    return None


def detect_format(name: str, data: bytes) -> str | None:
    """Return the format of ``data`` judged by its content, or ``None``.

    Parameters
    ----------
    name : str
        The file's name, for messages only: it does not decide the format.
    data : bytes
        The file's content.

    Returns
    -------
    str or None
        ``"fit"``, ``"zip"``, ``"gzip"``, or the name of a reader's format
        (for example ``"whoop_sleeps_csv"``, ``"cramp_log_csv"``).
    """
    probe = Probe(name, data)
    if probe.kind in ("fit", "zip", "gzip"):
        return probe.kind
    spec = _spec_for(probe)
    return spec.name if spec else None


def _describe(probe: Probe) -> str:
    """Say what an unrecognised file looked like, for the error message."""
    kind = probe.kind
    if kind == "csv":
        columns = ", ".join(probe.csv_header[:8])
        more = "..." if len(probe.csv_header) > 8 else ""
        return f"a CSV file with the columns {columns}{more}"
    if kind == "json":
        keys = ", ".join(sorted(probe.json_keys)[:8])
        return (
            f"a JSON document with the keys {keys}"
            if keys
            else "a JSON document with no known keys"
        )
    if kind == "xml":
        return f"an XML document with the root element <{probe.xml_root}>"
    if not probe.data:
        return "an empty file"
    if kind is None and b"\x00" not in probe.data[:4096]:
        first = probe.head_text.strip().splitlines()[0][:60] if probe.head_text.strip() else ""
        return f"a text file with one column, starting {first!r}"
    return f"{kind or 'binary'} data starting with {probe.data[:8]!r}"


def read_bytes(
    name: str,
    data: bytes,
    *,
    timezone: str | None = None,
    valid_rows_only: bool = False,
    format: str | None = None,  # noqa: A002 - the project's word for it
) -> ImportBundle:
    """Read one file into canonical tables.

    Parameters
    ----------
    name : str
        The file's name as the user gave it (messages only; never a path).
    data : bytes
        The file's content.
    timezone : str, optional
        The athlete's IANA time zone, for local times without an offset.
    valid_rows_only : bool, default False
        Import the valid rows of a file with invalid values (and report the
        skipped rows in ``bundle.warnings``) instead of refusing it.
    format : str, optional
        Force a format (a name from :func:`formats`) instead of detecting it.

    Raises
    ------
    UnknownFormatError
        If the content matches no known format (the message says what it looked like).
    ImportFileError
        If the file is a ZIP archive (use :func:`read_archive`) or cannot be read.
    """
    with reader_guard(name):
        probe = Probe(name, data)
        if format is None and (probe.kind == "fit" or _damaged_fit(name, probe)) or format == "fit":
            from analyzer.io.fit_tables import read_fit_bundle  # imported lazily: numpy, pandas

            return read_fit_bundle(data, name)
        if format is None and probe.kind == "gzip":
            return read_bytes(
                name, gunzip(name, data), timezone=timezone, valid_rows_only=valid_rows_only
            )
        if format is None and probe.kind == "zip":
            raise _zip_given(name)
        if probe.kind in _WHOLE_READ_CAPS:
            check_size(name, probe, len(data))
        spec = _named_spec(name, format) if format else _spec_for(probe)
        if spec is None:
            raise UnknownFormatError(
                name, f"not a format the analyzer knows: it looks like {_describe(probe)}"
            )
        return spec.read(name, data, timezone=timezone, valid_rows_only=valid_rows_only)


def _damaged_fit(name: str, probe: Probe) -> bool:
    """Whether a file named ``.fit`` looks like a FIT file with a damaged header.

    Binary data whose header keeps one of its two marks (a header size of 12
    or 14 in byte 0, or the ``.FIT`` signature near byte 8) is most likely a
    damaged FIT file: the FIT reader then says what is wrong with the header
    and keeps what it can, instead of the file being skipped as an unknown
    format. Anything else named ``.fit`` stays unknown (and is skipped in a
    folder or archive).
    """
    data = probe.data
    marked = len(data) >= 12 and (data[0] in FIT_HEADER_SIZES or FIT_SIGNATURE in data[4:16])
    return probe.kind is None and name.casefold().endswith(".fit") and marked


@contextlib.contextmanager
def reader_guard(name: str) -> Iterator[None]:
    """Turn an exception no reader raises on purpose into this file's :class:`ReaderFault`.

    Readers raise :class:`~analyzer.errors.ImportFileError` for every problem
    they foresee. Anything else (a ``TypeError`` on a value nobody thought of,
    ``RecursionError`` on absurd nesting, ``MemoryError``) is a bug; it fails
    this one file with a message asking for a report, instead of ending a
    whole import or the dashboard's upload. With ``CRAMP_ANALYZER_STRICT=1``
    in the environment (the tests and the fuzz runs) the exception goes
    through unchanged, so that such a bug is seen where it happens.
    """
    try:
        yield
    except AnalyzerError:
        raise
    except Exception as exc:  # noqa: BLE001 - the one net under every reader (MemoryError too)
        if os.environ.get(STRICT_ENV):
            raise
        detail = str(exc)[:200]
        raise ReaderFault(
            name,
            f"the reader stopped on content it does not expect ({type(exc).__name__}"
            + (f": {detail}" if detail else "")
            + "); this is a bug in cramp-analyzer, please report it",
            recovered="nothing was imported",
        ) from exc


#: Environment variable that lets reader bugs through :func:`reader_guard` (tests, fuzzing).
STRICT_ENV = "CRAMP_ANALYZER_STRICT"

#: Size caps of the formats read whole, by content kind (:mod:`analyzer.io.caps`).
_WHOLE_READ_CAPS = {"csv": MAX_TABLE_BYTES, "json": MAX_JSON_BYTES}
_KIND_WORDS = {"csv": "CSV file", "json": "JSON document"}


def check_size(name: str, probe: Probe, size: int, *, at_least: bool = False) -> None:
    """Refuse a CSV or JSON file over its cap before it is parsed.

    Any other kind that reaches here (an unknown file, XML that is not an
    Apple Health export) gets the CSV cap. ``at_least`` says that ``size`` is
    only what was read so far (a stream cut at the cap).

    Raises
    ------
    ImportFileError
        If ``size`` is over the cap of the file's kind.
    """
    cap = _WHOLE_READ_CAPS.get(probe.kind, MAX_TABLE_BYTES)
    if size <= cap:
        return
    what = _KIND_WORDS.get(probe.kind)
    if what is None:
        problem = (
            f"the file is larger than {format_bytes(cap)} and not a format the analyzer reads: "
            f"it looks like {_describe(probe)}"
        )
    else:
        problem = (
            f"the {what} is {'over ' if at_least else ''}{format_bytes(size)}; such exports are "
            f"read whole, and the analyzer reads at most {format_bytes(cap)} of one (real "
            "exports are far smaller: split the file, or check that it is the export you meant)"
        )
    raise ImportFileError(name, problem, recovered="nothing was imported")


def _named_spec(name: str, format_name: str) -> FormatSpec:
    for spec in formats():
        if spec.name == format_name:
            return spec
    known = ", ".join(["fit", *(spec.name for spec in formats())])
    raise UnknownFormatError(name, f"unknown format {format_name!r}; known formats: {known}")


def read_archive(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> Iterator[tuple[str, ImportBundle | ImportFileError]]:
    """Read every member of a ZIP export; yield ``(member_name, bundle or error)``.

    A member that cannot be read (unknown format, invalid values...) yields
    its :class:`ImportFileError` instead of stopping the archive, so that the
    caller can report each file; an archive-level problem (damage, bomb caps)
    raises. Large XML members (Apple Health) are streamed, never read whole.
    """
    for member, stream in iter_archive_streams(name, data):
        if isinstance(stream, ImportFileError):  # a member that cannot be opened
            yield member, stream
            continue
        label = f"{name}/{member}"
        try:
            yield (
                member,
                _read_member(label, stream, timezone=timezone, valid_rows_only=valid_rows_only),
            )
        except ImportFileError as exc:
            if is_archive_refusal(exc):
                raise
            yield member, exc


def _read_member(
    label: str, stream: BufferedReader, *, timezone: str | None, valid_rows_only: bool
) -> ImportBundle:
    """Read one archive member; an Apple Health export is streamed instead of read whole."""
    return read_stream(label, stream, timezone=timezone, valid_rows_only=valid_rows_only)


def read_stream(
    name: str, stream: BinaryIO, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read one file from a binary stream; an Apple Health ``export.xml`` is streamed, not loaded.

    Every other format is read into memory and handed to :func:`read_bytes`
    (their readers work on bytes; such files are far smaller). The stream is
    read once, from its current position to its end.

    Parameters
    ----------
    name : str
        The file's name, for messages only.
    stream : binary file-like
        A file opened ``"rb"``, an archive member, a kept file of the library.

    Raises
    ------
    UnknownFormatError, ImportFileError
        As :func:`read_bytes`.
    """
    with reader_guard(name):
        if not hasattr(stream, "peek"):
            stream = BufferedReader(stream, HEAD_BYTES)  # type: ignore[arg-type]
        probe = Probe(name, _head(stream))
        if probe.kind == "xml" and probe.xml_root == "HealthData":
            from analyzer.io.vendors.apple_health import read_apple_health_stream

            return read_apple_health_stream(
                name, stream, timezone=timezone, valid_rows_only=valid_rows_only
            )
        data = _read_whole(name, stream, probe)
        return read_bytes(name, data, timezone=timezone, valid_rows_only=valid_rows_only)


def _zip_given(name: str) -> ImportFileError:
    return ImportFileError(
        name, "the file is a ZIP archive; open it with read_archive or iter_archive"
    )


def _read_whole(name: str, stream: BinaryIO, probe: Probe) -> bytes:
    """The rest of a stream, for a reader that takes bytes: never more than its kind's cap + 1.

    FIT files are read whole (the FIT decoder applies its own caps); a gzip
    file up to :data:`~analyzer.io.archive_limits.MAX_GZIP_BYTES` (its output is capped
    there too); everything else up to its cap (:func:`check_size`).
    """
    if probe.kind == "fit":
        return stream.read()
    if probe.kind == "zip":
        raise _zip_given(name)
    if probe.kind == "gzip":
        cap = MAX_GZIP_BYTES
        data = stream.read(cap + 1)
        if len(data) > cap:
            raise ImportFileError(
                name, f"the gzip file is over {format_bytes(cap)}, more than any activity file"
            )
        return data
    data = stream.read(_WHOLE_READ_CAPS.get(probe.kind, MAX_TABLE_BYTES) + 1)
    check_size(name, probe, len(data), at_least=True)
    return data


def _head(stream: BufferedReader) -> bytes:
    """The first :data:`HEAD_BYTES` of a buffered stream, without consuming them.

    ``peek`` returns what one read brought into the buffer, which may be less
    than asked; a larger buffer is not needed because the probe only looks at
    the first bytes of the text.
    """
    return stream.peek(HEAD_BYTES)[:HEAD_BYTES]


def read_path(
    path: str | PathLike, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read one file from disk; an Apple Health ``export.xml`` is streamed, never loaded whole.

    The file's base name is used in messages. ZIP archives go to :func:`read_archive`.
    """
    path = Path(path)
    with path.open("rb", buffering=1 << 20) as handle:
        return read_stream(path.name, handle, timezone=timezone, valid_rows_only=valid_rows_only)
