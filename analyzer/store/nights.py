"""Garmin daily files in the library: raw samples kept once, nights and days assembled.

A Garmin device spreads a night over several SLEEP_DATA files and a day over
several WELLNESS files, which overlap and arrive in any order, one by one, as
a folder or in a ZIP. So the library never stores what one file says about a
night or a day (the one-file ``sleep`` and ``wellness`` tables of a FIT file
are not even built, :meth:`GarminAssembly.prepare`); instead

1. inside the import transaction of each such file,
   :meth:`GarminAssembly.record` stores the file's raw ``daily_samples`` (a
   sample already stored from another file, same athlete, kind and time, is
   kept once; its ``sleep_stages`` were stored by the writer the same way)
   and records the time span the file touches in ``pending_assembly``;
2. at the end of the import (:class:`analyzer.store.importing.job.ImportJob`),
   :meth:`GarminAssembly.finish` re-assembles, from *all* stored samples
   around the pending spans, the nights and days they touch
   (:mod:`analyzer.store.rebuild`, with :mod:`analyzer.devicedays`),
   replaces the ``garmin_fit`` rows of those nights (``sleep``) and dates
   (``wellness``), gives the stages of each night its ``night``, re-links the
   cramps and clears the pending rows, all in one transaction.

So a month of files is assembled once, however the files arrive. A process
killed between the two steps leaves pending rows: the next import (of any
athlete) completes them. Opening a library never does: it never writes.

The stored nights and days are the same whatever the order of the files, and
importing a file again, or an overlapping export, changes nothing.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable

import numpy as np

from analyzer import devicedays
from analyzer.devicedays import has_day_values
from analyzer.schema import ImportBundle
from analyzer.store.linking import DEFAULT_LINK_WINDOW_S, relink_cramps
from analyzer.store.rebuild import CONTEXT_H, assembled_pieces, ns, store_days, store_nights

SOURCE = devicedays.SOURCE

#: Long pending spans (a bulk import of months) are assembled in pieces of this many days,
#: which bounds the memory the assembly needs.
CHUNK_DAYS = 31
_H = 3600 * 1_000_000_000
_DAY = 24 * _H


class GarminAssembly:
    """How an import handles Garmin daily files: one step per file, one at the end.

    The import job calls :meth:`prepare` on every bundle read, :meth:`record`
    inside each file's transaction and :meth:`finish` once after the last file.
    """

    @staticmethod
    def prepare(bundle: ImportBundle) -> ImportBundle:
        """The bundle as the library stores it: a FIT file's one-file nights and days left out.

        The library assembles every ``garmin_fit`` night and day from the stored
        samples of all files (module docstring), so what one FIT file says on its
        own is not needed; :class:`analyzer.io.fit_tables.FitTables` builds
        those tables only on demand, and they are dropped here without building.
        """
        from analyzer.io.fit_tables import FitTables

        if not isinstance(bundle.tables, FitTables):
            return bundle
        return dataclasses.replace(bundle, tables=bundle.tables.without_one_file_day_tables())

    @staticmethod
    def record(
        conn: sqlite3.Connection, athlete_id: str, bundle: ImportBundle, counts: dict[str, int]
    ) -> bool:
        """Store the bundle's raw samples and the span to assemble; see :func:`record_pending`."""
        return record_pending(conn, athlete_id, bundle, counts)

    @staticmethod
    def finish(lib) -> list[str]:
        """Assemble every athlete's pending spans in one transaction; return the athletes done.

        Cramps of an athlete whose nights changed are re-linked. Takes no
        write lock when nothing is pending.
        """
        if not has_pending(lib.connection):
            return []
        with lib.write() as conn:
            athletes = conn.execute(
                "SELECT DISTINCT p.athlete_id, a.timezone FROM pending_assembly p "
                "JOIN athletes a ON a.athlete_id = p.athlete_id ORDER BY p.athlete_id"
            ).fetchall()
            for athlete_id, timezone in athletes:
                if assemble_pending(conn, athlete_id, timezone):
                    _relink(conn, athlete_id, timezone)
        return [athlete_id for athlete_id, _ in athletes]


def has_pending(conn: sqlite3.Connection, athlete_id: str | None = None) -> bool:
    """Whether spans (of one athlete, or of any) wait to be assembled."""
    if athlete_id is None:
        return conn.execute("SELECT 1 FROM pending_assembly LIMIT 1").fetchone() is not None
    row = conn.execute(
        "SELECT 1 FROM pending_assembly WHERE athlete_id = ? LIMIT 1", (athlete_id,)
    ).fetchone()
    return row is not None


def record_pending(
    conn: sqlite3.Connection, athlete_id: str, bundle: ImportBundle, counts: dict[str, int]
) -> bool:
    """Store the bundle's raw samples and record the span whose nights or days must be assembled.

    Nights are pending when the bundle has Garmin stages; days when its
    samples may change a day (:func:`_days_unchanged`). Returns whether a
    span was recorded.
    """
    samples = _columns(bundle.tables.get("daily_samples"))
    stages = _columns(bundle.tables.get("sleep_stages"))
    stage_times: list[np.ndarray] = []
    if "source" in stages:
        garmin = stages["source"].to_numpy(dtype=object) == SOURCE
        if garmin.any():
            stage_times = [ns(stages["start_utc"])[garmin], ns(stages["end_utc"])[garmin]]
    has_samples = bool(samples)
    has_stages = bool(stage_times)
    if not has_samples and not has_stages:
        return False
    times = []
    days = False
    if has_samples:
        t, kind = ns(samples["t_utc"]), samples["kind"].to_numpy(dtype=object)
        value = samples["value"].to_numpy(dtype="float64", na_value=np.nan)
        source = None
        if "source" in samples:
            source = samples["source"].to_numpy(dtype=object, na_value=None)
            if (source == None).any():  # noqa: E711 - element-wise
                source = np.where(source == None, SOURCE, source)  # noqa: E711
        days = not _days_unchanged(conn, athlete_id, t, kind, value)
        counts["daily_samples"] = _insert_samples(
            conn, athlete_id, t, kind, value, source, bundle.source_sha256
        )
        times.append(t)
    if not has_stages and not days:
        return False  # e.g. an activity's UTC offset that the stored offsets already imply
    span = np.concatenate(times + stage_times)
    span = span[span != np.iinfo(np.int64).min]
    if span.size == 0:
        return False
    conn.execute(
        "INSERT INTO pending_assembly (athlete_id, first_utc, last_utc, nights, days) "
        "VALUES (?, ?, ?, ?, ?)",
        (athlete_id, int(span.min()), int(span.max()), int(has_stages), int(days)),
    )
    return True


def _columns(frame) -> dict:
    """A non-empty frame's columns by name ({} for none or an empty frame).

    Taken in one pass: a label look-up per column costs more than the
    columns' numpy work for the small frames of daily files.
    """
    if frame is None or len(frame) == 0:
        return {}
    return dict(frame.items())


def assemble_pending(conn: sqlite3.Connection, athlete_id: str, timezone: str | None) -> bool:
    """Assemble the nights and days of the athlete's pending spans, then clear them.

    Overlapping or nearby spans are merged and each merged span is assembled
    once (in pieces of :data:`CHUNK_DAYS`). Runs inside the caller's
    transaction. Returns whether any stored night was replaced.
    """
    rows = conn.execute(
        "SELECT first_utc, last_utc, nights, days FROM pending_assembly WHERE athlete_id = ?",
        (athlete_id,),
    ).fetchall()
    if not rows:
        return False
    spans = np.array(rows, dtype=np.int64).reshape(-1, 4)
    next_stored = _next_stored_time(conn, athlete_id)
    jobs = [("nights", lo, hi) for lo, hi in _pieces(spans[spans[:, 2] == 1, :2], next_stored)]
    jobs += [("days", lo, hi) for lo, hi in _pieces(spans[spans[:, 3] == 1, :2], next_stored)]
    changed = False
    for (kind, lo, hi), frame in zip(jobs, assembled_pieces(conn, athlete_id, timezone, jobs)):
        if kind == "nights":
            changed |= store_nights(conn, athlete_id, lo, hi, frame)
        else:
            store_days(conn, athlete_id, lo, hi, frame)
    conn.execute("DELETE FROM pending_assembly WHERE athlete_id = ?", (athlete_id,))
    return changed


def _relink(conn: sqlite3.Connection, athlete_id: str, timezone: str | None) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'link_window_s'").fetchone()
    window_s = DEFAULT_LINK_WINDOW_S if row is None else float(row[0])
    relink_cramps(conn, athlete_id, timezone=timezone, window_s=window_s)


def _pieces(
    spans: np.ndarray, next_stored: Callable[[int, int], int | None]
) -> list[tuple[int, int]]:
    """Spans ``[first, last]`` [ns] merged where their contexts overlap, then cut in pieces.

    Pieces are at most :data:`CHUNK_DAYS` long and each starts at a stored
    time (``next_stored(t, last)``: the first stored time in ``[t, last]``, or
    None): a stretch without stored data holds no night or day to assemble,
    and skipping it bounds the pieces by the data, not by the span. A file
    with one corrupt time decades away spans thousands of pieces but holds
    data in two. Returns the pieces' ``(first, last)``.
    """
    if spans.size == 0:
        return []
    spans = spans[np.argsort(spans[:, 0], kind="stable")]
    merged: list[list[int]] = []
    for first, last in spans.tolist():
        if merged and first <= merged[-1][1] + 2 * CONTEXT_H * _H:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    step = CHUNK_DAYS * _DAY
    pieces = []
    for first, last in merged:
        lo = next_stored(first, last)
        while lo is not None:
            hi = min(lo + step, last)
            pieces.append((lo, hi))
            lo = next_stored(hi + 1, last) if hi < last else None
    return pieces


def _next_stored_time(
    conn: sqlite3.Connection, athlete_id: str
) -> Callable[[int, int], int | None]:
    """``next_stored(t, last)``: the first sample time or Garmin stage start in ``[t, last]``.

    Each is an index look-up that stops at the first row (the tables' primary
    keys lead with athlete and time).
    """

    def next_stored(t: int, last: int) -> int | None:
        found = conn.execute(
            "SELECT MIN(x) FROM ("
            "SELECT * FROM (SELECT t_utc AS x FROM daily_samples "
            "WHERE athlete_id = ? AND t_utc BETWEEN ? AND ? ORDER BY t_utc LIMIT 1) "
            "UNION ALL SELECT * FROM (SELECT start_utc FROM sleep_stages "
            "WHERE athlete_id = ? AND source = ? AND start_utc BETWEEN ? AND ? "
            "ORDER BY start_utc LIMIT 1))",
            (athlete_id, t, last, athlete_id, SOURCE, t, last),
        ).fetchone()[0]
        return None if found is None else int(found)

    return next_stored


def _days_unchanged(
    conn, athlete_id: str, t: np.ndarray, kind: np.ndarray, value: np.ndarray
) -> bool:
    """Whether storing these samples (times [ns], kinds, values) leaves every day as it is.

    True when none of them is a day value (:func:`analyzer.devicedays.has_day_values`)
    and each ``utc_offset_s`` among them equals the stored offset in force at
    its time: a time is made local with the latest offset sample at or before
    it (:mod:`analyzer.devicedays`), so such a sample changes no local
    date. Needs a stored offset at or before the time (the earliest-offset
    rule and the fallback time zone would otherwise be affected). Call
    before storing the samples.
    """
    if has_day_values(set(kind.tolist())):
        return False
    offsets = kind == "utc_offset_s"
    for t_ns, offset in zip(t[offsets].tolist(), value[offsets].tolist()):
        row = conn.execute(
            "SELECT value FROM daily_samples WHERE athlete_id = ? AND kind = 'utc_offset_s' "
            "AND t_utc <= ? ORDER BY t_utc DESC LIMIT 1",
            (athlete_id, t_ns),
        ).fetchone()
        if row is None or row[0] != offset:
            return False
    return True


def _insert_samples(
    conn,
    athlete_id: str,
    t: np.ndarray,
    kind: np.ndarray,
    value: np.ndarray,
    source: np.ndarray | None,
    sha256: str,
) -> int:
    n = t.size
    sources = source.tolist() if source is not None else [SOURCE] * n
    rows = zip([athlete_id] * n, t.tolist(), kind.tolist(), value.tolist(), sources, [sha256] * n)
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO daily_samples "
        "(athlete_id, t_utc, kind, value, source, source_sha256) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before
