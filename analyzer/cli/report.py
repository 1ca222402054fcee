"""``cramp-analyzer report``: one athlete's findings as Markdown, JSON or HTML.

The report holds the method and its parameters, data coverage, the ranked
findings (JSON: a top-level ``findings`` list with ``exposure``, ``estimate``,
``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted``, ``n_events``,
``n_referents``, ``descriptive_only`` and ``sentence``), the medication
timeline, and a sentence advising to discuss medication-related cramps with a
doctor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analyzer.cli.features import athlete_features
from analyzer.cli.importcmd import add_library_option, library_path
from analyzer.errors import LibraryError
from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.report import render_report, report_document
from analyzer.store import Library


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write an athlete's findings report (method, coverage, findings, medications)",
    )
    add_library_option(parser)
    parser.add_argument("--athlete", required=True, help="athlete id")
    parser.add_argument(
        "--format", choices=("md", "json", "html"), default="md", help="output format (default: md)"
    )
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")
    parser.set_defaults(func=run)


def build_report(lib: Library, athlete_id: str, params: FindingsParams | None = None) -> dict:
    """Analyse one athlete of a library and return the report document (JSON-ready dict)."""
    athlete = lib.athlete(athlete_id)
    _, daily = athlete_features(lib, athlete_id)
    medications = lib.medications(athlete_id)
    sleep_need = athlete.get("sleep_need_h")
    result = analyze_athlete(
        daily,
        lib.cramps(athlete_id),
        medications,
        samples_for=lib.samples,
        timezone=athlete.get("timezone") or "UTC",
        params=params,
        sleep_need_h=float(sleep_need) if sleep_need is not None else None,
    )
    return report_document(result, athlete, daily, medications)


def run(args: argparse.Namespace) -> int:
    path = library_path(args)
    if not path.exists():
        raise LibraryError(f"{path}: no library here (create one with `cramp-analyzer import`)")
    with Library(path) as lib:
        doc = build_report(lib, args.athlete)
    text = render_report(doc, args.format)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
