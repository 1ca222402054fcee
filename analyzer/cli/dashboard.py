"""``cramp-analyzer dashboard``: start the Streamlit app on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import resources

from analyzer.paths import LIBRARY_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        help="start the dashboard (extra options are passed to `streamlit run`)",
    )
    parser.add_argument("--library", help="library file (default: $CRAMP_ANALYZER_LIBRARY)")
    parser.set_defaults(func=run, accepts_extra=True)


def streamlit_command(extra: list[str]) -> list[str]:
    """Return the ``streamlit run`` command line for the app, local and private by default."""
    app = resources.files("dashboards") / "app.py"
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        *extra,
    ]


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.library:
        env[LIBRARY_ENV] = os.path.abspath(args.library)
    try:
        return subprocess.call(streamlit_command(args.extra), env=env)
    except KeyboardInterrupt:
        return 0
