"""Re-assembling the stored Garmin nights and days of one time span of an athlete.

:func:`reassemble_nights` and :func:`reassemble_days` read the stored stages
and samples around a span (enough context that a night or day reaching
beyond it is assembled whole), assemble them with
:mod:`analyzer.devicedays` and replace the ``garmin_fit`` rows of the
nights and dates the span touches. They run inside the caller's transaction;
:mod:`analyzer.store.nights` decides which spans, and when. Each is the
reading and assembling part (:func:`assembled_nights`, :func:`assembled_days`)
followed by the storing part (:func:`store_nights`, :func:`store_days`);
:func:`assembled_pieces` yields the pieces of a bulk import one after another.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from analyzer import devicedays
from analyzer.schema import conform
from analyzer.store.writer import insert_frame

SOURCE = devicedays.SOURCE
#: Stored samples read around a span, so that a night or day reaching beyond it is whole [h].
CONTEXT_H = 36
#: Samples read around the local dates a span touches: the largest UTC offset [h].
DAY_MARGIN_H = 14
#: Nights replaced: those whose span comes this close to the span [h].
TOUCH_H = 12
#: The only sample kinds the nights use (heart rate and step counters rescore unstaged sleep).
CONTEXT_KINDS = (
    "utc_offset_s",
    "sleep_score",
    "sleep_awakenings",
    "heart_rate",
    *devicedays.wake_evidence.STEP_KINDS,
)
_NS = 1_000_000_000
_H = 3600 * _NS
_DAY = 24 * _H


def ns(times: pd.Series) -> np.ndarray:
    """A tz-aware datetime column as int64 nanoseconds (NaT as the int64 minimum)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return np.asarray(times.array.as_unit("ns").asi8)
    return pd.DatetimeIndex(times).as_unit("ns").asi8


def _samples_between(
    conn, athlete_id: str, lo: int, hi: int, kinds: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Stored samples in ``[lo, hi]`` (of ``kinds`` only, when given), with the UTC offsets around.

    The last ``utc_offset_s`` sample before ``lo`` and the first after ``hi``
    come along, so that every time in the window gets the offset it gets
    from all samples (latest before it, else the earliest).
    """
    only = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
    rows = conn.execute(
        "SELECT t_utc, kind, value FROM daily_samples "
        f"WHERE athlete_id = ? AND t_utc BETWEEN ? AND ?{only} "
        "UNION ALL SELECT * FROM (SELECT t_utc, kind, value FROM daily_samples "
        "WHERE athlete_id = ? AND kind = 'utc_offset_s' AND t_utc < ? ORDER BY t_utc DESC LIMIT 1) "
        "UNION ALL SELECT * FROM (SELECT t_utc, kind, value FROM daily_samples "
        "WHERE athlete_id = ? AND kind = 'utc_offset_s' AND t_utc > ? ORDER BY t_utc LIMIT 1)",
        (athlete_id, lo, hi, *kinds, athlete_id, lo, athlete_id, hi),
    ).fetchall()
    t, kind, value = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "t_utc": pd.to_datetime(np.asarray(t, dtype=np.int64), unit="ns", utc=True),
            "kind": np.asarray(kind, dtype=object),
            "value": np.asarray(value, dtype="float64"),
        }
    )


def _stages_between(conn, athlete_id: str, lo: int, hi: int) -> pd.DataFrame:
    rows = conn.execute(
        "SELECT start_utc, COALESCE(end_utc, start_utc), stage FROM sleep_stages "
        "WHERE athlete_id = ? AND source = ? AND start_utc BETWEEN ? AND ?",
        (athlete_id, SOURCE, lo, hi),
    ).fetchall()
    start, end, stage = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "start_utc": pd.to_datetime(np.asarray(start, dtype=np.int64), unit="ns", utc=True),
            "end_utc": pd.to_datetime(np.asarray(end, dtype=np.int64), unit="ns", utc=True),
            "stage": np.asarray(stage, dtype=object),
        }
    )


def reassemble_nights(conn, athlete_id: str, first: int, last: int, timezone) -> bool:
    """Replace the stored nights that come within :data:`TOUCH_H` of ``[first, last]``."""
    nights = assembled_nights(conn, athlete_id, first, last, timezone)
    return store_nights(conn, athlete_id, first, last, nights)


def assembled_nights(conn, athlete_id: str, first: int, last: int, timezone) -> pd.DataFrame:
    """The nights assembled from the stored stages and samples around ``[first, last]``."""
    lo, hi = first - CONTEXT_H * _H, last + CONTEXT_H * _H
    stages = _stages_between(conn, athlete_id, lo, hi)
    context = _samples_between(conn, athlete_id, lo, hi, CONTEXT_KINDS)
    nights, _ = devicedays.assemble_nights(stages, context, fallback=timezone)
    return nights


def store_nights(conn, athlete_id: str, first: int, last: int, nights: pd.DataFrame) -> bool:
    """Replace the stored nights near ``[first, last]`` by those of :func:`assembled_nights`.

    Returns whether any stored night was replaced or added.
    """
    touch_lo, touch_hi = first - TOUCH_H * _H, last + TOUCH_H * _H
    start, end = ns(nights["start_utc"]), ns(nights["end_utc"])
    touched = (end >= touch_lo) & (start <= touch_hi)
    stored = conn.execute(
        "SELECT night FROM sleep WHERE athlete_id = ? AND source = ? "
        "AND end_utc >= ? AND start_utc <= ?",
        (athlete_id, SOURCE, touch_lo, touch_hi),
    ).fetchall()
    replace = {str(n) for n in nights["night"][touched]} | {n for (n,) in stored}
    if not replace:
        return False
    nights = nights[nights["night"].astype(str).isin(replace)]
    conn.executemany(
        "DELETE FROM sleep WHERE athlete_id = ? AND night = ? AND source = ?",
        [(athlete_id, n, SOURCE) for n in sorted(replace)],
    )
    _insert_rows(conn, "sleep", nights.assign(athlete_id=athlete_id))
    _date_stages(conn, athlete_id, nights)
    return True


def _date_stages(conn, athlete_id: str, nights: pd.DataFrame) -> None:
    """Give the stored stages inside each night its ``night``."""
    start, end = ns(nights["start_utc"]).tolist(), ns(nights["end_utc"]).tolist()
    conn.executemany(
        "UPDATE sleep_stages SET night = ? WHERE athlete_id = ? AND source = ? "
        "AND start_utc >= ? AND start_utc < ?",
        [(str(n), athlete_id, SOURCE, s, e) for n, s, e in zip(nights["night"], start, end)],
    )


def reassemble_days(conn, athlete_id: str, first: int, last: int, timezone) -> None:
    """Replace the stored days of every local date a time in ``[first, last]`` can fall on."""
    store_days(
        conn, athlete_id, first, last, assembled_days(conn, athlete_id, first, last, timezone)
    )


def _day_range(first: int, last: int) -> tuple[int, int]:
    """The days since the epoch (UTC) whose local dates a time in ``[first, last]`` can fall on."""
    margin = DAY_MARGIN_H * _H
    return (first - margin) // _DAY, (last + margin) // _DAY


def assembled_days(conn, athlete_id: str, first: int, last: int, timezone) -> pd.DataFrame:
    """The days assembled from the stored samples around ``[first, last]`` (reads only)."""
    margin = DAY_MARGIN_H * _H
    d0, d1 = _day_range(first, last)
    stored = _samples_between(conn, athlete_id, d0 * _DAY - margin - 1, (d1 + 1) * _DAY + margin)
    return devicedays.assemble_days(stored, fallback=timezone)


def store_days(conn, athlete_id: str, first: int, last: int, days: pd.DataFrame) -> None:
    """Replace the stored days of the dates ``[first, last]`` touches by ``days``."""
    iso0, iso1 = (str(np.datetime64(d, "D")) for d in _day_range(first, last))
    days = days[days["date"].astype(str).between(iso0, iso1)]
    conn.execute(
        "DELETE FROM wellness WHERE athlete_id = ? AND source = ? AND date BETWEEN ? AND ?",
        (athlete_id, SOURCE, iso0, iso1),
    )
    _insert_rows(conn, "wellness", days.assign(athlete_id=athlete_id))


def _insert_rows(conn, table: str, frame: pd.DataFrame) -> None:
    frame = conform(table, frame)
    insert_frame(conn, table, frame, list(frame.columns))


_ASSEMBLE = {"nights": assembled_nights, "days": assembled_days}


def assembled_pieces(
    conn, athlete_id: str, timezone, jobs: Sequence[tuple[str, int, int]]
) -> Iterator[pd.DataFrame]:
    """Yield the nights or days assembled for each job ``(kind, first, last)``, in order.

    ``kind`` is ``"nights"`` (:func:`assembled_nights`) or ``"days"``
    (:func:`assembled_days`).

    The pieces are assembled in this process, through the caller's connection.
    (Assembling them in forked worker processes saved about 1 s of a 50 s
    year of daily files, and a forked process opening the library while this
    one holds a transaction relies on SQLite lock bookkeeping inherited across
    ``fork``, which SQLite advises against.)
    """
    for kind, first, last in jobs:
        yield _ASSEMBLE[kind](conn, athlete_id, first, last, timezone)
