"""``cramp-analyzer import``: import files, folders and ZIP archives for one athlete.

Prints one result line per file on stdout, progress on stderr while the
import runs for more than a moment, and exits 1 if any file failed (0 when
every file was imported, partially imported, already there, or skipped: a
file found in a folder or archive that is of no kind the analyzer reads). A
problem of the library itself met on the way (a full disk) stops the import
with a message saying how many files are in (exit 1); a library that fails
its quick check is not written to at all (exit 2). A new athlete gets the time
zone given, else this computer's own.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from analyzer.paths import default_library_path
from analyzer.printable import printable
from analyzer.store import ImportJob, ImportReport, ImportResult, Library
from analyzer.store.zones import default_timezone

# Progress appears only for imports that take longer than this [s].
PROGRESS_AFTER_S = 1.0
PROGRESS_EVERY_S = 0.5


def add_library_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--library`` (default: ``$CRAMP_ANALYZER_LIBRARY``, then the per-user data folder)."""
    parser.add_argument(
        "--library",
        default=None,
        help=f"library file (default: $CRAMP_ANALYZER_LIBRARY, else {default_library_path()})",
    )


def library_path(args: argparse.Namespace) -> Path:
    """The library file the arguments name, or the default one."""
    return Path(args.library).expanduser() if args.library else default_library_path()


def read_library(args: argparse.Namespace) -> Library:
    """The library of the arguments opened to read: never created, never written, checked sound.

    Raises
    ------
    LibraryError
        If there is no library there, it is another program's database, or it is damaged.
    """
    lib = Library(library_path(args), read_only=True)
    try:
        lib.check_sound()
    except BaseException:
        lib.close()
        raise
    return lib


class ProgressPrinter:
    """Progress on a stream (stderr): a rewritten line on a terminal, periodic lines elsewhere."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.tty = self.stream.isatty()

    def __call__(self, done: int, total: int, result: ImportResult) -> None:
        now = time.monotonic()
        every = PROGRESS_EVERY_S if self.tty else 10 * PROGRESS_EVERY_S
        if now - self.started < PROGRESS_AFTER_S or (now - self.last < every and done < total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        text = f"[{done}/{total}] {rate:.1f} files/s  {printable(result.name)}"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """End the progress line on a terminal."""
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def print_report(report: ImportReport, stream: TextIO | None = None) -> int:
    """Print one line per file, a total, and why the import stopped early if it did.

    Returns the exit code: 1 if any file failed or the import stopped, else 0.
    """
    stream = stream or sys.stdout
    for result in report.results:
        print(result.summary(), file=stream)
    print(report.summary(), file=stream)
    if report.stopped:
        print(f"error: the import stopped: {report.stopped}", file=sys.stderr)
    return 0 if report.ok else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import FIT files, exports, cramp and medication logs (files, folders, ZIPs)",
        description="Import files for one athlete; exits 1 if any file failed. Files of no known "
        "kind inside a folder or ZIP are skipped; a file of no known kind named on its own fails.",
    )
    add_library_option(parser)
    parser.add_argument("--athlete", required=True, help="athlete id (created when missing)")
    parser.add_argument("--name", help="display name when the athlete is created")
    parser.add_argument(
        "--timezone",
        help="IANA time zone when the athlete is created, e.g. Europe/Berlin "
        "(default: this computer's)",
    )
    parser.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="import the valid rows of files with invalid values (skipped rows are reported)",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE|DIR|ZIP")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Library(library_path(args)) as lib:
        announce_athlete(lib, args.athlete, args.name, args.timezone)
        job = ImportJob(lib, args.athlete, valid_rows_only=args.valid_rows_only)
        job.add_paths(args.paths)
        progress = ProgressPrinter()
        report = job.run(progress)
        progress.finish()
        code = print_report(report)
        if not report.stopped:
            print(athlete_totals(lib, args.athlete))
    return code


def announce_athlete(lib: Library, athlete_id: str, name: str | None, timezone: str | None):
    """Create the athlete if new (time zone: the one given, else this computer's) and say so.

    A zone not given is recorded as a default (``timezone_origin``) until the user sets one.
    """
    if lib.has_athlete(athlete_id):
        zone = lib.athlete(athlete_id)["timezone"]
        if timezone and zone != timezone:
            print(
                f"note: athlete {athlete_id!r} keeps time zone {zone}; --timezone applies "
                "only to a new athlete (change it with 'cramp-analyzer athlete --set "
                "timezone=NAME' or on the dashboard's Settings page)",
                file=sys.stderr,
            )
        return
    if timezone:
        zone, origin, how = timezone, None, "as given"
    else:
        zone, origin = default_timezone()
        how = (
            "this computer's; give --timezone to choose another"
            if origin == "computer"
            else "this computer's time zone could not be told; give --timezone"
        )
    if lib.ensure_athlete(athlete_id, name, timezone=zone, timezone_origin=origin):
        print(f"created athlete {athlete_id!r} with time zone {zone} ({how})", file=sys.stderr)


def athlete_totals(lib: Library, athlete_id: str) -> str:
    """One line of what the library holds for the athlete (nights are assembled at the end)."""
    roster = lib.roster()
    row = roster[roster["athlete_id"] == athlete_id].iloc[0]
    span = "" if row["first_date"] is None else f", {row['first_date']} to {row['last_date']}"
    return (
        f"athlete {athlete_id!r} in the library: sessions {row['n_activities']}, "
        f"nights {row['n_nights']}, cramps {row['n_cramps']}{span}"
    )
