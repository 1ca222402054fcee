"""A library file holding given canonical tables, for tests that need one without a file format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd


def library_from_tables(path: Path, athlete_id: str, physiology: dict, tables: dict) -> Path:
    """A library file at ``path`` holding ``tables`` for one athlete, imported as one file.

    The library is given a reader that returns ``tables`` (canonical DataFrames)
    for any bytes, so command-line tests run on a real library file without
    depending on a file format.
    """
    from analyzer.schema import ImportBundle
    from analyzer.store import Library

    def reader(name, data, *, timezone=None, valid_rows_only=False):
        return ImportBundle(name, "", "test", {k: v.copy() for k, v in tables.items()})

    with Library(path, reader=reader) as lib:
        lib.create_athlete(athlete_id, **physiology)
        result = lib.import_file(athlete_id, "synthetic.bin", b"synthetic export")
        assert result.status == "imported", result.message
    return path


def nightly_tables(
    nights: list[dt.date],
    rng: np.random.Generator,
    *,
    bed_h: float,
    wake_h: float,
    asleep_min: tuple[float, float],
    in_bed_min: float,
) -> dict[str, pd.DataFrame]:
    """Canonical ``sleep`` and ``wellness`` tables with one row per night in ``nights``.

    Each night runs from ``bed_h`` hours before midnight UTC of its wake date to ``wake_h``
    hours after; asleep minutes are uniform in ``asleep_min``, resting heart rate in
    45-55 bpm and rMSSD in 50-80 ms, drawn from ``rng`` in that order.
    """
    from analyzer.schema import conform

    midnights = [pd.Timestamp(n, tz="UTC") for n in nights]
    sleep = pd.DataFrame(
        {
            "night": nights,
            "start_utc": [m - pd.Timedelta(hours=bed_h) for m in midnights],
            "end_utc": [m + pd.Timedelta(hours=wake_h) for m in midnights],
            "asleep_min": rng.uniform(*asleep_min, len(nights)),
            "in_bed_min": in_bed_min,
            "source": "test",
        }
    )
    wellness = pd.DataFrame(
        {
            "date": nights,
            "resting_hr_bpm": rng.uniform(45, 55, len(nights)),
            "hrv_rmssd_ms": rng.uniform(50, 80, len(nights)),
            "source": "test",
        }
    )
    return {"sleep": conform("sleep", sleep), "wellness": conform("wellness", wellness)}
