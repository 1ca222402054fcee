"""cramp-analyzer: see what lines up with muscle cramps in training and sleep data.

Data flows one way: readers (:mod:`analyzer.io`) turn files into canonical
tables (:mod:`analyzer.schema`), the library (:mod:`analyzer.store`) keeps
them, pure functions (:mod:`analyzer.indicators`, :mod:`analyzer.findings`)
analyse them, and the dashboard draws the results.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "read_fit"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that ``import analyzer`` stays cheap for the CLI.
    if name == "read_fit":
        from analyzer.io.fit import read_fit

        return read_fit
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
