"""The application's canonical tables from a decoded FIT file (:mod:`analyzer.io.fit`).

The FIT package decodes; the functions here turn a decoded file into the
canonical tables of :mod:`analyzer.schema`:

:func:`read_fit_bundle`
    bytes -> :class:`~analyzer.schema.ImportBundle` (format ``"fit"``).
:func:`canonical_tables`
    a decoded file -> its tables (:class:`FitTables`): ``activities``,
    ``samples``, ``laps``, ``rr_intervals`` (:mod:`.activity`), the raw
    ``daily_samples`` and ``sleep_stages`` of Garmin daily files that the
    library assembles across files (:mod:`.garmin_samples`,
    :mod:`.garmin_stages`), and what one file says on its own about its
    night and days, ``sleep`` and ``wellness`` (:mod:`.wellness`).
:func:`daily_samples`, :func:`stage_intervals`
    the raw day-level samples and sleep stage intervals of one file as tables.
"""

from __future__ import annotations

from .bundle import ONE_FILE_DAY_TABLES, FitTables, canonical_tables, read_fit_bundle
from .dayfile import DayFile, daily_samples, stage_intervals

__all__ = [
    "ONE_FILE_DAY_TABLES",
    "DayFile",
    "FitTables",
    "canonical_tables",
    "daily_samples",
    "read_fit_bundle",
    "stage_intervals",
]
