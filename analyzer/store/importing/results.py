"""What an import reports: one :class:`ImportResult` per file and an :class:`ImportReport` per job.

Statuses
--------
imported
    Every row the reader produced is stored.
partial
    Stored, but the reader reported problems it worked around (skipped rows,
    a bad CRC, a truncated end); the message lists them.
duplicate
    The same bytes were imported before for this athlete; nothing changed.
skipped
    A file found inside a folder or an archive that is of no kind the analyzer
    reads (a README, an account export's other JSON documents); the message
    says what it looks like. Nothing is stored, not even a history row. A file
    named on its own that is of no known kind fails instead.
failed
    Nothing was stored but an ``imports`` row saying why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analyzer.printable import printable

#: Every status, in the order summaries list them.
STATUSES = ("imported", "partial", "duplicate", "failed", "skipped")


@dataclass(frozen=True)
class ImportResult:
    """Outcome of importing one file.

    Attributes
    ----------
    name : str
        The file's name as given (archive members as ``archive.zip/member``).
    status : str
        One of :data:`STATUSES`.
    message : str
        Why it failed or was skipped, what was worked around, or which sessions were merged.
    counts : dict of str to int
        Rows written per canonical table.
    sha256 : str
        SHA-256 of the file's bytes (empty when they could not be read).
    format : str
        Detected format (empty when the file could not be read).
    """

    name: str
    status: str
    message: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    format: str = ""

    @property
    def ok(self) -> bool:
        """True unless the file failed."""
        return self.status != "failed"

    def summary(self) -> str:
        """One line for a terminal: status, name, non-zero counts, message."""
        counts = " ".join(f"{k}={v}" for k, v in self.counts.items() if v)
        parts = [f"{self.status:<9}", self.name]
        if counts:
            parts.append(counts)
        if self.message:
            parts.append(f"- {self.message}")
        return printable(" ".join(parts))  # names and messages from files: one safe line


@dataclass
class ImportReport:
    """Outcome of one import job: the result of every file, in order, and why it stopped early.

    Attributes
    ----------
    results : list of ImportResult
    stopped : str
        Empty when every file was handled; otherwise why the job stopped
        before the end (a full disk, a damaged library). What was committed
        before stays whole.
    """

    results: list[ImportResult] = field(default_factory=list)
    stopped: str = ""

    def tally(self) -> Counter:
        """Files per status."""
        return Counter(result.status for result in self.results)

    @property
    def ok(self) -> bool:
        """True when no file failed and the job ran to its end (skipped files are fine)."""
        return not self.stopped and not self.tally()["failed"]

    def summary(self) -> str:
        """The closing line: files per status (``skipped`` only when some were)."""
        tally = self.tally()
        return ", ".join(f"{tally[s]} {s}" for s in STATUSES if tally[s] or s != "skipped")
