"""How large, long and deep an input may be: the caps every reader path enforces.

The readers of CSV and JSON exports hold a whole file's cells in memory at
once (a column-wise table is what their checks and conversions work on), and
that takes 18 to 35 times the file's size (measured on WHOOP, generic and
Fitbit files; ``benchmarks/fuzz.py --caps`` prints the figures). So that
memory stays bounded however large a file is, each such file is measured
*before* it is parsed (from a stream: by reading at most the cap plus one
byte) and refused beyond its cap, with a message saying so. The caps sit far
above real exports: a Strava ``activities.csv`` of 10,000 activities is about
5 MB, a Fitbit ``heart_rate-*.json`` of one day about 1.5 MB, a WHOOP or Oura
export a few MB; the one export that grows beyond them, Apple Health's
``export.xml``, is parsed as a stream and has no size cap.

Archive caps (member count, expansion size and ratio, nesting) are in
:class:`analyzer.io.archive_limits.Limits`; the FIT decoder's other caps in :mod:`analyzer.io.fit`.
"""

from __future__ import annotations

#: Largest FIT file read [bytes], and so the most a gzip file (Strava's ``activities/*.fit.gz``)
#: may expand to: over four times the largest real activity files (a day-long ride at 1 Hz with
#: every sensor stays below 30 MB).
MAX_FIT_BYTES = 128 * 1024**2
#: Largest CSV (or other delimited text) export read [bytes].
MAX_TABLE_BYTES = 32 * 1024**2
#: Largest JSON document read [bytes].
MAX_JSON_BYTES = 32 * 1024**2
#: Longest cell of a delimited file [characters]: Python's :func:`csv.field_size_limit`
#: default, about 40 pages of text; a cramp note or a journal entry is far shorter.
MAX_CELL_CHARS = 131_072
#: Longest record of a delimited file [characters], quoted line breaks included.
MAX_RECORD_CHARS = 1024**2
#: Most columns a delimited file's header may name (Strava's export has about 90).
MAX_COLUMNS = 1000


def format_bytes(size: int) -> str:
    """``33554432`` -> ``"32 MiB"``, for messages."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"
