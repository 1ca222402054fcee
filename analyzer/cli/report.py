"""``cramp-analyzer report``: one athlete's findings as Markdown, JSON or HTML.

The report holds the method and its parameters, data coverage, the ranked
findings (JSON: a top-level ``findings`` list with ``exposure``, ``estimate``,
``ci_low``, ``ci_high``, ``p_value``, ``p_adjusted``, ``n_events``,
``n_referents``, ``descriptive_only`` and ``sentence``), the medication
timeline, and a sentence advising to discuss medication-related cramps with a
doctor. ``--set NAME=VALUE`` changes an indicator convention, as in
``cramp-analyzer features``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analyzer import pipeline
from analyzer.cli.features import add_params_option, indicator_params, open_library
from analyzer.cli.importcmd import add_library_option
from analyzer.findings.report import render_report


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
    add_params_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    params = indicator_params(args)
    with open_library(args, read_only=True) as lib:
        doc = pipeline.analyse_athlete(lib, args.athlete, params).report
    text = render_report(doc, args.format)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0
