"""Reads shaped for the analysis and the dashboard; each returns canonical DataFrames.

All functions take an open connection and run one or two indexed queries;
streams are decoded from their blobs (see :mod:`analyzer.store.streams`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np
import pandas as pd

from analyzer import timebase
from analyzer.schema import conform, empty_table
from analyzer.store.codec import query_frame, utc_to_ns
from analyzer.store.streams import decode_stream, numeric_columns, streams_to_frame


def _time_range(column: str, start, end) -> tuple[str, list]:
    clauses, params = [], []
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(utc_to_ns(start))
    if end is not None:
        clauses.append(f"{column} < ?")
        params.append(utc_to_ns(end))
    return " AND ".join(clauses), params


def activities(conn: sqlite3.Connection, athlete_id: str, start=None, end=None) -> pd.DataFrame:
    """Sessions of one athlete starting in ``[start, end)`` (tz-aware), by start time."""
    clause, params = _time_range("start_utc", start, end)
    where = "athlete_id = ?" + (f" AND {clause}" if clause else "")
    return query_frame(conn, "activities", where, [athlete_id, *params], "start_utc")


def samples(conn: sqlite3.Connection, activity_id: str) -> pd.DataFrame:
    """The 1 Hz (or whatever the device recorded) stream of one session, by time."""
    row = conn.execute(
        "SELECT n_rows, columns, payload FROM sample_streams WHERE activity_id = ?",
        (activity_id,),
    ).fetchone()
    if row is None:
        return empty_table("samples")
    arrays = decode_stream("samples", *row)
    return streams_to_frame("samples", [({"activity_id": activity_id}, arrays)])


def samples_for_athlete(
    conn: sqlite3.Connection, athlete_id: str, start=None, end=None
) -> pd.DataFrame:
    """The streams of every session of one athlete starting in ``[start, end)``, in one frame.

    One query and one pass over the blobs, assembled column by column into a
    single canonical ``samples`` table (rows by session start, then time), so
    the cost of a whole season does not grow with a DataFrame per session.
    The rows of each session equal those of :func:`samples`.

    Parameters
    ----------
    athlete_id : str
    start, end : tz-aware timestamp, optional
        Bounds on the session's ``start_utc``, as in :func:`activities`.

    Returns
    -------
    pandas.DataFrame
        The canonical ``samples`` table (empty, with its columns, when no session
        in the range has a stream).
    """
    clause, params = _time_range("a.start_utc", start, end)
    where = "a.athlete_id = ?" + (f" AND {clause}" if clause else "")
    rows = conn.execute(
        "SELECT s.activity_id, s.n_rows, s.columns, s.payload FROM sample_streams s "
        f"JOIN activities a ON a.activity_id = s.activity_id WHERE {where} "
        "ORDER BY a.start_utc, a.activity_id",
        [athlete_id, *params],
    ).fetchall()
    if not rows:
        return empty_table("samples")
    decoded = [decode_stream("samples", n, columns, payload) for _, n, columns, payload in rows]
    counts = np.array([len(arrays["t_utc"]) for arrays in decoded], dtype=np.int64)
    ids = np.array([activity_id for activity_id, *_ in rows], dtype=object)
    t_ns = np.concatenate([arrays["t_utc"] for arrays in decoded]).astype(np.int64, copy=False)
    data = {
        "activity_id": np.repeat(ids, counts),
        "t_utc": pd.DatetimeIndex(t_ns.view("M8[ns]")).tz_localize("UTC"),
    }
    for col in numeric_columns("samples"):
        data[col] = np.concatenate(
            [arrays.get(col, np.full(len(arrays["t_utc"]), np.nan)) for arrays in decoded]
        )
    return conform("samples", pd.DataFrame(data))


def rr_intervals(
    conn: sqlite3.Connection, athlete_id: str, activity_id: str | None = None, start=None, end=None
) -> pd.DataFrame:
    """Beat intervals of one athlete: of one session, or overlapping ``[start, end)``."""
    where, params = "athlete_id = ?", [athlete_id]
    if activity_id is not None:
        where += " AND activity_id = ?"
        params.append(activity_id)
    if start is not None:
        where += " AND t_last_utc >= ?"
        params.append(utc_to_ns(start))
    if end is not None:
        where += " AND t_first_utc < ?"
        params.append(utc_to_ns(end))
    rows = conn.execute(
        f"SELECT activity_id, n_rows, columns, payload FROM rr_streams WHERE {where} "
        "ORDER BY t_first_utc",
        params,
    ).fetchall()
    pieces = [
        ({"activity_id": act, "athlete_id": athlete_id}, decode_stream("rr_intervals", n, c, p))
        for act, n, c, p in rows
    ]
    frame = streams_to_frame("rr_intervals", pieces)
    if start is not None:
        frame = frame[frame["t_utc"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame["t_utc"] < pd.Timestamp(end)]
    return frame.reset_index(drop=True)


def laps(conn: sqlite3.Connection, activity_id: str) -> pd.DataFrame:
    """Laps of one session, in order."""
    return query_frame(conn, "laps", "activity_id = ?", [activity_id], "lap_index")


def sleep(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """Nights of one athlete (one row per night and source), by night."""
    return query_frame(conn, "sleep", "athlete_id = ?", [athlete_id], "night, source")


def sleep_stages(conn: sqlite3.Connection, athlete_id: str, night=None) -> pd.DataFrame:
    """Sleep stage intervals of one athlete (of one night when given), by time."""
    where, params = "athlete_id = ?", [athlete_id]
    if night is not None:
        where += " AND night = ?"
        params.append(str(night))
    return query_frame(conn, "sleep_stages", where, params, "start_utc")


def wellness(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """Daily wellness rows of one athlete (one per date and source), by date."""
    return query_frame(conn, "wellness", "athlete_id = ?", [athlete_id], "date, source")


def cramps(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """Cramps of one athlete with their linked ``activity_id`` and ``night``, by time."""
    return query_frame(conn, "cramps", "athlete_id = ?", [athlete_id], "start_utc")


def medications(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """Medication and supplement courses of one athlete, by start date."""
    return query_frame(conn, "medications", "athlete_id = ?", [athlete_id], "start_date, name")


def imports(conn: sqlite3.Connection, athlete_id: str | None = None) -> pd.DataFrame:
    """Import history (every attempt, newest last), of one athlete or all."""
    if athlete_id is None:
        return query_frame(conn, "imports", order="import_id")
    return query_frame(conn, "imports", "athlete_id = ?", [athlete_id], "import_id")


def session_duplicates(conn: sqlite3.Connection, athlete_id: str) -> pd.DataFrame:
    """Sessions not kept because another file holds the same session (see sessions.py)."""
    rows = conn.execute(
        "SELECT dropped_activity_id, dropped_source_sha256, kept_activity_id, start_utc, rule "
        "FROM session_duplicates WHERE athlete_id = ? ORDER BY start_utc",
        (athlete_id,),
    ).fetchall()
    frame = pd.DataFrame(
        rows,
        columns=[
            "dropped_activity_id",
            "dropped_source_sha256",
            "kept_activity_id",
            "start_utc",
            "rule",
        ],
    )
    frame["start_utc"] = pd.to_datetime(frame["start_utc"].astype("Int64"), unit="ns", utc=True)
    return frame


def _instants(ns: list) -> pd.DatetimeIndex:
    """Stored ``*_utc`` integers (ns since the Unix epoch) as UTC instants."""
    return pd.DatetimeIndex(np.array(ns, dtype="int64").view("M8[ns]")).tz_localize("UTC")


def data_span(
    conn: sqlite3.Connection, athlete_id: str, timezone: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """First and last local date holding any data of the athlete; ``(None, None)`` without any.

    The dates follow the time base (:mod:`analyzer.timebase`): a session starts on its
    local day with the UTC offset it recorded (a run abroad keeps the date it had where it
    was run), a cramp on the local day of its session's offset or else of ``timezone``
    (and a nocturnal cramp also counts on the night it is linked to), a night on its
    wake-up date, a wellness row on its date.
    """
    sessions = conn.execute(
        "SELECT start_utc, utc_offset_s FROM activities WHERE athlete_id = ?", (athlete_id,)
    ).fetchall()
    cramps = conn.execute(
        "SELECT c.start_utc, a.utc_offset_s, c.night FROM cramps c "
        "LEFT JOIN activities a ON a.activity_id = c.activity_id WHERE c.athlete_id = ?",
        (athlete_id,),
    ).fetchall()
    stored = conn.execute(
        "SELECT MIN(night), MAX(night) FROM sleep WHERE athlete_id = ? "
        "UNION ALL SELECT MIN(date), MAX(date) FROM wellness WHERE athlete_id = ?",
        (athlete_id, athlete_id),
    ).fetchall()
    days = [timebase.to_days([d for pair in stored for d in pair])]
    for rows in (sessions, cramps):
        if rows:
            starts = _instants([r[0] for r in rows])
            offsets = np.array([r[1] for r in rows], dtype="float64")
            days.append(timebase.local_days(starts, timezone, offsets))
    days.append(timebase.to_days([r[2] for r in cramps]))
    known = np.concatenate(days)
    known = known[~np.isnat(known)]
    if known.size == 0:
        return None, None
    first, last = timebase.days_to_dates(np.array([known.min(), known.max()]))
    return first, last


def roster(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per athlete: counts of sessions, nights and cramps and the span of their data.

    A night counts when its time asleep is known, as in the report's
    ``nights_with_sleep`` (a vendor row with times but no durations does not).
    ``first_date``/``last_date`` are ISO dates of :func:`data_span` in the athlete's own
    time zone (``None`` for an athlete without data).
    """
    rows = conn.execute(
        """
        SELECT a.athlete_id, a.display_name, a.timezone,
               (SELECT COUNT(*) FROM activities x WHERE x.athlete_id = a.athlete_id),
               (SELECT COUNT(DISTINCT night) FROM sleep s
                 WHERE s.athlete_id = a.athlete_id AND s.asleep_min IS NOT NULL),
               (SELECT COUNT(*) FROM cramps c WHERE c.athlete_id = a.athlete_id)
          FROM athletes a ORDER BY a.athlete_id
        """
    ).fetchall()
    out = []
    for athlete_id, name, timezone, *counts in rows:
        first, last = data_span(conn, athlete_id, timezone)
        out.append(
            (
                athlete_id,
                name,
                *counts,
                None if first is None else first.isoformat(),
                None if last is None else last.isoformat(),
            )
        )
    return pd.DataFrame(
        out,
        columns=[
            "athlete_id",
            "display_name",
            "n_activities",
            "n_nights",
            "n_cramps",
            "first_date",
            "last_date",
        ],
    )
