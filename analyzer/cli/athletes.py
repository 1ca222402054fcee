"""``cramp-analyzer athletes``: the athletes of a library with their data counts and span."""

from __future__ import annotations

import argparse

from analyzer.cli.importcmd import add_library_option, read_library
from analyzer.printable import printable

HEADERS = ("id", "name", "activities", "nights", "cramps", "from", "to")


def format_table(rows: list[tuple]) -> str:
    """Return ``rows`` under :data:`HEADERS` as aligned plain text."""
    cells = [HEADERS] + [tuple("" if v is None else printable(v) for v in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("athletes", help="list the athletes of a library")
    add_library_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with read_library(args) as lib:
        roster = lib.roster()
    if roster.empty:
        print("no athletes yet")
        return 0
    print(format_table(list(roster.itertuples(index=False, name=None))))
    return 0
