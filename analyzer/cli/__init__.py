"""The ``cramp-analyzer`` command line.

Each sub-command lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a
callable taking the parsed arguments and returning the exit code.

Exit codes
----------
0
    Done.
1
    ``import``: at least one file failed (the others were imported).
2
    Refused with a message: a wrong option, a missing athlete, a file that
    cannot be read (argparse uses 2 for usage errors too).
70
    Internal error: the analyzer met a situation its authors did not foresee
    (``EX_SOFTWARE`` of BSD's ``sysexits.h``). The message says what happened
    and asks for a report; ``CRAMP_ANALYZER_DEBUG=1`` adds the Python traceback.
130
    Interrupted with Ctrl-C (128 + SIGINT, the shell's convention).

Whatever a command prints goes through
:func:`analyzer.printable.printable_output`, so that control characters from
file names, member names or notes reach the terminal as visible escapes,
never as commands to it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import TextIO

from analyzer.errors import AnalyzerError
from analyzer.printable import printable, printable_output

#: Exit code of a refusal with a message (bad option, unreadable input, missing athlete).
EXIT_REFUSED = 2
#: Exit code of an internal error (``EX_SOFTWARE`` in ``sysexits.h``).
EXIT_INTERNAL = 70
#: Exit code after Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
#: Environment variable that adds the Python traceback to an internal error's message.
DEBUG_ENV = "CRAMP_ANALYZER_DEBUG"

# Sub-command modules, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "importcmd",
    "athletes",
    "athlete",
    "demo",
    "features",
    "report",
    "inspect",
    "dashboard",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="cramp-analyzer",
        description="See what lines up with muscle cramps in your training and sleep data.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"analyzer.cli.{name}")
        module.register(subparsers)
    return parser


class EscapingStream:
    """A text stream that writes through :func:`~analyzer.printable.printable_output`.

    Everything else (``isatty``, ``flush``, ``encoding``...) is the wrapped stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        self.wrapped.write(printable_output(text))
        return len(text)

    def writelines(self, lines) -> None:  # noqa: ANN001 - any iterable of str, as TextIO
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """Send ``sys.stdout`` and ``sys.stderr`` through :class:`EscapingStream` during a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapingStream(saved[0]), EscapingStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code (see the module docstring)."""
    with escaped_output():
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if extra and not getattr(args, "accepts_extra", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra = extra
        return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command; turn every way it can stop into a message and an exit code."""
    try:
        return int(args.func(args) or 0)
    except AnalyzerError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of the output went away (`... | head`): stop quietly
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that catches all (MemoryError too)
        return report_internal_error(args.command, exc)


def report_internal_error(command: str, exc: BaseException) -> int:
    """Say that the analyzer failed unexpectedly, without a traceback unless asked; return 70."""
    if isinstance(exc, MemoryError):
        what = "ran out of memory"
    else:
        detail = str(exc)[:300]
        what = f"stopped on an unexpected {type(exc).__name__}" + (f" ({detail})" if detail else "")
    print(
        f"internal error: cramp-analyzer {printable(what)} while running '{command}'. "
        "This is a bug in cramp-analyzer, not a problem with your data: please report it "
        "with the command you ran.",
        file=sys.stderr,
    )
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc, file=sys.stderr)
    else:
        print(f"(set {DEBUG_ENV}=1 to include the Python traceback in the report)", file=sys.stderr)
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at the null device so that Python's exit flush raises no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, AttributeError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
