"""Linking cramps to the session and the night they belong to.

Rules (applied to every cramp of an athlete each time activities, sleep or
cramps of that athlete change, so a cramp logged before its session was
imported is linked once the session arrives):

* A cramp whose context is not ``night`` is linked to the session it
  happened in, or ended at most ``window_s`` seconds (default 3600 s) before
  it: ``start_utc <= t <= start_utc + duration_s + window_s``, with
  ``moving_s`` standing in when the elapsed duration is missing. When several
  sessions qualify, the one that started last wins.
* A nocturnal cramp (context ``night``) is linked to no session but to its
  night, the local date on which the night ends: the night of the athlete's
  sleep record whose span contains the cramp, else the cut-off rule of
  :func:`analyzer.timebase.event_nights` (before local noon the night ending
  that date, from noon the next). Local times use the athlete's IANA time
  zone (UTC when none is set).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from analyzer import timebase

DEFAULT_LINK_WINDOW_S = 3600.0
_NS = 1_000_000_000


def cramp_nights(times_ns: list[int], sleep_rows: list[tuple], timezone: str | None) -> list[str]:
    """ISO night (local wake-up date) of each nocturnal cramp, as the library stores it.

    Parameters
    ----------
    times_ns : list of int
        Cramp starts [ns since the Unix epoch, UTC].
    sleep_rows : list of tuple
        The athlete's recorded sleep: ``(night, start_utc_ns, end_utc_ns)``.
    timezone : str or None
        The athlete's IANA time zone.
    """
    if not times_ns:
        return []
    night, start, end = zip(*sleep_rows) if sleep_rows else ((), (), ())
    sleep = pd.DataFrame(
        {
            "start_utc": pd.to_datetime(np.array(start, dtype=np.int64), utc=True),
            "end_utc": pd.to_datetime(np.array(end, dtype=np.int64), utc=True),
            "night": list(night),
        }
    )
    instants = pd.to_datetime(np.array(times_ns, dtype=np.int64), utc=True)
    nights = timebase.event_nights(instants, timezone, sleep)
    return [d.isoformat() for d in timebase.days_to_dates(nights)]


def session_for(
    t_ns: int, starts_ns: np.ndarray, ends_ns: np.ndarray, ids: list[str], window_ns: int
) -> str | None:
    """Return the id of the last-started session with ``start <= t <= end + window``.

    ``starts_ns`` must be sorted ascending; ``ends_ns`` and ``ids`` follow it.
    """
    j = int(np.searchsorted(starts_ns, t_ns, side="right")) - 1
    while j >= 0:
        if ends_ns[j] + window_ns >= t_ns:
            return ids[j]
        # Sessions rarely overlap; stop once a day earlier than any plausible session end.
        if t_ns - starts_ns[j] > 2 * 86400 * _NS:
            return None
        j -= 1
    return None


def relink_cramps(
    conn: sqlite3.Connection,
    athlete_id: str,
    *,
    timezone: str | None,
    window_s: float = DEFAULT_LINK_WINDOW_S,
) -> int:
    """Recompute ``activity_id`` and ``night`` of every cramp of one athlete.

    Runs inside the caller's transaction. Returns the number of cramps whose
    link changed.
    """
    cramps = conn.execute(
        "SELECT cramp_id, start_utc, context, activity_id, night FROM cramps WHERE athlete_id = ?",
        (athlete_id,),
    ).fetchall()
    if not cramps:
        return 0
    sessions = conn.execute(
        "SELECT activity_id, start_utc, COALESCE(duration_s, moving_s, 0) FROM activities "
        "WHERE athlete_id = ? ORDER BY start_utc",
        (athlete_id,),
    ).fetchall()
    ids = [row[0] for row in sessions]
    starts = np.array([row[1] for row in sessions], dtype=np.int64)
    ends = starts + np.array([row[2] * _NS for row in sessions], dtype=np.float64).astype(np.int64)
    nights = conn.execute(
        "SELECT night, start_utc, end_utc FROM sleep WHERE athlete_id = ? "
        "AND start_utc IS NOT NULL AND end_utc IS NOT NULL",
        (athlete_id,),
    ).fetchall()
    window_ns = int(window_s * _NS)
    nocturnal = [row[1] for row in cramps if row[2] == "night"]
    night_of = dict(zip(nocturnal, cramp_nights(nocturnal, nights, timezone)))
    changes = []
    for cramp_id, t_ns, context, old_activity, old_night in cramps:
        if context == "night":
            activity, night = None, night_of[t_ns]
        else:
            activity, night = session_for(t_ns, starts, ends, ids, window_ns), None
        if (activity, night) != (old_activity, old_night):
            changes.append((activity, night, cramp_id))
    conn.executemany("UPDATE cramps SET activity_id = ?, night = ? WHERE cramp_id = ?", changes)
    return len(changes)
