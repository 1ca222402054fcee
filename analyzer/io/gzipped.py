"""Gzip files (Strava's ``activities/*.fit.gz``) expanded under caps, one level deep."""

from __future__ import annotations

import gzip
import io
import zlib

from analyzer.errors import ImportFileError
from analyzer.io.archive_limits import DEFAULT_LIMITS, Budget, Limits
from analyzer.io.formats import is_gzip

_CHUNK = 1024**2


def gunzip(name: str, data: bytes, *, limits: Limits | None = None) -> bytes:
    """Decompress a gzip file (Strava's ``activities/*.fit.gz``) under the caps.

    The output may not pass :attr:`Limits.max_gzip_bytes` nor the compression
    ratio cap, and a gzip file inside the gzip file is refused: gzip is opened
    one level deep (a gzip nested a thousand times over is 23 kB).

    Raises
    ------
    ImportFileError
        If the data is not valid gzip, expands beyond the caps or holds gzip again.
    """
    limits = limits or DEFAULT_LIMITS
    budget = Budget(name, limits)
    chunks: list[bytes] = []
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(_CHUNK):
                if not chunks and is_gzip(chunk):
                    raise ImportFileError(
                        name, "the gzip file holds another gzip file; gzip is opened one level deep"
                    )
                chunks.append(chunk)
                size += len(chunk)
                if size > limits.max_gzip_bytes:
                    raise ImportFileError(
                        name,
                        f"the gzip file expands beyond {limits.max_gzip_bytes} bytes, more than "
                        "any activity file the analyzer reads; refusing it as a possible bomb",
                    )
                budget.total_bytes = size
                budget.check(size, max(len(data), 1), name)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ImportFileError(name, f"the gzip data is damaged or truncated: {exc}") from exc
    return b"".join(chunks)
