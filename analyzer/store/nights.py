"""Garmin daily files in the library: raw samples kept once, nights and days assembled.

A Garmin device spreads a night over several SLEEP_DATA files and a day over
several WELLNESS files, which overlap and arrive in any order, one by one, as
a folder or in a ZIP. So the library never stores what one file says about a
night or a day (the one-file ``sleep`` and ``wellness`` tables of a FIT file
are not even built, :func:`library_bundle`); instead

1. inside the import transaction of each such file,
   :func:`assemble_after_write` stores the file's raw ``daily_samples`` (a
   sample already stored from another file, same athlete, kind and time, is
   kept once; its ``sleep_stages`` were stored by the writer the same way)
   and records the time span the file touches in ``pending_assembly``;
2. :func:`assemble_pending` re-assembles, from *all* stored samples around
   the pending spans, the nights and days they touch
   (:mod:`analyzer.store.rebuild`, with :mod:`analyzer.devicedays`), replaces the
   ``garmin_fit`` rows of those nights (``sleep``) and dates (``wellness``), gives the stages of each night
   its ``night``, and clears the pending rows, all in one transaction.

A single :func:`~analyzer.store.importer.import_file` does step 2 in its own
transaction. A bulk import (:func:`~analyzer.store.importer.import_paths`)
defers it (:func:`deferred_assembly`) and assembles the union of the pending
spans once, at the end. A process killed in between leaves pending rows: the
next import of that athlete, or the next opening of the library
(:func:`assemble_all_pending`, run by :func:`analyzer.store.migrations.migrate`),
completes them, so a library is never left silently half-assembled.

The stored nights and days are the same whatever the order of the files, and
importing a file again, or an overlapping export, changes nothing.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

from analyzer import devicedays
from analyzer.devicedays import has_day_values
from analyzer.schema import ImportBundle
from analyzer.store.rebuild import CONTEXT_H, assembled_pieces, ns, store_days, store_nights

SOURCE = devicedays.SOURCE

# Schema version 3 (analyzer.store.migrations): the raw samples table.
SCHEMA_V3 = """
CREATE TABLE daily_samples (
    athlete_id TEXT NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    t_utc INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value REAL,
    source TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    PRIMARY KEY (athlete_id, t_utc, kind, source)
) WITHOUT ROWID;
"""

#: Long pending spans (a bulk import of months) are assembled in pieces of this many days,
#: which bounds the memory the assembly needs.
CHUNK_DAYS = 31
_H = 3600 * 1_000_000_000
_DAY = 24 * _H

_DEFERRED: ContextVar[bool] = ContextVar("garmin_assembly_deferred", default=False)


def library_bundle(bundle: ImportBundle) -> ImportBundle:
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


@contextmanager
def deferred_assembly(lib, athlete_id: str) -> Iterator[None]:
    """Defer the assembly of nights and days to the end of a block of imports (in this thread).

    Each file's transaction inside the block only records its pending span;
    on leaving the block normally the athlete's pending spans are assembled
    in one transaction (:func:`finish_assembly`). On an error the pending rows
    stay, for the next import or opening of the library to complete.
    """
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    finish_assembly(lib, athlete_id)


def finish_assembly(lib, athlete_id: str) -> bool:
    """Assemble the athlete's pending spans in one transaction; re-link cramps if nights changed."""
    if not _has_pending(lib.connection, athlete_id):
        return False
    timezone = lib.athlete(athlete_id)["timezone"]
    with lib.write() as conn:
        changed = assemble_pending(conn, athlete_id, timezone)
        if changed:
            _relink(conn, athlete_id, timezone)
    return changed


def assemble_after_write(
    conn: sqlite3.Connection,
    athlete_id: str,
    bundle: ImportBundle,
    timezone: str | None,
    counts: dict[str, int],
) -> bool:
    """Store the bundle's raw samples, record its span and (unless deferred) assemble it.

    Runs inside the caller's import transaction, after
    :class:`~analyzer.store.writer.BundleWriter` wrote the bundle. Does
    nothing for bundles without Garmin daily samples or stages, except
    completing spans an interrupted import left pending. Returns whether
    stored nights were replaced (the caller re-links cramps).
    """
    record_pending(conn, athlete_id, bundle, counts)
    if _DEFERRED.get():
        return False
    return assemble_pending(conn, athlete_id, timezone)


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
    jobs = [("nights", lo, hi) for lo, hi in _pieces(spans[spans[:, 2] == 1, :2])]
    jobs += [("days", lo, hi) for lo, hi in _pieces(spans[spans[:, 3] == 1, :2])]
    changed = False
    for (kind, lo, hi), frame in zip(jobs, assembled_pieces(conn, athlete_id, timezone, jobs)):
        if kind == "nights":
            changed |= store_nights(conn, athlete_id, lo, hi, frame)
        else:
            store_days(conn, athlete_id, lo, hi, frame)
    conn.execute("DELETE FROM pending_assembly WHERE athlete_id = ?", (athlete_id,))
    return changed


def assemble_all_pending(conn: sqlite3.Connection) -> list[str]:
    """Complete the assembly an interrupted import left pending, for every athlete.

    Takes its own ``BEGIN IMMEDIATE`` transaction (only when pending rows
    exist; an autocommit connection is expected) and bumps the library's
    ``content_version``. Returns the athletes assembled.
    """
    if conn.execute("SELECT 1 FROM pending_assembly LIMIT 1").fetchone() is None:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        athletes = conn.execute(
            "SELECT DISTINCT p.athlete_id, a.timezone FROM pending_assembly p "
            "JOIN athletes a ON a.athlete_id = p.athlete_id"
        ).fetchall()
        for athlete_id, timezone in athletes:
            if assemble_pending(conn, athlete_id, timezone):
                _relink(conn, athlete_id, timezone)
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'content_version'")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return [a for a, _ in athletes]


def _has_pending(conn: sqlite3.Connection, athlete_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM pending_assembly WHERE athlete_id = ? LIMIT 1", (athlete_id,)
    ).fetchone()
    return row is not None


def _relink(conn: sqlite3.Connection, athlete_id: str, timezone: str | None) -> None:
    from analyzer.store.linking import DEFAULT_LINK_WINDOW_S, relink_cramps

    row = conn.execute("SELECT value FROM meta WHERE key = 'link_window_s'").fetchone()
    window_s = DEFAULT_LINK_WINDOW_S if row is None else float(row[0])
    relink_cramps(conn, athlete_id, timezone=timezone, window_s=window_s)


def _pieces(spans: np.ndarray) -> list[tuple[int, int]]:
    """Spans ``[first, last]`` [ns] merged where their contexts overlap, then cut in pieces.

    Pieces are at most :data:`CHUNK_DAYS` long; returns their ``(first, last)``.
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
    return [(lo, min(lo + step, hi)) for first, hi in merged for lo in range(first, hi + 1, step)]


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
