"""Archive-bomb caps: how far compressed input may expand, and the budget that counts it.

A ZIP export or a gzip file comes from the user but may have been built by
anyone, so its expansion is capped: the number of members (counted from the
raw central directory before :mod:`zipfile` parses it,
:mod:`analyzer.io.zipcensus`), the bytes one member and all members together
expand to, and the compression ratio. :class:`Limits` holds the caps and
:class:`Budget` counts one archive (its nested archives included) against
them; the ZIP walk (:mod:`analyzer.io.archive`), each member's stream
(:mod:`analyzer.io.archive_member`) and :func:`analyzer.io.gzipped.gunzip`
charge the bytes they *actually* decompress, chunk by chunk, so a member
whose header under-declares its size is caught as well.

Breaking one of these caps stops the whole archive (:func:`is_archive_refusal`),
unlike a member that cannot be opened, which fails alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from analyzer.errors import ImportFileError
from analyzer.io.caps import MAX_FIT_BYTES
from analyzer.io.zipcensus import count_entries

#: Most members one archive (nested archives included) may hold.
MAX_MEMBERS = 50_000
#: Most bytes one member may expand to (an Apple Health export.xml can pass 1 GB).
MAX_MEMBER_BYTES = 4 * 1024**3
#: Most bytes all members together may expand to.
MAX_TOTAL_BYTES = 8 * 1024**3
#: Largest expansion ratio (uncompressed / compressed) of one member. Text
#: exports compress 10-40 times; bombs reach thousands.
MAX_RATIO = 200.0
#: Ratios are only checked beyond this many expanded bytes (tiny files compress oddly).
RATIO_GRACE_BYTES = 1024**2
#: Most bytes a gzip file (Strava's activities/*.fit.gz) may expand to: the FIT reader's cap.
MAX_GZIP_BYTES = MAX_FIT_BYTES


@dataclass(frozen=True)
class Limits:
    """The archive-bomb caps (defaults are the module constants)."""

    max_members: int = MAX_MEMBERS
    max_member_bytes: int = MAX_MEMBER_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: float = MAX_RATIO
    ratio_grace_bytes: int = RATIO_GRACE_BYTES
    max_gzip_bytes: int = MAX_GZIP_BYTES


#: The caps used when a caller gives none.
DEFAULT_LIMITS = Limits()


class Budget:
    """Counts members and expanded bytes across an archive and its nested archives."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.members = 0
        self.total_bytes = 0

    def census(self, handle: BinaryIO, label: str) -> None:
        """Refuse an archive (or a nested one) listing more members than the budget has left.

        Counted from the raw central directory, before :mod:`zipfile` parses
        it and before any member is read.
        """
        room = self.limits.max_members - self.members
        entries = count_entries(handle, room)
        handle.seek(0)
        if entries is not None and entries > room:
            where = "the archive" if not label else f"the nested archive {label!r}"
            raise _archive_refusal(
                self.source,
                f"{where} lists more than {room} files (one archive may hold "
                f"{self.limits.max_members}); refusing it as a possible archive bomb before "
                "reading any file",
            )

    def count_member(self, label: str) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise _archive_refusal(
                self.source,
                f"the archive holds more than {self.limits.max_members} files (at {label!r}); "
                "refusing it as a possible archive bomb",
            )

    def check(self, size: int, compressed: int, label: str) -> None:
        """Raise if a member of ``size`` bytes so far, or the archive, breaks a cap."""
        limits = self.limits
        problem = None
        if size > limits.max_member_bytes:
            problem = f"member {label!r} expands beyond {limits.max_member_bytes} bytes"
        elif self.total_bytes > limits.max_total_bytes:
            problem = f"the archive expands beyond {limits.max_total_bytes} bytes in total"
        elif size > limits.ratio_grace_bytes and size / compressed > limits.max_ratio:
            problem = (
                f"member {label!r} expands more than {limits.max_ratio:.0f} times "
                f"({compressed} compressed bytes gave {size} so far)"
            )
        if problem:
            raise _archive_refusal(
                self.source, problem + "; refusing it as a possible archive bomb"
            )


def _archive_refusal(source: str, problem: str) -> ImportFileError:
    """An error that stops the whole archive (a cap), not only one member."""
    error = ImportFileError(source, problem)
    error.archive_limit = True
    return error


def is_archive_refusal(error: BaseException) -> bool:
    """True for an archive-wide refusal (a cap broken, a bomb), false for one member's problem."""
    return bool(getattr(error, "archive_limit", False))
