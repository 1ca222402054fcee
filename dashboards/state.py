"""Which library the dashboard shows, and opening it.

First start: when the user has no library of their own (no
``$CRAMP_ANALYZER_LIBRARY`` and no file at :func:`analyzer.paths.default_library_path`),
the app opens the demo squad, built once from ``sample_data/`` into a per-user
cache file next to the user's own library. Importing files on the Import page
creates the user's own library; from then on the app opens that one.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analyzer.paths import LIBRARY_ENV, default_library_path, sample_data_dir, user_data_dir
from analyzer.store import Library
from analyzer.store.demo import build_demo_library

DEMO_LIBRARY_ENV = "CRAMP_ANALYZER_DEMO_LIBRARY"
_BUILD_LOCK = threading.Lock()


@dataclass(frozen=True)
class LibraryChoice:
    """The library the app shows: its file and whether it is the demo squad."""

    path: Path
    is_demo: bool


def own_library_path() -> Path:
    """The user's own library file (it may not exist yet)."""
    return default_library_path()


def demo_library_path() -> Path:
    """The per-user cache file of the demo library (``$CRAMP_ANALYZER_DEMO_LIBRARY`` overrides)."""
    env = os.environ.get(DEMO_LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "demo" / "demo-library.sqlite"


def has_own_library() -> bool:
    """True when the user chose a library (environment variable) or already has one."""
    return bool(os.environ.get(LIBRARY_ENV)) or own_library_path().exists()


def choose_library() -> LibraryChoice:
    """Return the user's own library when there is one, else the demo library."""
    if has_own_library():
        return LibraryChoice(own_library_path(), is_demo=False)
    return LibraryChoice(demo_library_path(), is_demo=True)


def ensure_demo_library(path: Path, progress=None) -> bool:
    """Build the demo library at ``path`` unless it is already there.

    Parameters
    ----------
    progress : callable, optional
        ``progress(done, total, result)`` after each imported file.

    Returns
    -------
    bool
        True when the library exists afterwards, False when there is no sample
        data to build it from.

    Raises
    ------
    analyzer.errors.AnalyzerError
        When the sample data cannot be read into a library.
    """
    if path.exists():
        return True
    if not sample_data_dir().is_dir():
        return False
    with _BUILD_LOCK:
        if path.exists():  # another session built it while we waited
            return True
        path.parent.mkdir(parents=True, exist_ok=True)
        build_demo_library(path, sample_data_dir(), progress)
    return path.exists()


@contextlib.contextmanager
def open_library(path: Path | str) -> Iterator[Library]:
    """Open the library at ``path`` for the duration of a ``with`` block."""
    library = Library(Path(path))
    try:
        yield library
    finally:
        library.close()
