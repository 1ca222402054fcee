"""The canonical tables of one decoded FIT file, and the import bundle of a FIT file's bytes.

:func:`canonical_tables` builds the activity tables (:mod:`.activity`) and
the raw day tables the library assembles across files (:mod:`.wellness`)
at once; what one daily file says on its own about its night and days
(``sleep``, ``wellness``) is built only when asked for (:class:`FitTables`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping

import pandas as pd

from analyzer.errors import FitRecordError
from analyzer.io.fit import FitFile, read_fit
from analyzer.schema import ImportBundle, conform

from . import activity
from .dayfile import DayFile
from .wellness import raw_day_tables, sleep_table, wellness_table

#: Tables that describe only what one file says about its nights and days; built on demand.
ONE_FILE_DAY_TABLES = ("wellness", "sleep")
#: What the decoder's net calls table building in its error messages.
_WHAT = "the canonical tables"


class TableWarnings:
    """The warnings of one file's tables: the decoder's and the tables' own, in order of arising.

    The decoder keeps its warnings in :attr:`FitFile.warnings` and adds to
    them as message types are decoded; the table builders report theirs
    with :meth:`add`. :attr:`items` holds both, in the order they arose.
    """

    def __init__(self, fit: FitFile) -> None:
        self._fit = fit
        self._seen = 0
        self.items: list[str] = []

    def add(self, text: str) -> None:
        """A warning of the table builders."""
        self.catch_up()
        self.items.append(text)

    def catch_up(self, *, skip_repeats: bool = False) -> None:
        """Take the decoder's warnings that arose since the last call."""
        new = self._fit.warnings[self._seen :]
        self._seen = len(self._fit.warnings)
        self.items.extend(w for w in new if not (skip_repeats and w in self.items))


class FitTables(MutableMapping):
    """The canonical tables of one FIT file; ``sleep`` and ``wellness`` are built on first use.

    Behaves as the dict of non-empty tables it stands for: looking up,
    iterating, counting or testing for a one-file day table
    (:data:`ONE_FILE_DAY_TABLES`) builds it then (under the decoder's error
    net, its warnings added to :attr:`warnings`).
    :meth:`without_one_file_day_tables` gives the other tables without ever
    building those.

    Attributes
    ----------
    warnings : list of str
        The file's warnings (decoding and tables), growing as tables are built.
    """

    def __init__(
        self,
        fit: FitFile,
        built: dict[str, pd.DataFrame],
        lazy: dict[str, Callable[[], pd.DataFrame | None]],
        notes: TableWarnings,
    ) -> None:
        self._fit = fit
        self._built = built
        self._lazy = dict(lazy)
        self._notes = notes
        self.warnings = notes.items

    def _build(self, name: str) -> None:
        build = self._lazy.pop(name)
        self._notes.catch_up(skip_repeats=True)
        with self._fit.decoding(_WHAT):
            frame = build()
        self._notes.catch_up(skip_repeats=True)
        if frame is not None and not frame.empty:
            self._built[name] = frame

    def _build_all(self) -> None:
        for name in list(self._lazy):
            self._build(name)

    def without_one_file_day_tables(self) -> dict[str, pd.DataFrame]:
        """The tables other than :data:`ONE_FILE_DAY_TABLES`, none of which is built for it."""
        return {k: v for k, v in self._built.items() if k not in ONE_FILE_DAY_TABLES}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._lazy:
            self._build(name)
        return self._built[name]

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        self._lazy.pop(name, None)
        self._built[name] = frame

    def __delitem__(self, name: str) -> None:
        if self._lazy.pop(name, None) is None:
            del self._built[name]
        else:
            self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        self._build_all()
        return iter(list(self._built))

    def __len__(self) -> int:
        self._build_all()
        return len(self._built)

    def __contains__(self, name: object) -> bool:
        if name in self._lazy:
            self._build(name)
        return name in self._built

    def __repr__(self) -> str:
        return f"FitTables(built={list(self._built)}, on demand={list(self._lazy)})"


def canonical_tables(fit: FitFile) -> FitTables:
    """All canonical tables the file yields (empty tables omitted).

    ``sleep`` and ``wellness`` (what this one file says about its nights and
    days, :mod:`.wellness`) are built when first asked for; see :class:`FitTables`.
    Unexpected failures on malformed content raise :class:`~analyzer.errors.FitRecordError`.
    """
    notes = TableWarnings(fit)
    with fit.decoding(_WHAT):
        tables = _activity_tables(fit, notes.add)
        day = DayFile(fit)
        raw = raw_day_tables(day, notes.add)
    tables.update(raw)  # built canonical (table_frames.canonical_frame), non-empty
    notes.catch_up()
    lazy = {
        "wellness": lambda: _conformed("wellness", wellness_table(day)),
        "sleep": lambda: _conformed("sleep", sleep_table(day, raw.get("sleep_stages"))),
    }
    return FitTables(fit, tables, lazy, notes)


def _activity_tables(fit: FitFile, warn: Callable[[str], None]) -> dict[str, pd.DataFrame]:
    present = fit.message_counts()
    if "session" not in present and not activity.is_activity_file(fit, warn):
        return {}
    wanted = {
        "activities": "session" in present or "record" in present,
        "samples": "record" in present,
        "laps": "lap" in present,
        "rr_intervals": "hrv" in present,
    }
    if not any(wanted.values()):  # daily files
        return {}
    activities = (
        activity.sessions(fit, fit.sha256, warn) if wanted["activities"] else activity.NO_ACTIVITIES
    )
    if wanted["activities"] and activities.empty:
        raise FitRecordError(fit.source, activity.no_activity_problem(fit), recovered="nothing")
    builders = {
        "activities": lambda: activities.frame,
        "samples": lambda: activity.samples(fit, activities, warn),
        "laps": lambda: activity.laps(fit, activities, warn),
        "rr_intervals": lambda: activity.rr_intervals(fit, activities, warn),
    }
    tables: dict[str, pd.DataFrame] = {}
    for name, build in builders.items():
        frame = build() if wanted[name] else None
        if frame is not None and len(frame):
            tables[name] = frame  # canonical already (table_frames.canonical_frame)
    return tables


def _conformed(name: str, frame: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if frame is None or frame.empty else conform(name, frame)


def read_fit_bundle(data: bytes, source_name: str) -> ImportBundle:
    """Read a FIT file's bytes into an :class:`~analyzer.schema.ImportBundle`.

    Parameters
    ----------
    data : bytes
        The file.
    source_name : str
        The file's name as the user gave it (used in messages only).

    Returns
    -------
    ImportBundle
        ``format="fit"``; tables as described in :func:`canonical_tables`;
        ``warnings`` from decoding and table building (the list grows when a
        one-file day table is built later).

    Raises
    ------
    FitError
        When the file cannot be read at all.
    """
    fit = read_fit(data, name=source_name)
    tables = canonical_tables(fit)
    return ImportBundle(
        source_name=source_name,
        source_sha256=fit.sha256,
        format="fit",
        tables=tables,
        warnings=tables.warnings,
    )
