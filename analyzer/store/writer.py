"""Writing one reader's :class:`~analyzer.schema.ImportBundle` into the library.

Everything here runs inside the caller's single ``BEGIN IMMEDIATE``
transaction: a file's rows, its kept bytes and its ``imports`` row are
committed together or not at all.

How rows that already exist are treated (files are different bytes, so these
are overlapping exports, e.g. the same month downloaded twice):

* activities: the same-session rule of :mod:`analyzer.store.sessions`;
* sleep (athlete, night, source) and wellness (athlete, date, source): the
  newer file's values win where it has them, older values stay where it has
  none (vendors spread one day over several files); a night the reader left
  undated gets the local date of its wake-up time (athlete's time zone);
* sleep stages (athlete, start, source): kept once;
* cramps: identified by athlete, start time, muscle and side (the library
  derives ``cramp_id`` from these), the newer entry updates the others;
* medications (athlete, name, start date): the newer entry updates kind, end
  date and notes;
* daily log (athlete, date, source) and its tags (athlete, date, tag, source):
  like sleep and wellness, the newer file's answers win where it has them.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import zlib

import pandas as pd

from analyzer import timebase
from analyzer.schema import TABLES, ImportBundle, conform, empty_table
from analyzer.store import keptfiles, sessions
from analyzer.store.codec import frame_columns, frame_to_rows
from analyzer.store.journal import JOURNAL_KEYS
from analyzer.store.streams import encode_stream

# Kept files smaller than this are stored as they are; larger ones zlib-compressed.
_COMPRESS_FROM_BYTES = 512


@functools.cache
def _canonical_dtypes(table: str) -> list:
    return empty_table(table).dtypes.tolist()


def is_canonical(table: str, frame: pd.DataFrame) -> bool:
    """True if ``frame`` has exactly the canonical columns and dtypes (conform would copy)."""
    return frame.columns.tolist() == list(
        TABLES[table]
    ) and frame.dtypes.tolist() == _canonical_dtypes(table)


def cramp_id(athlete_id: str, start_ns: int, muscle: str | None, side: str | None) -> str:
    """Return the library's id of a cramp: a hash of athlete, start time, muscle and side."""
    key = f"{athlete_id}|{start_ns}|{muscle or ''}|{side or ''}"
    return "c-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def keep_file(conn: sqlite3.Connection, sha256: str, data) -> None:
    """Store the original under its SHA-256 (once).

    ``data`` is the file's bytes or, for a file too large to hold in memory, a
    source of :mod:`analyzer.store.keptfiles`. Files over
    :data:`keptfiles.LARGE_FILE_BYTES` are kept in chunks; the others as one blob.
    """
    if not keptfiles.is_bytes(data) or len(data) > keptfiles.LARGE_FILE_BYTES:
        keptfiles.keep_chunks(conn, sha256, data)
        return
    if keptfiles.is_kept(conn, sha256):
        return
    if len(data) >= _COMPRESS_FROM_BYTES:
        encoding, blob = "zlib", zlib.compress(data, 1)
    else:
        encoding, blob = "identity", data
    conn.execute(
        "INSERT OR IGNORE INTO files (sha256, size_bytes, encoding, data) VALUES (?, ?, ?, ?)",
        (sha256, len(data), encoding, blob),
    )


def insert_frame(
    conn,
    table: str,
    frame: pd.DataFrame,
    columns: list[str],
    verb="INSERT",
    extra=None,
    constants=None,
    fills=None,
):
    """Insert the canonical ``columns`` of ``frame`` (plus constant ``extra`` columns).

    ``constants`` and ``fills``: see :func:`analyzer.store.codec.frame_columns`.
    """
    extra = extra or {}
    names = columns + list(extra)
    n = len(frame)
    values = frame_columns(table, frame, columns, constants, fills) + [
        [v] * n for v in extra.values()
    ]
    quoted = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" * len(names))
    conn.executemany(f"{verb} INTO {table} ({quoted}) VALUES ({marks})", zip(*values))
    return n


def upsert(
    conn: sqlite3.Connection,
    table: str,
    frame: pd.DataFrame,
    key: list[str],
    sha256: str | None,
    update: list[str] | None = None,
    constants=None,
    fills=None,
) -> int:
    """Insert conformed rows; on a ``key`` clash update the ``update`` columns.

    An updated column keeps its old value where the new row has none
    (``COALESCE``). ``update`` defaults to every non-key column. ``constants``
    and ``fills``: see :func:`analyzer.store.codec.frame_columns`.
    """
    columns = list(TABLES[table])
    names = columns + ["source_sha256"]
    n = len(frame)
    rows = zip(*frame_columns(table, frame, columns, constants, fills), [sha256] * n)
    update = [c for c in names if c not in key] if update is None else update + ["source_sha256"]
    assignments = ", ".join(f'"{c}" = COALESCE(excluded."{c}", "{c}")' for c in update)
    quoted = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" * len(names))
    conn.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments}",
        rows,
    )
    return n


class BundleWriter:
    """Writes the tables of one bundle for one athlete; collects counts and notes."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        athlete_id: str,
        bundle: ImportBundle,
        timezone: str | None = None,
    ) -> None:
        self.conn = conn
        self.athlete_id = athlete_id
        self.timezone = timezone
        self.bundle = bundle
        self.sha256 = bundle.source_sha256
        self.counts: dict[str, int] = {}
        self.notes: list[str] = []
        self._conformed: dict[str, pd.DataFrame] = {}
        #: Written instead of the frames' athlete_id column (which readers leave empty).
        self._athlete = {"athlete_id": athlete_id}

    def table(self, name: str) -> pd.DataFrame | None:
        """The bundle's table ``name``, conformed; None if empty.

        Its ``athlete_id`` column is left as the reader made it: the writes
        give every row this writer's athlete (``constants``).
        """
        if name not in self._conformed:
            raw = self.bundle.tables.get(name)
            if raw is None or raw.empty:
                return None
            frame = raw.copy(deep=False) if is_canonical(name, raw) else conform(name, raw)
            self._conformed[name] = frame
        return self._conformed[name]

    def write(self) -> None:
        """Write every table of the bundle."""
        kept = self._activities()
        self._streams(kept)
        self._day_tables()
        self._cramps()
        self._medications()
        self._journal()

    def _activities(self) -> set[str]:
        frame = self.table("activities")
        if frame is None:
            return set()
        prefix = self.sha256[:16]
        missing = frame["activity_id"].isna()
        frame.loc[missing, "activity_id"] = [f"{prefix}-{i}" for i in frame.index[missing]]
        frame["source_sha256"] = self.sha256
        frame["source_format"] = frame["source_format"].fillna(self.bundle.format)
        samples = self.table("samples")
        n_samples = samples.groupby("activity_id").size() if samples is not None else {}
        columns = list(TABLES["activities"])
        kept, dropped = set(), 0
        for i in range(len(frame)):
            row = frame.iloc[[i]]
            n = int(n_samples.get(row["activity_id"].iloc[0], 0))
            if self._keep_activity(row, n, columns):
                kept.add(row["activity_id"].iloc[0])
            else:
                dropped += 1
        self.counts["activities"] = len(kept)
        if dropped:
            self.notes.append(
                f"{dropped} session(s) already stored from another file ({sessions.RULE})"
            )
        return kept

    def _keep_activity(self, row: pd.DataFrame, n_samples: int, columns: list[str]) -> bool:
        values = dict(zip(columns, frame_to_rows("activities", row, columns)[0]))
        values["athlete_id"] = self.athlete_id
        activity_id, start_ns = values["activity_id"], values["start_utc"]
        if start_ns is None:
            raise ValueError(f"activity {activity_id} has no start time")
        match = sessions.find_match(
            self.conn, self.athlete_id, self.sha256, start_ns, values["duration_s"]
        )
        n_fields = sum(values.get(col) is not None for col in sessions.FILLABLE)
        new_rank = sessions.richness(n_samples, n_fields)
        if match is not None and sessions.richness(match.n_samples, match.n_fields) >= new_rank:
            sessions.fill_from(self.conn, match.activity_id, values)
            sessions.record_duplicate(
                self.conn, self.athlete_id, activity_id, self.sha256, match.activity_id, start_ns
            )
            return False
        insert_frame(
            self.conn,
            "activities",
            row,
            columns,
            extra={"n_samples": n_samples},
            constants=self._athlete,
        )
        if match is not None:
            old = self.conn.execute(
                "SELECT * FROM activities WHERE activity_id = ?", (match.activity_id,)
            )
            old_values = dict(zip([d[0] for d in old.description], old.fetchone()))
            sessions.fill_from(self.conn, activity_id, old_values)
            sessions.record_duplicate(
                self.conn,
                self.athlete_id,
                match.activity_id,
                old_values["source_sha256"],
                activity_id,
                old_values["start_utc"],
            )
            self.conn.execute("DELETE FROM activities WHERE activity_id = ?", (match.activity_id,))
            self.notes.append(f"replaced the less detailed session {match.activity_id}")
        return True

    def _streams(self, kept: set[str]) -> None:
        samples = self.table("samples")
        if samples is not None:
            samples = samples[samples["activity_id"].isin(kept) & samples["t_utc"].notna()]
            rows = [
                (activity_id, *encode_stream("samples", group))
                for activity_id, group in samples.groupby("activity_id", sort=False)
            ]
            self.conn.executemany(
                "INSERT INTO sample_streams (activity_id, n_rows, columns, payload) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
            self.counts["samples"] = len(samples)
        laps = self.table("laps")
        if laps is not None:
            laps = laps[laps["activity_id"].isin(kept)]
            self.counts["laps"] = insert_frame(
                self.conn, "laps", laps, list(TABLES["laps"]), "INSERT OR IGNORE"
            )
        self._rr_intervals(kept)

    def _rr_intervals(self, kept: set[str]) -> None:
        rr = self.table("rr_intervals")
        if rr is None:
            return
        rr = rr[(rr["activity_id"].isna() | rr["activity_id"].isin(kept)) & rr["t_utc"].notna()]
        rows = []
        for activity_id, group in rr.groupby(rr["activity_id"].fillna(""), sort=False):
            n, columns, payload = encode_stream("rr_intervals", group)
            rows.append(
                (
                    self.athlete_id,
                    activity_id or None,
                    self.sha256,
                    int(group["t_utc"].min().value),
                    int(group["t_utc"].max().value),
                    n,
                    columns,
                    payload,
                )
            )
        self.conn.executemany(
            "INSERT INTO rr_streams (athlete_id, activity_id, source_sha256, t_first_utc, "
            "t_last_utc, n_rows, columns, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.counts["rr_intervals"] = len(rr)

    def _day_tables(self) -> None:
        fills = {"source": self.bundle.format}
        for name, key in (
            ("sleep", ["athlete_id", "night", "source"]),
            ("wellness", ["athlete_id", "date", "source"]),
        ):
            frame = self.table(name)
            if frame is None:
                continue
            if name == "sleep":
                frame = self._nights_from_wake_time(frame)
            frame = _rows_with(frame, key[1])
            self.counts[name] = upsert(
                self.conn, name, frame, key, self.sha256, constants=self._athlete, fills=fills
            )
        stages = self.table("sleep_stages")
        if stages is None:
            return
        self.counts["sleep_stages"] = insert_frame(
            self.conn,
            "sleep_stages",
            _rows_with(stages, "start_utc"),
            list(TABLES["sleep_stages"]),
            "INSERT OR IGNORE",
            extra={"source_sha256": self.sha256},
            constants=self._athlete,
            fills=fills,
        )

    def _nights_from_wake_time(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Fill a missing ``night`` with the wake-up date (``timebase.sleep_nights``)."""
        missing = frame["night"].isna() & frame["end_utc"].notna()
        if missing.any():
            wake = timebase.sleep_nights(frame.loc[missing, "end_utc"], self.timezone)
            frame = frame.copy()
            frame.loc[missing, "night"] = pd.Series(
                timebase.days_to_dates(wake), index=frame.index[missing], dtype=object
            )
        return frame

    def _cramps(self) -> None:
        frame = self.table("cramps")
        if frame is None:
            return
        frame = frame[frame["start_utc"].notna()]
        frame["activity_id"] = None  # linking decides, see analyzer.store.linking
        frame["night"] = None
        frame["cramp_id"] = [
            cramp_id(self.athlete_id, ts.value, muscle, side)
            for ts, muscle, side in zip(frame["start_utc"], frame["muscle"], frame["side"])
        ]
        frame["athlete_id"] = self.athlete_id
        self.counts["cramps"] = upsert_cramps(self.conn, frame, self.sha256)

    def _medications(self) -> None:
        frame = self.table("medications")
        if frame is None:
            return
        frame = frame[frame["name"].notna()]
        frame["athlete_id"] = self.athlete_id
        self.counts["medications"] = upsert_medications(self.conn, frame, self.sha256)

    def _journal(self) -> None:
        for name, key in JOURNAL_KEYS.items():
            frame = self.table(name)
            if frame is None:
                continue
            self.counts[name] = upsert(
                self.conn,
                name,
                _rows_with(frame, "date"),
                key,
                self.sha256,
                constants=self._athlete,
                fills={"source": self.bundle.format},
            )


def _rows_with(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows of ``frame`` where ``column`` is not missing (``frame`` itself if all are)."""
    present = frame[column].notna().to_numpy()
    return frame if present.all() else frame[present]


def upsert_cramps(conn: sqlite3.Connection, frame: pd.DataFrame, sha256: str | None) -> int:
    """Insert conformed cramp rows; a cramp already stored is updated from the new entry."""
    details = ["severity_0_10", "duration_s", "context", "relief", "notes"]
    return upsert(conn, "cramps", frame, ["cramp_id"], sha256, details)


def upsert_medications(conn: sqlite3.Connection, frame: pd.DataFrame, sha256: str | None) -> int:
    """Insert conformed medication rows; the same course (name, start date) is updated."""
    key = ["athlete_id", "name", "start_date"]
    return upsert(conn, "medications", frame, key, sha256, ["kind", "end_date", "notes"])
