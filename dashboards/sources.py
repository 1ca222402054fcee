"""Optional access to the analyzer APIs the pages draw from.

The dashboard is built while the library, indicators and findings packages
are still landing. Each page asks here for the function it needs; when it is
not there yet the page says so honestly instead of drawing anything made up.
"""

from __future__ import annotations

import importlib
from typing import Any


def api(module: str, name: str) -> Any | None:
    """Return ``module.name`` or ``None`` when the module or the name does not exist (yet)."""
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(loaded, name, None)
