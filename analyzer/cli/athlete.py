"""``cramp-analyzer athlete``: show and change an athlete's settings.

Every setting is shown with its value and where it comes from: ``set by you``, ``estimated
from ...`` (the athlete's own data, re-estimated on every analysis) or ``default ...``.
``--set NAME=VALUE`` stores a value (it then wins over any estimate); ``--set NAME=`` (or
``NAME=auto``) clears it, so it is estimated again. A bad value is refused with a message
and nothing is changed. Changing ``timezone`` re-derives the athlete's local days and nights.
"""

from __future__ import annotations

import argparse
import json

from analyzer import pipeline
from analyzer.cli.features import open_library
from analyzer.cli.importcmd import add_library_option
from analyzer.errors import LibraryError
from analyzer.indicators.athlete_settings import SETTING_LABELS, SETTING_NAMES, AthleteSettings
from analyzer.printable import printable
from analyzer.store import validation

#: Words that clear a setting (it is estimated or defaulted again).
CLEAR_WORDS = ("", "auto", "none", "unset")
#: Accepted spellings of ``sex``.
SEX_WORDS = {
    "f": "f",
    "female": "f",
    "woman": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "unspecified": "unspecified",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "athlete",
        help="show or change an athlete's settings (physiology, time zone, sleep need)",
        description="Show an athlete's settings with where each value comes from, or change "
        "them. Values left empty are estimated from the athlete's data.",
    )
    add_library_option(parser)
    parser.add_argument("--athlete", required=True, help="athlete id")
    parser.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"change a setting ({', '.join(SETTING_NAMES)}); an empty VALUE or 'auto' clears "
        "it so that it is estimated again",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(func=run)


def parse_changes(pairs: list[str]) -> dict[str, object]:
    """``{NAME: value}`` from ``NAME=VALUE`` strings; ``None`` clears a setting.

    Raises
    ------
    LibraryError
        For an unknown name, a repeated one, or a value of the wrong kind.
    """
    changes: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in SETTING_NAMES:
            raise LibraryError(
                f"--set {pair!r}: expected NAME=VALUE with NAME one of {', '.join(SETTING_NAMES)}"
            )
        if name in changes:
            raise LibraryError(f"--set {name} is given twice")
        changes[name] = _value(name, text.strip())
    return changes


def _value(name: str, text: str):
    cleared = text.lower() in CLEAR_WORDS
    if name == "display_name":
        if cleared:
            raise LibraryError("display_name cannot be empty")
        return text
    if name == "sex":
        if cleared:
            return "unspecified"
        if text.lower() not in SEX_WORDS:
            raise LibraryError(f"sex {text!r} is not one of f, m, unspecified")
        return SEX_WORDS[text.lower()]
    if cleared:
        return None
    return text  # numbers and time zones are checked by the library's own rules


def apply_changes(lib, athlete_id: str, changes: dict[str, object]) -> None:
    """Store the changes in one go; nothing is written when one of them is refused."""
    current = lib.athlete(athlete_id)
    physiology = {k: v for k, v in changes.items() if k != "display_name"}
    merged = {k: current[k] for k in ("hr_rest_bpm", "hr_max_bpm")}
    validation.check_physiology({**merged, **physiology})  # refuses before anything is written
    if physiology:
        lib.set_physiology(athlete_id, **physiology)
    if "display_name" in changes:
        lib.rename_athlete(athlete_id, str(changes["display_name"]))


def _text_value(name: str, value) -> str:
    if value is None:
        return "not known"
    unit = SETTING_LABELS[name][1]
    number = f"{value:g}" if isinstance(value, float | int) else str(value)
    return f"{number} {unit}".strip()


def format_text(settings: AthleteSettings) -> str:
    """The settings as an aligned table: setting, value, source."""
    rows = [("setting", "value", "source")]
    rows += [
        (name, printable(_text_value(name, s.value)), s.source)
        for name, s in settings.settings.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"athlete {settings.athlete_id}"]
    lines += [f"{a.ljust(widths[0])}  {b.ljust(widths[1])}  {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    changes = parse_changes(args.changes)
    with open_library(args) as lib:
        if changes:
            apply_changes(lib, args.athlete, changes)
        settings = pipeline.athlete_settings(lib, args.athlete)
    if args.format == "json":
        print(json.dumps(settings.as_dict(), indent=1, allow_nan=False))
    else:
        print(format_text(settings))
    return 0
