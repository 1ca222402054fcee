"""Strava bulk export (Settings > My Account > Download your account): ``activities.csv``.

Source conventions (Strava publishes no schema: the columns of a real export, which the tests
read through ``ANALYZER_SAMPLES_DIR``, and of other exports read by open-source parsers):

* Several names repeat with different units, so columns are read by position
  (name plus occurrence), never through a name-keyed dict: the first
  ``Elapsed Time`` and ``Distance`` are display values (``Distance`` in km or
  mi), the second ones are SI (seconds, metres), which this reader uses.
* ``Activity Date`` (``"Oct 6, 2022, 11:19:20 PM"``) is read as UTC, as the
  export's consumers report (unverified by Strava documentation); no time zone
  is needed.
* Speeds are m/s, ``Elevation Gain`` m, ``Calories`` kcal, temperatures degC,
  ``Perceived Exertion`` 1-10 (stored as ``rpe``).
* ``Filename`` names the original device file in the archive
  (``activities/<id>.fit.gz``); read those through the registry, which
  decompresses and decodes them.

Rows become ``activities`` with ``source_format="strava_activities_csv"``
and no samples, so the library can drop them when the FIT file of the same
session is imported.
"""

from __future__ import annotations

import pandas as pd

from analyzer.io.csvsniff import read_table
from analyzer.io.formats import FormatSpec
from analyzer.io.vendors._extract import Extractor
from analyzer.schema import ImportBundle

FORMAT = "strava_activities_csv"
_DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "ISO8601")


def _si(ex: Extractor, canonical: str, name: str, *, same_unit: bool) -> pd.Series:
    """The SI copy of a repeated column (its second occurrence, else the only one).

    When both copies share a unit (``same_unit``: elapsed seconds, heart
    rates), the first copy fills the rows where the second is empty.
    """
    if len(ex.table.positions(name)) < 2:
        return ex.number(canonical, name)
    second = ex.number(canonical, name, occurrence=1)
    return second.fillna(ex.number(canonical, name)) if same_unit else second


def read_strava_activities_csv(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read Strava's ``activities.csv`` into the ``activities`` table.

    ``timezone`` is not needed (``Activity Date`` is UTC) and is accepted for
    the registry's uniform signature.
    """
    table = read_table(name, data)
    ex = Extractor(table)
    ex.require("Activity ID", "Activity Date", "Activity Type")
    local, column = ex.datetimes("Activity Date", formats=_DATE_FORMATS)
    start_utc = ex.local_to_utc(local, column, "UTC")
    return ex.activities_bundle(
        data,
        FORMAT,
        ex.text("Activity Type"),
        start_utc,
        start_column="Activity Date",
        ids=ex.text("Activity ID"),
        valid_rows_only=valid_rows_only,
        duration_s=_si(ex, "duration_s", "Elapsed Time", same_unit=True),
        moving_s=ex.number("moving_s", "Moving Time"),
        distance_m=_si(ex, "distance_m", "Distance", same_unit=False),
        avg_heart_rate_bpm=ex.number("avg_heart_rate_bpm", "Average Heart Rate"),
        max_heart_rate_bpm=_si(ex, "max_heart_rate_bpm", "Max Heart Rate", same_unit=True),
        avg_power_w=ex.number("avg_power_w", "Average Watts"),
        avg_speed_mps=ex.number("avg_speed_mps", "Average Speed"),
        avg_cadence_rpm=ex.number("avg_cadence_rpm", "Average Cadence"),
        avg_temperature_c=ex.number("avg_temperature_c", "Average Temperature"),
        total_ascent_m=ex.number("total_ascent_m", "Elevation Gain"),
        energy_kcal=ex.number("energy_kcal", "Calories"),
        rpe=ex.number("rpe", "Perceived Exertion"),
    )


FORMATS = [
    FormatSpec(
        FORMAT,
        "Strava bulk export activities.csv",
        "csv",
        lambda probe: probe.has_columns(
            "Activity ID", "Activity Date", "Activity Type", "Elapsed Time"
        ),
        read_strava_activities_csv,
    ),
]
