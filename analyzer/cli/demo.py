"""``cramp-analyzer demo``: build the demo library from the bundled ``sample_data/``."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from analyzer.cli.importcmd import ProgressPrinter, add_library_option, library_path
from analyzer.paths import sample_data_dir
from analyzer.store import Library
from analyzer.store.demo import populate_demo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo library from sample_data/ (adds the demo athletes)"
    )
    add_library_option(parser)
    parser.add_argument(
        "--sample-data",
        default=None,
        help=f"folder of the demo squad (default: {sample_data_dir()})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source = Path(args.sample_data) if args.sample_data else sample_data_dir()
    path = library_path(args)
    progress = ProgressPrinter()
    with Library(path) as lib:
        results = populate_demo(lib, source, progress)
        progress.finish()
        roster = lib.roster()
    for result in results:
        if not result.ok:
            print(result.summary())
    tally = Counter(result.status for result in results)
    print(f"demo library {path}: " + ", ".join(f"{n} {s}" for s, n in sorted(tally.items())))
    for row in roster.itertuples(index=False):
        print(
            f"  {row.athlete_id}: {row.n_activities} activities, {row.n_nights} nights, "
            f"{row.n_cramps} cramps"
        )
    return 1 if tally["failed"] else 0
