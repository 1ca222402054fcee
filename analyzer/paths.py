"""Where the library and the bundled sample data live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

LIBRARY_ENV = "CRAMP_ANALYZER_LIBRARY"
SAMPLE_DATA_ENV = "CRAMP_ANALYZER_SAMPLE_DATA"


def user_data_dir() -> Path:
    """Return the per-user data folder (XDG on Linux, the usual places elsewhere)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "cramp-analyzer"


def default_library_path() -> Path:
    """Return the library file: ``$CRAMP_ANALYZER_LIBRARY``, else the per-user data folder."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "library.sqlite"


def sample_data_dir() -> Path:
    """Return the folder of the bundled demo squad.

    Looks at ``$CRAMP_ANALYZER_SAMPLE_DATA``, then the source checkout the
    package was loaded from, then ``./sample_data`` in the working directory.
    """
    env = os.environ.get(SAMPLE_DATA_ENV)
    candidates = [Path(env)] if env else []
    candidates += [
        Path(__file__).resolve().parents[1] / "sample_data",
        Path.cwd() / "sample_data",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]
