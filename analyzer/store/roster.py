"""Athletes of a library: create, rename, physiology, delete, export, hand-logged entries.

Mixed into :class:`analyzer.store.library.Library`; every method that writes
runs in one transaction of :meth:`Library.write`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analyzer.errors import LibraryError
from analyzer.schema import TABLES, conform
from analyzer.store import validation
from analyzer.store.codec import query_frame
from analyzer.store.journal import JOURNAL_KEYS
from analyzer.store.keptfiles import forget_unused
from analyzer.store.linking import relink_cramps
from analyzer.store.writer import cramp_id, upsert, upsert_cramps, upsert_medications
from analyzer.store.zones import change_timezone


class RosterMixin:
    """Athlete management; needs ``path``, ``_read()``, ``write()`` and ``link_window_s``."""

    def athletes(self) -> pd.DataFrame:
        """Every athlete of the library (canonical ``athletes`` table), by id."""
        return self._read(query_frame, "athletes", "", (), "athlete_id")

    def athlete(self, athlete_id: str) -> dict:
        """One athlete's row as a dict of the canonical columns.

        Raises
        ------
        LibraryError
            If there is no such athlete.
        """
        columns = list(TABLES["athletes"])
        row = self._read(_athlete_row, columns, athlete_id)
        if row is None:
            raise LibraryError(f"no athlete {athlete_id!r} in {self.path}")
        return dict(zip(columns, row))

    def has_athlete(self, athlete_id: str) -> bool:
        """True if the library holds ``athlete_id``."""
        return self._read(_athlete_row, ["1"], athlete_id) is not None

    def create_athlete(
        self,
        athlete_id: str,
        display_name: str | None = None,
        *,
        timezone_origin: str | None = None,
        **physiology,
    ) -> None:
        """Add an athlete.

        Parameters
        ----------
        athlete_id : str
            A slug: lower-case letters, digits, ``-`` and ``_``.
        display_name : str, optional
            Defaults to ``athlete_id``.
        timezone_origin : str, optional
            ``None`` when ``timezone`` is the user's choice; one of
            :data:`analyzer.schema.TIMEZONE_ORIGINS` when it is a default filled in
            for them (it is then shown as a default until the user sets a zone).
        **physiology
            ``sex``, ``timezone``, ``hr_rest_bpm``, ``hr_max_bpm``, ``lthr_bpm``,
            ``ftp_w``, ``sleep_need_h``; see :func:`validation.check_physiology`.
        """
        validation.check_athlete_id(athlete_id)
        fields = validation.check_physiology({"sex": "unspecified", **physiology})
        if validation.check_timezone_origin(timezone_origin) is not None:
            if fields.get("timezone") is None:
                raise LibraryError("a time zone origin needs a time zone")
            fields["timezone_origin"] = timezone_origin
        fields = {"athlete_id": athlete_id, "display_name": display_name or athlete_id, **fields}
        with self.write() as conn:
            if self.has_athlete(athlete_id):
                raise LibraryError(f"athlete {athlete_id!r} already exists")
            marks = ", ".join("?" * len(fields))
            conn.execute(
                f"INSERT INTO athletes ({', '.join(fields)}) VALUES ({marks})",
                tuple(fields.values()),
            )

    def ensure_athlete(
        self,
        athlete_id: str,
        display_name: str | None = None,
        *,
        timezone_origin: str | None = None,
        **physiology,
    ) -> bool:
        """Create the athlete unless present (see :meth:`create_athlete`); True if created."""
        if self.has_athlete(athlete_id):
            return False
        try:
            self.create_athlete(
                athlete_id, display_name, timezone_origin=timezone_origin, **physiology
            )
        except LibraryError:
            if self.has_athlete(athlete_id):  # another process created it meanwhile
                return False
            raise
        return True

    def rename_athlete(self, athlete_id: str, display_name: str) -> None:
        """Change an athlete's display name (the id stays)."""
        if not display_name or not display_name.strip():
            raise LibraryError("a display name cannot be empty")
        self.athlete(athlete_id)
        with self.write() as conn:
            conn.execute(
                "UPDATE athletes SET display_name = ? WHERE athlete_id = ?",
                (display_name.strip(), athlete_id),
            )

    def set_physiology(self, athlete_id: str, **fields) -> None:
        """Set physiology fields (``None`` clears one) in one transaction.

        A ``timezone`` given is the user's choice from then on, even when it equals the
        default the athlete was created with. A new time zone re-derives what depended
        on the old one (:meth:`set_timezone`).
        """
        current = self.athlete(athlete_id)
        merged = {k: current[k] for k in ("hr_rest_bpm", "hr_max_bpm")}
        checked = validation.check_physiology({**merged, **fields})
        changes = {k: checked[k] for k in fields if k != "timezone"}
        new_zone = "timezone" in fields and checked["timezone"] != current["timezone"]
        if "timezone" in fields and not new_zone and current["timezone_origin"] is not None:
            changes["timezone_origin"] = None  # the default, confirmed: now the user's own
        if not changes and not new_zone:
            return
        with self.write() as conn:
            if changes:
                assignments = ", ".join(f"{k} = ?" for k in changes)
                conn.execute(
                    f"UPDATE athletes SET {assignments} WHERE athlete_id = ?",
                    (*changes.values(), athlete_id),
                )
            if new_zone:
                self.set_timezone(athlete_id, checked["timezone"])

    def set_timezone(self, athlete_id: str, timezone: str | None) -> list:
        """Change the athlete's time zone and re-derive local days and nights.

        See :func:`analyzer.store.zones.change_timezone`; returns the
        results of the files read again.
        """
        return change_timezone(self, athlete_id, timezone)

    def delete_athlete(self, athlete_id: str) -> None:
        """Delete an athlete with every row and every kept file of theirs."""
        self.athlete(athlete_id)
        with self.write() as conn:
            conn.execute("DELETE FROM athletes WHERE athlete_id = ?", (athlete_id,))
            forget_unused(conn)  # kept originals, whole and chunked

    def export_athlete(self, athlete_id: str, destination: str | Path) -> Path:
        """Write a ZIP of the athlete's tables as CSV and their original files."""
        from analyzer.store.export import export_athlete

        return export_athlete(self, athlete_id, Path(destination))

    def relink(self, athlete_id: str) -> int:
        """Re-link the athlete's cramps to sessions and nights; return how many changed."""
        timezone = self.athlete(athlete_id)["timezone"]
        with self.write() as conn:
            return relink_cramps(conn, athlete_id, timezone=timezone, window_s=self.link_window_s)

    def add_cramp(
        self,
        athlete_id: str,
        start_utc,
        muscle: str,
        side: str | None = None,
        severity_0_10: float | None = None,
        duration_s: float | None = None,
        context: str | None = None,
        relief: str | None = None,
        notes: str | None = None,
    ) -> str:
        """Log one cramp (the dashboard's form); return its ``cramp_id``.

        ``start_utc`` must be tz-aware. The entry is checked with the cramp
        log's own rules (:func:`analyzer.io.logs.parse_cramp`: vocabularies of
        :mod:`analyzer.schema`, severity 0-10, duration up to 24 h) and linked
        to its session or night at once. Logging the same cramp (athlete,
        start, muscle, side) again updates it.
        """
        from analyzer.io.logs import parse_cramp

        timezone = self.athlete(athlete_id)["timezone"]
        stamp = pd.Timestamp(start_utc) if start_utc is not None else None
        if stamp is None or stamp.tzinfo is None:
            raise LibraryError(f"cramp start {start_utc!r} needs a time zone (a UTC instant)")
        entry = {
            "start_local": stamp.isoformat(),
            "muscle": muscle,
            "side": side,
            "severity_0_10": severity_0_10,
            "duration_s": duration_s,
            "context": context,
            "relief": relief,
            "notes": notes,
        }
        record, problems = parse_cramp(entry, timezone=timezone)
        if problems:
            raise LibraryError("cramp not saved: " + _sentences(problems))
        start_ns = int(record["start_utc"].value)
        record["cramp_id"] = cramp_id(athlete_id, start_ns, record["muscle"], record["side"])
        record["athlete_id"] = athlete_id
        with self.write() as conn:
            upsert_cramps(conn, _one_row("cramps", record), None)
            relink_cramps(conn, athlete_id, timezone=timezone, window_s=self.link_window_s)
        return record["cramp_id"]

    def add_medication(
        self,
        athlete_id: str,
        name: str,
        kind: str = "medication",
        start_date: dt.date | str | None = None,
        end_date: dt.date | str | None = None,
        notes: str | None = None,
    ) -> None:
        """Log one medication or supplement course (the same name and start updates it).

        Checked with the medication log's rules
        (:func:`analyzer.io.logs.parse_medication`): a name, a known kind, a
        start date, an end date not before it.
        """
        from analyzer.io.logs import parse_medication

        self.athlete(athlete_id)
        entry = {
            "name": name,
            "kind": kind,
            "start_date": start_date,
            "end_date": end_date,
            "notes": notes,
        }
        record, problems = parse_medication(entry)
        if problems:
            raise LibraryError("medication not saved: " + _sentences(problems))
        record["athlete_id"] = athlete_id
        with self.write() as conn:
            upsert_medications(conn, _one_row("medications", record), None)

    def add_daily_log(
        self,
        athlete_id: str,
        entry: dict,
        tags: dict[str, bool | None] | None = None,
    ) -> None:
        """Log one day of the daily log (the dashboard's form); the same day again updates it.

        ``entry`` holds ``date`` and any of the items of
        :func:`analyzer.io.daily_log.parse_daily_entry` (None = not logged);
        ``tags`` custom yes/no items. Checked with the daily-log CSV's rules
        and limits (:mod:`analyzer.limits`). An item left None keeps what was
        stored for that day.
        """
        from analyzer.io.daily_log import SOURCE, is_answered, parse_daily_entry, tag_rows

        self.athlete(athlete_id)
        record, problems = parse_daily_entry(entry, tags)
        if problems:
            raise LibraryError("day not saved: " + _sentences(problems))
        if not is_answered(record):
            raise LibraryError("day not saved: every item is 'not logged'; answer at least one")
        tables = {
            "daily_log": _one_row("daily_log", {**record, "source": SOURCE}),
            "daily_tags": tag_rows([record], SOURCE),
        }
        with self.write() as conn:
            for name, key in JOURNAL_KEYS.items():
                frame = tables[name]
                if not frame.empty:
                    upsert(conn, name, frame, key, None, constants={"athlete_id": athlete_id})


def _athlete_row(conn, columns: list[str], athlete_id: str) -> tuple | None:
    return conn.execute(
        f"SELECT {', '.join(columns)} FROM athletes WHERE athlete_id = ?", (athlete_id,)
    ).fetchone()


def _sentences(problems: list[tuple]) -> str:
    return "; ".join(
        f"{column} {value!r}: expected {expected}" for column, value, expected in problems
    )


def _one_row(table: str, values: dict) -> pd.DataFrame:
    return conform(table, pd.DataFrame([values]))
