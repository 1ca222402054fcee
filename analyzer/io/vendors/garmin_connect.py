"""Garmin Connect "Activities" list exported as CSV (Connect web, All Activities > Export CSV).

Source conventions (Garmin publishes no schema: the columns of a real 2022 export, which the
tests read through ``ANALYZER_SAMPLES_DIR``, and of other public samples):

* ``Date`` is the activity's local start time without a zone: the athlete's
  IANA ``timezone`` is required.
* ``Distance`` is in the account's display units with no unit column; this
  reader takes kilometres (metres for swimming, which Garmin lists in metres)
  unless ``distance_unit="mi"`` is given (then miles, yards for swims).
* ``Time``, ``Moving Time``, ``Elapsed Time`` are ``hh:mm:ss``; ``Calories`` kcal;
  ``Total Ascent`` metres; heart rates bpm; powers W; ``Min/Max Temp`` degC.
* ``--`` means missing; ``0`` heart rate or power means no sensor; thousands
  separators (``"1,000"``) and decimal commas depend on the account's locale;
  columns vary with the sports in the list and repeat (``Avg Run Cadence``).

The list has no samples: rows become ``activities`` with
``source_format="garmin_connect_csv"`` so that the library can drop them when
the FIT file of the same session is imported.
"""

from __future__ import annotations

import pandas as pd

from analyzer.io.csvsniff import read_table
from analyzer.io.formats import FormatSpec
from analyzer.io.localtime import source_zone
from analyzer.io.vendors._extract import Extractor
from analyzer.io.vendors.sports import sport_and_sub_sport
from analyzer.schema import ImportBundle

FORMAT = "garmin_connect_csv"
_KM, _MI = 1000.0, 1609.344
_M, _YD = 1.0, 0.9144


def read_garmin_connect_csv(
    name: str,
    data: bytes,
    *,
    timezone: str | None = None,
    valid_rows_only: bool = False,
    distance_unit: str = "km",
) -> ImportBundle:
    """Read a Garmin Connect activity list into the ``activities`` table.

    Parameters
    ----------
    name, data
        File name (messages only) and content.
    timezone : str
        The athlete's IANA zone; ``Date`` is local time (required).
    valid_rows_only : bool
        Import the valid rows of a file with invalid values (reported in warnings).
    distance_unit : {"km", "mi"}
        The account's display unit for distances.
    """
    table = read_table(name, data)
    zone = source_zone(name, timezone, needed_for="Garmin Connect 'Date' values")
    ex = Extractor(table)
    ex.require("Activity Type", "Date")
    sport, _ = sport_and_sub_sport(ex.text("Activity Type"))
    swim = sport.eq("swimming").to_numpy()
    unit = pd.Series(_KM if distance_unit == "km" else _MI, index=table.cells.index)
    unit[swim] = _M if distance_unit == "km" else _YD
    local, column = ex.datetimes("Date", formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "ISO8601"))
    start_utc = ex.local_to_utc(local, column, zone.key)
    moving = ex.clock("moving_s", "Moving Time", "Time")
    elapsed = ex.clock("duration_s", "Elapsed Time", "Time")
    distance = ex.number("distance_m", "Distance") * unit
    return ex.activities_bundle(
        data,
        FORMAT,
        ex.text("Activity Type"),
        start_utc,
        start_column="Date",
        local=local,
        valid_rows_only=valid_rows_only,
        duration_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        avg_heart_rate_bpm=ex.number("avg_heart_rate_bpm", "Avg HR", zero_is_missing=True),
        max_heart_rate_bpm=ex.number("max_heart_rate_bpm", "Max HR", zero_is_missing=True),
        avg_power_w=ex.number("avg_power_w", "Avg Power", zero_is_missing=True),
        avg_speed_mps=distance / moving.where(moving > 0),
        avg_cadence_rpm=ex.number(
            "avg_cadence_rpm", "Avg Run Cadence", "Avg Bike Cadence", zero_is_missing=True
        ),
        total_ascent_m=ex.number("total_ascent_m", "Total Ascent", "Elev Gain"),
        energy_kcal=ex.number("energy_kcal", "Calories", "Active Calories"),
    )


FORMATS = [
    FormatSpec(
        FORMAT,
        "Garmin Connect activity list (Activities.csv)",
        "csv",
        lambda probe: probe.has_columns("Activity Type", "Date", "Title", "Distance", "Calories"),
        read_garmin_connect_csv,
    ),
]
