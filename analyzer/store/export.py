"""Export of one athlete: a ZIP of their tables as CSV plus the original files.

Layout of the archive::

    <athlete_id>/README.txt            what is inside, units and time conventions
    <athlete_id>/tables/<table>.csv    canonical tables (timestamps ISO 8601 UTC)
    <athlete_id>/files/<sha256>/<original name>   the bytes as imported
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

import pandas as pd

from analyzer.store import reads
from analyzer.store.keptfiles import copy_kept, is_kept, kept_bytes  # noqa: F401 - kept_bytes re-exported

_README = """Export of athlete {athlete_id} from a cramp-analyzer library.

tables/  one CSV per canonical table (see analyzer/schema.py): names carry units,
         *_utc columns are ISO 8601 UTC, night/date columns are local dates.
files/   every file imported for this athlete, byte for byte, under its SHA-256.
"""


def athlete_tables(lib, athlete_id: str) -> dict[str, pd.DataFrame]:
    """Every canonical table of one athlete (samples and laps of all their sessions)."""
    conn = lib.connection
    sessions = reads.activities(conn, athlete_id)
    ids = list(sessions["activity_id"])
    athletes = lib.athletes()
    return {
        "athletes": athletes[athletes["athlete_id"] == athlete_id],
        "activities": sessions,
        "samples": _concat([reads.samples(conn, a) for a in ids]),
        "laps": _concat([reads.laps(conn, a) for a in ids]),
        "rr_intervals": reads.rr_intervals(conn, athlete_id),
        "sleep": reads.sleep(conn, athlete_id),
        "sleep_stages": reads.sleep_stages(conn, athlete_id),
        "wellness": reads.wellness(conn, athlete_id),
        "cramps": reads.cramps(conn, athlete_id),
        "medications": reads.medications(conn, athlete_id),
        "imports": reads.imports(conn, athlete_id),
    }


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def export_athlete(lib, athlete_id: str, destination: Path) -> Path:
    """Write the athlete's export ZIP to ``destination`` (a file, or a folder to put it in)."""
    lib.athlete(athlete_id)
    if destination.is_dir():
        destination = destination / f"{athlete_id}-export.zip"
    partial = destination.with_name(destination.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{athlete_id}/README.txt", _README.format(athlete_id=athlete_id))
        for name, frame in athlete_tables(lib, athlete_id).items():
            archive.writestr(f"{athlete_id}/tables/{name}.csv", frame.to_csv(index=False))
        rows = lib.connection.execute(
            "SELECT DISTINCT sha256, original_name FROM imports WHERE athlete_id = ? "
            "AND status IN ('imported', 'partial')",
            (athlete_id,),
        ).fetchall()
        for sha256, original in rows:
            if not is_kept(lib.connection, sha256):
                continue
            safe = PurePosixPath(original.replace("\\", "/")).name or "file"
            # Streamed a chunk at a time: a kept export.xml can pass a gigabyte.
            with archive.open(f"{athlete_id}/files/{sha256}/{safe}", "w", force_zip64=True) as out:
                copy_kept(lib.connection, sha256, out)
    partial.replace(destination)
    return destination
