"""``cramp-analyzer inspect FILE``: what one FIT file decodes to.

Prints messages per type, the number of ``record`` messages, the time span,
the device's UTC offset, the sport(s), heart-rate min/mean/max, and the
warnings and errors met while reading. ``--format json`` gives the same as
one JSON object. Exit code 0 when the file was read (possibly with
warnings), 2 when it could not be read at all.

The summary takes what the file holds as it is: a field a device declared
otherwise than the profile (an array, a text) is left out of the span and
the heart-rate figures rather than compared with numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from analyzer.errors import FitError
from analyzer.printable import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inspect", help="show what a FIT file decodes to")
    parser.add_argument("file", help="a .fit file")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(func=run)


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _instants(frame: pd.DataFrame) -> pd.Series:
    """The frame's ``timestamp`` values that are dates (none when the column is not a date)."""
    column = frame.get("timestamp")
    if column is None or not isinstance(column.dtype, pd.DatetimeTZDtype):
        return pd.Series([], dtype="datetime64[ns, UTC]")
    return column.dropna()


def _heart_rates(records: pd.DataFrame) -> pd.Series:
    """The records' heart rates that are numbers [bpm]."""
    column = records.get("heart_rate")
    if column is None:
        return pd.Series([], dtype="float64")
    return pd.to_numeric(column, errors="coerce").dropna()


def summarize(path: str) -> dict:
    """Return the inspection summary of a FIT file as a JSON-ready dict.

    Raises
    ------
    FitError
        When the file cannot be read at all.
    """
    from analyzer.io.fit import read_fit

    fit = read_fit(path)
    counts = fit.message_counts()
    # The records' span when there are records: other messages (device_info) may carry a
    # device's local time as if it were UTC, which would stretch a 47-min run to hours.
    basis = ["record"] if counts.get("record") else list(counts)
    stamps = [s for s in (_instants(fit.messages(name)) for name in basis) if len(s)]
    start = min(s.min() for s in stamps) if stamps else None
    end = max(s.max() for s in stamps) if stamps else None
    hr = _heart_rates(fit.messages("record"))
    sessions = fit.messages("session")
    sports = [str(s) for s in sessions.get("sport", pd.Series([], dtype=object)) if s is not None]
    return {
        "file": Path(path).name,
        "size_bytes": Path(path).stat().st_size,
        "sha256": fit.sha256,
        "fit_segments": fit.n_segments,
        "messages": counts,
        "record_count": int(counts.get("record", 0)),
        "time_span": {
            "start_utc": start.isoformat() if start is not None else None,
            "end_utc": end.isoformat() if end is not None else None,
            "duration_s": (end - start).total_seconds() if start is not None else None,
            "of": "records" if basis == ["record"] else "all messages",
        },
        "utc_offset_s": fit.utc_offset_s,
        "sport": sports,
        "heart_rate_bpm": {
            "min": _number(hr.min()) if len(hr) else None,
            "mean": _number(hr.mean()) if len(hr) else None,
            "max": _number(hr.max()) if len(hr) else None,
        },
        "warnings": list(fit.warnings),
        "errors": [],
    }


def _text(summary: dict) -> str:
    span = summary["time_span"]
    hr = summary["heart_rate_bpm"]
    offset = summary["utc_offset_s"]
    lines = [
        f"file          {printable(summary['file'])} ({summary['size_bytes']} bytes, "
        f"{summary['fit_segments']} FIT segment(s))",
        f"records       {summary['record_count']}",
        f"time span     {span['start_utc'] or '-'} .. {span['end_utc'] or '-'}"
        + (
            f" ({span['duration_s'] / 60:.1f} min, of the {span['of']})"
            if span["duration_s"] is not None
            else ""
        ),
        f"UTC offset    {'-' if offset is None else f'{offset / 3600:+.2f} h'}",
        f"sport         {', '.join(summary['sport']) or '-'}",
        "heart rate    "
        + (
            f"min {hr['min']:.0f} / mean {hr['mean']:.1f} / max {hr['max']:.0f} bpm"
            if hr["min"] is not None
            else "-"
        ),
        "messages",
    ]
    lines += [f"  {name:30s} {count:8d}" for name, count in summary["messages"].items()]
    lines.append(f"warnings      {len(summary['warnings'])}")
    lines += [f"  - {printable(w)}" for w in summary["warnings"]]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        summary = summarize(args.file)
    except FitError as exc:
        if args.format == "json":
            print(json.dumps({"file": Path(args.file).name, "errors": [str(exc)]}, indent=2))
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        print(_text(summary))
    return 0
