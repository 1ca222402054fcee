"""An athlete's time zone: which names are accepted, the computer's own, and changing it later.

The time zone is used only to turn instants into local days and nights (a
night belongs to the local date on which it ends) and to read files that
write local times without an offset (Garmin Connect ``Activities.csv``,
Fitbit ``exercise.json``, a cramp log). So:

* a new athlete gets the computer's own IANA zone when none is given
  (:func:`system_timezone`), so that such files import at once; the library
  records that it is a default (``athletes.timezone_origin``) until the user
  sets a zone;
* changing the zone later (:func:`change_timezone`) re-derives everything
  that depended on it, in one transaction.
"""

from __future__ import annotations

import os
from pathlib import Path

from analyzer.io.localtime import check_zone_name
from analyzer.store.linking import relink_cramps
from analyzer.store.nights import SOURCE as GARMIN_SOURCE
from analyzer.store.nights import GarminAssembly
from analyzer.store.reimport import reimport_one
from analyzer.store.validation import check_timezone


def _zone_in_path(path: str) -> str | None:
    """The zone name ending a path into a zoneinfo folder (``.../zoneinfo/Europe/Berlin``)."""
    parts = Path(path).parts
    if "zoneinfo" not in parts:
        return None
    name = "/".join(parts[len(parts) - parts[::-1].index("zoneinfo") :])
    return name if _is_zone(name) else None


def _is_zone(name: str) -> bool:
    try:
        check_zone_name(name)
    except ValueError:
        return False
    return True


def system_timezone() -> str | None:
    """The IANA name of this computer's time zone, or ``None`` when it cannot be told.

    Looks, in order, at the ``TZ`` environment variable, the ``/etc/localtime``
    link (Linux, macOS), and ``/etc/timezone`` (Debian). A name the
    computer gives in another form (Windows) is not translated.
    """
    tz = os.environ.get("TZ", "").lstrip(":")
    if _is_zone(tz):
        return tz
    if tz:
        found = _zone_in_path(tz)
        if found:
            return found
    localtime = Path("/etc/localtime")
    try:
        if localtime.is_symlink():
            found = _zone_in_path(os.path.realpath(localtime)) or _zone_in_path(
                os.readlink(localtime)
            )
            if found:
                return found
        text = Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if _is_zone(text) else None


def default_timezone() -> tuple[str, str]:
    """The zone of a new athlete given none, and its origin (``athletes.timezone_origin``).

    ``(the computer's zone, "computer")``, or ``("UTC", "fallback")`` when the computer's
    cannot be told.
    """
    zone = system_timezone()
    return (zone, "computer") if zone else ("UTC", "fallback")


def change_timezone(lib, athlete_id: str, timezone: str) -> list:
    """Set an athlete's time zone and re-derive what depended on the old one; one transaction.

    The zone is the user's choice from then on (``timezone_origin`` cleared).

    * files other than FIT files are read again from their kept bytes with
      the new zone (a CSV or JSON export, a cramp log may hold local times;
      FIT files carry UTC instants and their own offsets);
    * the Garmin nights and days are assembled again over all the athlete's
      samples (the zone is their fallback where the device gave no offset);
    * cramps are linked again to their sessions and nights.

    Local dates of sessions and wellness are derived when read, so they
    follow at once. Returns the re-import results (a file the current reader
    now refuses keeps its earlier rows and gets a ``failed`` history row).
    """
    check_timezone(timezone)
    lib.athlete(athlete_id)
    with lib.write() as conn:
        conn.execute(
            "UPDATE athletes SET timezone = ?, timezone_origin = NULL WHERE athlete_id = ?",
            (timezone, athlete_id),
        )
        shas = [
            row[0]
            for row in conn.execute(
                "SELECT sha256 FROM imports WHERE athlete_id = ? AND status IN "
                "('imported', 'partial') AND COALESCE(format, '') != 'fit' "
                "GROUP BY sha256 ORDER BY MIN(import_id)",
                (athlete_id,),
            ).fetchall()
        ]
        results = [reimport_one(lib, sha256, athlete_id) for sha256 in shas]
        first, last = conn.execute(
            "SELECT MIN(t), MAX(t) FROM (SELECT t_utc AS t FROM daily_samples "
            "WHERE athlete_id = ? UNION ALL SELECT start_utc FROM sleep_stages "
            "WHERE athlete_id = ? AND source = ?)",
            (athlete_id, athlete_id, GARMIN_SOURCE),
        ).fetchone()
        if first is not None:  # every Garmin night and day, assembled again below
            conn.execute(
                "INSERT INTO pending_assembly (athlete_id, first_utc, last_utc, nights, days) "
                "VALUES (?, ?, ?, 1, 1)",
                (athlete_id, first, last),
            )
        GarminAssembly.finish(lib)
        relink_cramps(conn, athlete_id, timezone=timezone, window_s=lib.link_window_s)
    return results
