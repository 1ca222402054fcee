"""``cramp-analyzer dashboard``: start the Streamlit app on 127.0.0.1.

On POSIX systems the command *becomes* the Streamlit server (``os.execve``): there is no
parent process left to stop, so SIGTERM, SIGINT or a closed terminal reach the server itself
and stop it. Where ``exec`` does not replace the process (Windows), the server runs as a child
and the signals this process receives are forwarded to it.
"""

from __future__ import annotations

import argparse
import os
import signal
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
    command = streamlit_command(args.extra)
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, env)  # does not return
    return _run_child(command, env)


def _run_child(command: list[str], env: dict) -> int:
    """Run the server as a child, forward SIGTERM/SIGINT to it, return its exit code."""
    child = subprocess.Popen(command, env=env)

    def forward(signum, frame) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
