"""The same-session rule: one session recorded by two sources is stored once.

A FIT file from the watch and a row of a Strava or Garmin Connect activity
list often describe the same session. Two activities of the **same athlete**
from **different files** are the same session when

* their starts are at most :data:`START_TOLERANCE_S` (120 s) apart, and
* their elapsed durations are both known and differ by at most
  :data:`DURATION_TOLERANCE` (10 %) of the longer one.

The library keeps the **richer** of the two: the one with more stream samples,
then the one with more summary fields filled in; on a tie the session already
stored stays. Summary fields the kept session lacks (an RPE or a device name
from the other source, say) are filled from the dropped one, and the dropped
session is recorded in ``session_duplicates`` with the rule that matched, so
nothing disappears without a trace. A missing duration never matches: without
evidence both sessions are kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

START_TOLERANCE_S = 120.0
DURATION_TOLERANCE = 0.10
RULE = "same athlete, start within 120 s, elapsed duration within 10 %"

# Summary columns that may be filled from a dropped duplicate.
FILLABLE = (
    "sport",
    "sub_sport",
    "moving_s",
    "distance_m",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_power_w",
    "avg_speed_mps",
    "avg_cadence_rpm",
    "avg_temperature_c",
    "total_ascent_m",
    "energy_kcal",
    "utc_offset_s",
    "device",
    "rpe",
)


@dataclass(frozen=True)
class StoredSession:
    """The parts of a stored activity the rule compares."""

    activity_id: str
    start_ns: int
    duration_s: float | None
    n_samples: int
    n_fields: int


def durations_match(a: float | None, b: float | None) -> bool:
    """Return True if both durations are known and within the tolerance of the longer."""
    if a is None or b is None or a != a or b != b:
        return False
    longest = max(a, b)
    return abs(a - b) <= DURATION_TOLERANCE * longest if longest > 0 else a == b


def richness(n_samples: int, n_fields: int) -> tuple[int, int]:
    """Sort key of a session's richness: samples first, then filled summary fields."""
    return (int(n_samples), int(n_fields))


def find_match(
    conn: sqlite3.Connection,
    athlete_id: str,
    source_sha256: str,
    start_ns: int,
    duration_s: float | None,
) -> StoredSession | None:
    """Return the stored session of another file that is the same session, if any."""
    tolerance_ns = int(START_TOLERANCE_S * 1e9)
    filled = " + ".join(f"({col} IS NOT NULL)" for col in FILLABLE)
    rows = conn.execute(
        f"SELECT activity_id, start_utc, duration_s, n_samples, {filled} FROM activities "
        "WHERE athlete_id = ? AND source_sha256 != ? AND start_utc BETWEEN ? AND ?",
        (athlete_id, source_sha256, start_ns - tolerance_ns, start_ns + tolerance_ns),
    ).fetchall()
    matches = [StoredSession(*row) for row in rows if durations_match(row[2], duration_s)]
    if not matches:
        return None
    return min(matches, key=lambda s: abs(s.start_ns - start_ns))


def fill_from(conn: sqlite3.Connection, kept_id: str, values: dict) -> None:
    """Fill the kept session's missing summary fields from the dropped one's ``values``."""
    pairs = [(col, values[col]) for col in FILLABLE if values.get(col) is not None]
    if not pairs:
        return
    assignments = ", ".join(f"{col} = COALESCE({col}, ?)" for col, _ in pairs)
    conn.execute(
        f"UPDATE activities SET {assignments} WHERE activity_id = ?",
        [value for _, value in pairs] + [kept_id],
    )


def record_duplicate(
    conn: sqlite3.Connection,
    athlete_id: str,
    dropped_id: str,
    dropped_sha256: str,
    kept_id: str,
    start_ns: int,
) -> None:
    """Record that ``dropped_id`` was not kept because ``kept_id`` is the same session."""
    conn.execute(
        "UPDATE session_duplicates SET kept_activity_id = ? WHERE kept_activity_id = ?",
        (kept_id, dropped_id),
    )
    conn.execute(
        "INSERT OR REPLACE INTO session_duplicates (dropped_activity_id, athlete_id, "
        "dropped_source_sha256, kept_activity_id, start_utc, rule) VALUES (?, ?, ?, ?, ?, ?)",
        (dropped_id, athlete_id, dropped_sha256, kept_id, start_ns, RULE),
    )
