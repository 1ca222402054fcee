"""The athlete library: one embedded SQLite file, one transaction per imported file.

Public entry points: :class:`Library` and :class:`ImportResult`. See
:mod:`analyzer.store.sqlschema` for how the tables are stored,
:mod:`analyzer.store.importer` for import statuses,
:mod:`analyzer.store.sessions` for the same-session rule and
:mod:`analyzer.store.linking` for how cramps are linked to sessions and nights.
"""

from analyzer.store.demo import build_demo_library
from analyzer.store.importer import ImportResult
from analyzer.store.library import Library

__all__ = ["ImportResult", "Library", "build_demo_library"]
