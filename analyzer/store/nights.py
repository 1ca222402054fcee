"""Garmin daily files in the library: raw samples kept once, nights and days re-assembled.

A Garmin device spreads a night over several SLEEP_DATA files and a day over
several WELLNESS files, which overlap and arrive in any order, one by one, as
a folder or in a ZIP. Inside the import transaction of each such file,
:func:`assemble_after_write`

1. stores the file's raw ``daily_samples`` (a sample already stored from
   another file, same athlete, kind and time, is kept once); its
   ``sleep_stages`` were stored by the writer the same way (same start time
   kept once);
2. re-assembles, from *all* stored samples around the file's time span, the
   nights and days that the file touches, with
   :mod:`analyzer.io.garmin_daily`, and replaces the ``garmin_fit`` rows of
   those nights (``sleep``) and dates (``wellness``); the stages of each
   night get its ``night``.

So the stored nights and days are the same whatever the order of the files,
and importing a file again, or an overlapping export, changes nothing.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from analyzer.io import garmin_daily
from analyzer.io.garmin_days import has_day_values
from analyzer.schema import ImportBundle, conform
from analyzer.store.codec import frame_to_rows

SOURCE = garmin_daily.SOURCE

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

#: Stored samples read around a file's span, so that a night or day that
#: reaches beyond the file is assembled whole [h].
CONTEXT_H = 36
#: Samples read around the local dates a file touches: the largest UTC offset [h].
DAY_MARGIN_H = 14
#: Nights replaced: those whose span comes this close to the file's span [h].
TOUCH_H = 12
#: The only sample kinds the nights (and the dating of a file's samples) use.
CONTEXT_KINDS = ("utc_offset_s", "sleep_score", "sleep_awakenings")
_NS = 1_000_000_000
_H = 3600 * _NS


def assemble_after_write(conn: sqlite3.Connection, athlete_id: str, bundle: ImportBundle,
                         timezone: str | None, counts: dict[str, int]) -> None:
    """Store the bundle's raw samples and re-assemble the nights and days it touches.

    Runs inside the caller's import transaction, after
    :class:`~analyzer.store.writer.BundleWriter` wrote the bundle. Does
    nothing for bundles without Garmin daily samples or stages.
    """
    samples = bundle.tables.get("daily_samples")
    stages = bundle.tables.get("sleep_stages")
    stages = stages[stages["source"] == SOURCE] if stages is not None and "source" in stages else None
    has_samples = samples is not None and len(samples)
    has_stages = stages is not None and len(stages)
    if not has_samples and not has_stages:
        return
    days_unchanged = has_samples and _days_unchanged(conn, athlete_id, samples)
    if has_samples:
        counts["daily_samples"] = _insert_samples(conn, athlete_id, samples, bundle.source_sha256)
    if not has_stages and days_unchanged:
        return  # e.g. an activity's UTC offset that the stored offsets already imply
    times = [f["t_utc"] for f in (samples,) if has_samples] + [
        f[c] for f in (stages,) if has_stages for c in ("start_utc", "end_utc")]
    span = pd.concat(times).dropna()
    if span.empty:
        return
    first, last = int(span.min().value), int(span.max().value)
    offsets_context = _samples_between(conn, athlete_id, first - CONTEXT_H * _H, last + CONTEXT_H * _H,
                                       CONTEXT_KINDS)
    if has_stages:
        bundle_nights = bundle.tables.get("sleep")
        extra = [] if bundle_nights is None else [str(n) for n in bundle_nights["night"].dropna()]
        _reassemble_nights(conn, athlete_id, first, last, offsets_context, timezone, extra)
    if has_samples and not days_unchanged:
        _reassemble_days(conn, athlete_id, samples, offsets_context, timezone)


def _days_unchanged(conn, athlete_id: str, samples: pd.DataFrame) -> bool:
    """Whether storing ``samples`` leaves every assembled day as it is.

    True when none of them is a day value (:func:`analyzer.io.garmin_days.has_day_values`)
    and each ``utc_offset_s`` among them equals the stored offset in force at
    its time: a time is made local with the latest offset sample at or before
    it (:mod:`analyzer.io.garmin_daily`), so such a sample changes no local
    date. Needs a stored offset at or before the time (the earliest-offset
    rule and the fallback time zone would otherwise be affected). Call
    before storing the samples.
    """
    if has_day_values(samples["kind"]):
        return False
    samples = samples[samples["kind"] == "utc_offset_s"]
    t = pd.DatetimeIndex(samples["t_utc"]).as_unit("ns").asi8.tolist()
    for t_ns, value in zip(t, samples["value"].astype("float64").tolist()):
        row = conn.execute(
            "SELECT value FROM daily_samples WHERE athlete_id = ? AND kind = 'utc_offset_s' AND t_utc <= ? "
            "ORDER BY t_utc DESC LIMIT 1",
            (athlete_id, t_ns),
        ).fetchone()
        if row is None or row[0] != value:
            return False
    return True


def _insert_samples(conn, athlete_id: str, samples: pd.DataFrame, sha256: str) -> int:
    t = pd.DatetimeIndex(samples["t_utc"]).as_unit("ns").asi8.tolist()
    source = samples["source"].fillna(SOURCE) if "source" in samples else [SOURCE] * len(t)
    rows = list(zip([athlete_id] * len(t), t, samples["kind"].tolist(),
                    samples["value"].astype("float64").tolist(), list(source), [sha256] * len(t)))
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO daily_samples (athlete_id, t_utc, kind, value, source, source_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


def _samples_between(conn, athlete_id: str, lo: int, hi: int, kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """Stored samples in ``[lo, hi]`` (of ``kinds`` only, when given) plus the last UTC offset sample before ``lo``."""
    only = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    rows = conn.execute(
        f"SELECT t_utc, kind, value FROM daily_samples WHERE athlete_id = ? AND t_utc BETWEEN ? AND ?{only} "
        "UNION ALL SELECT * FROM (SELECT t_utc, kind, value FROM daily_samples WHERE athlete_id = ? "
        "AND kind = 'utc_offset_s' AND t_utc < ? ORDER BY t_utc DESC LIMIT 1)",
        (athlete_id, lo, hi, *kinds, athlete_id, lo),
    ).fetchall()
    return _frame(rows, ["t_utc", "kind", "value"])


def _frame(rows, columns) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in ("t_utc", "start_utc", "end_utc"):
            frame[col] = pd.to_datetime(frame[col].astype("int64"), unit="ns", utc=True)
    return frame


def _reassemble_nights(conn, athlete_id, first, last, samples, timezone, extra_nights) -> None:
    lo, hi = first - CONTEXT_H * _H, last + CONTEXT_H * _H
    rows = conn.execute(
        "SELECT start_utc, COALESCE(end_utc, start_utc), stage FROM sleep_stages "
        "WHERE athlete_id = ? AND source = ? AND start_utc BETWEEN ? AND ?",
        (athlete_id, SOURCE, lo, hi),
    ).fetchall()
    stages = _frame(rows, ["start_utc", "end_utc", "stage"])
    nights, night_stages = garmin_daily.assemble_nights(stages, samples, fallback=timezone)
    start = nights["start_utc"].astype("int64").to_numpy() if len(nights) else np.zeros(0, np.int64)
    end = nights["end_utc"].astype("int64").to_numpy() if len(nights) else np.zeros(0, np.int64)
    touched = (end >= first - TOUCH_H * _H) & (start <= last + TOUCH_H * _H)
    replace = {str(n) for n in nights["night"][touched]} | set(extra_nights)
    nights = nights[nights["night"].astype(str).isin(replace)]
    conn.executemany(
        "DELETE FROM sleep WHERE athlete_id = ? AND night = ? AND source = ?",
        [(athlete_id, n, SOURCE) for n in replace],
    )
    _insert_rows(conn, "sleep", nights.assign(athlete_id=athlete_id))
    _date_stages(conn, athlete_id, nights)


def _date_stages(conn, athlete_id: str, nights: pd.DataFrame) -> None:
    """Give the stored stages inside each night its ``night``."""
    conn.executemany(
        "UPDATE sleep_stages SET night = ? WHERE athlete_id = ? AND source = ? "
        "AND start_utc >= ? AND start_utc < ?",
        [(str(n), athlete_id, SOURCE, int(s.value), int(e.value))
         for n, s, e in zip(nights["night"], nights["start_utc"], nights["end_utc"])],
    )


def _reassemble_days(conn, athlete_id, samples: pd.DataFrame, context: pd.DataFrame, timezone) -> None:
    offsets = context[context["kind"] == "utc_offset_s"]
    dates = sorted({str(d) for d in garmin_daily.local_dates(samples["t_utc"], offsets, timezone)})
    dates = [d for d in dates if d]
    if not dates:
        return
    lo = int(pd.Timestamp(dates[0], tz="UTC").value) - DAY_MARGIN_H * _H
    hi = int(pd.Timestamp(dates[-1], tz="UTC").value) + (24 + DAY_MARGIN_H) * _H
    stored = _samples_between(conn, athlete_id, lo, hi)
    days = garmin_daily.assemble_days(stored, fallback=timezone)
    days = days[days["date"].astype(str).isin(dates)]
    conn.executemany(
        "DELETE FROM wellness WHERE athlete_id = ? AND date = ? AND source = ?",
        [(athlete_id, d, SOURCE) for d in dates],
    )
    _insert_rows(conn, "wellness", days.assign(athlete_id=athlete_id))


def _insert_rows(conn, table: str, frame: pd.DataFrame) -> None:
    frame = conform(table, frame)
    columns = list(frame.columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    conn.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})",
        frame_to_rows(table, frame, columns),
    )
