"""``cramp-analyzer features``: print one athlete's daily indicator table (CSV or JSON).

CSV: one row per local date, a ``date`` column (ISO) and unit-named columns, empty cells
for missing values; what is missing or estimated, and how to supply it, goes to standard
error as ``note:`` lines. JSON: ``{"athlete_id", "indicator_params", "athlete_settings",
"notes", "columns", "daily": [...]}`` with ``null`` for missing values, so that every number
can be traced to its conventions and to the physiology it used (each value with its source).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys

import pandas as pd

from analyzer import pipeline
from analyzer.cli.importcmd import add_library_option, library_path, read_library
from analyzer.errors import AnalyzerError, LibraryError
from analyzer.indicators import IndicatorParams
from analyzer.store import Library


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "features", help="print an athlete's daily load, fatigue, sleep and recovery indicators"
    )
    add_library_option(parser)
    parser.add_argument("--athlete", required=True, help="athlete id")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    add_params_option(parser)
    parser.set_defaults(func=run)


def add_params_option(parser: argparse.ArgumentParser) -> None:
    """The ``--set NAME=VALUE`` option (indicator conventions) of ``features`` and ``report``."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change an indicator convention, e.g. --set pmc_alpha=inverse --set monotony_ddof=0 "
        "(names: the fields of analyzer.indicators.IndicatorParams)",
    )


def parse_overrides(pairs: list[str]) -> IndicatorParams:
    """Build :class:`IndicatorParams` from ``NAME=VALUE`` strings (typed like the defaults).

    Raises
    ------
    ValueError
        For an unknown name or a bad value, with a readable message.
    """
    defaults = IndicatorParams()
    fields = {f.name: getattr(defaults, f.name) for f in dataclasses.fields(IndicatorParams)}
    changes = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in fields:
            raise ValueError(
                f"--set {pair!r}: expected NAME=VALUE with NAME one of {', '.join(fields)}"
            )
        changes[name] = _typed(text.strip(), fields[name], name)
    return IndicatorParams(**changes)


def _typed(text: str, default, name: str):
    if isinstance(default, bool):
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"--set {name}: expected true or false, got {text!r}")
        return text.lower() in ("true", "1", "yes")
    if isinstance(default, tuple):
        items = [item.strip() for item in text.split(",") if item.strip()]
        return (
            tuple(float(i) for i in items)
            if default and isinstance(default[0], float)
            else tuple(items)
        )
    try:
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float) or default is None:
            return None if text.lower() in ("", "none") else float(text)
    except ValueError:
        raise ValueError(f"--set {name}: not a number: {text!r}") from None
    return text


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def to_json(athlete_id: str, daily: pd.DataFrame) -> str:
    """The daily table as JSON with its conventions; NaN becomes ``null``."""
    records = [
        {column: _clean(value) for column, value in zip(daily.columns, row)}
        for row in daily.itertuples(index=False, name=None)
    ]
    document = {
        "athlete_id": athlete_id,
        "indicator_params": daily.attrs.get("indicator_params", {}),
        "athlete_settings": daily.attrs.get("athlete_settings", {}),
        "notes": list(daily.attrs.get("data_notes", [])),
        "columns": list(daily.columns),
        "daily": records,
    }
    return json.dumps(document, indent=1, allow_nan=False)


def indicator_params(args: argparse.Namespace) -> IndicatorParams:
    """The conventions chosen with ``--set`` (a bad one is an :class:`AnalyzerError`)."""
    try:
        return parse_overrides(args.overrides)
    except ValueError as exc:
        raise AnalyzerError(str(exc)) from exc


def open_library(args: argparse.Namespace, *, read_only: bool = False) -> Library:
    """The library of ``--library``; an :class:`LibraryError` when there is none.

    ``read_only``: opened only to read (:func:`analyzer.cli.importcmd.read_library`).
    """
    if read_only:
        return read_library(args)
    path = library_path(args)
    if not path.exists():
        raise LibraryError(f"{path}: no library here (create one with `cramp-analyzer import`)")
    return Library(path)


def run(args: argparse.Namespace) -> int:
    params = indicator_params(args)
    with open_library(args, read_only=True) as lib:
        sessions = pipeline.session_table(lib, args.athlete, params)
        daily = pipeline.daily_table(lib, args.athlete, sessions, params)
    if args.format == "json":
        sys.stdout.write(to_json(args.athlete, daily) + "\n")
    else:
        frame = daily.copy()
        frame["date"] = [d.isoformat() for d in frame["date"]]
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        for note in daily.attrs.get("data_notes", []):  # the table stays plain CSV
            print(f"note: {note}", file=sys.stderr)
    return 0
