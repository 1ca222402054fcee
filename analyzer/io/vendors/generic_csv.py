"""Any other CSV: header names and units recognised where possible, an explicit mapping where not.

A spreadsheet a coach keeps, a lab's export, a tool's daily summary: one row
per day (``wellness``), per night (``sleep``) or per session (``activities``).
The reader

* sniffs the delimiter, a byte-order mark, decimal commas and thousands
  separators (:mod:`analyzer.io.csvsniff`) and the date format (ISO first;
  day/month/year before month/day/year, with a warning when both would fit);
* recognises header names and the unit written with them (``Distance (km)``,
  ``duration_min``, ``HRV [ms]``, ``Resting HR``) — see :data:`SYNONYMS` and
  :data:`UNITS` — or takes an explicit :class:`ColumnMapping`;
* converts to the canonical units and checks plausibility like every reader.

Times: a start time with a UTC offset is taken as written; without one it is
local time in the athlete's ``timezone`` (required then). Dates are local
calendar dates and need no zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from analyzer.errors import CsvImportError
from analyzer.io.csvsniff import CsvTable, normalize_header, read_table
from analyzer.io.formats import FormatSpec, Probe
from analyzer.io.localtime import has_offset, source_zone
from analyzer.io.vendors._extract import Extractor
from analyzer.schema import ImportBundle

#: Header words (folded, unit removed) -> canonical column; ``start`` and ``date`` are the time
#: keys.
SYNONYMS: dict[str, str] = {
    "date": "date",
    "day": "date",
    "calendar date": "date",
    "night": "date",
    "start": "start",
    "start time": "start",
    "start_time": "start",
    "start_utc": "start",
    "timestamp": "start",
    "datetime": "start",
    "date time": "start",
    "activity date": "start",
    "start date": "start",
    "sport": "sport",
    "activity": "sport",
    "activity type": "sport",
    "type": "sport",
    "duration": "duration_s",
    "elapsed time": "duration_s",
    "elapsed": "duration_s",
    "moving time": "moving_s",
    "moving": "moving_s",
    "distance": "distance_m",
    "avg hr": "avg_heart_rate_bpm",
    "average hr": "avg_heart_rate_bpm",
    "avg heart rate": "avg_heart_rate_bpm",
    "average heart rate": "avg_heart_rate_bpm",
    "hr avg": "avg_heart_rate_bpm",
    "mean hr": "avg_heart_rate_bpm",
    "max hr": "max_heart_rate_bpm",
    "max heart rate": "max_heart_rate_bpm",
    "hr max": "max_heart_rate_bpm",
    "avg power": "avg_power_w",
    "average power": "avg_power_w",
    "power": "avg_power_w",
    "calories": "energy_kcal",
    "energy": "energy_kcal",
    "kcal": "energy_kcal",
    "elevation gain": "total_ascent_m",
    "ascent": "total_ascent_m",
    "total ascent": "total_ascent_m",
    "temperature": "avg_temperature_c",
    "avg temperature": "avg_temperature_c",
    "rpe": "rpe",
    "session rpe": "rpe",
    "resting hr": "resting_hr_bpm",
    "resting heart rate": "resting_hr_bpm",
    "rhr": "resting_hr_bpm",
    "hrv": "hrv_rmssd_ms",
    "rmssd": "hrv_rmssd_ms",
    "hrv rmssd": "hrv_rmssd_ms",
    "sdnn": "hrv_sdnn_ms",
    "hrv sdnn": "hrv_sdnn_ms",
    "steps": "steps",
    "stress": "stress_avg",
    "avg stress": "stress_avg",
    "asleep": "asleep_min",
    "total sleep": "asleep_min",
    "sleep duration": "asleep_min",
    "sleep": "asleep_min",
    "time asleep": "asleep_min",
    "in bed": "in_bed_min",
    "time in bed": "in_bed_min",
    "deep": "deep_min",
    "deep sleep": "deep_min",
    "light": "light_min",
    "light sleep": "light_min",
    "rem": "rem_min",
    "rem sleep": "rem_min",
    "awake": "awake_min",
    "sleep efficiency": "efficiency_pct",
    "efficiency": "efficiency_pct",
    "sleep score": "score",
}
#: Unit words -> (quantity, factor to the canonical unit).
UNITS: dict[str, tuple[str, float]] = {
    "s": ("time", 1.0),
    "sec": ("time", 1.0),
    "seconds": ("time", 1.0),
    "min": ("time", 60.0),
    "minutes": ("time", 60.0),
    "h": ("time", 3600.0),
    "hr": ("time", 3600.0),
    "hours": ("time", 3600.0),
    "m": ("length", 1.0),
    "meters": ("length", 1.0),
    "metres": ("length", 1.0),
    "km": ("length", 1000.0),
    "mi": ("length", 1609.344),
    "miles": ("length", 1609.344),
    "yd": ("length", 0.9144),
    "kcal": ("energy", 1.0),
    "cal": ("energy", 1.0),
    "kj": ("energy", 1 / 4.184),
    "bpm": ("rate", 1.0),
    "ms": ("ms", 1.0),
    "w": ("power", 1.0),
    "%": ("pct", 1.0),
    "pct": ("pct", 1.0),
    "c": ("temp", 1.0),
}
_CANONICAL_UNIT = {
    "_s": ("time", 1.0),
    "_min": ("time", 60.0),
    "_m": ("length", 1.0),
    "_kcal": ("energy", 1.0),
}
_TABLE_KEYS = {
    "activities": {
        "duration_s",
        "moving_s",
        "distance_m",
        "avg_power_w",
        "energy_kcal",
        "total_ascent_m",
        "rpe",
        "sport",
        "avg_heart_rate_bpm",
        "max_heart_rate_bpm",
        "avg_temperature_c",
    },
    "sleep": {
        "asleep_min",
        "in_bed_min",
        "deep_min",
        "light_min",
        "rem_min",
        "awake_min",
        "efficiency_pct",
        "score",
    },
    "wellness": {
        "resting_hr_bpm",
        "hrv_rmssd_ms",
        "hrv_sdnn_ms",
        "steps",
        "stress_avg",
        "avg_heart_rate_bpm",
        "max_heart_rate_bpm",
    },
}
_DATE_FORMATS = (
    "ISO8601",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y/%m/%d",
)


@dataclass
class ColumnMapping:
    """How to read a CSV the reader cannot recognise on its own.

    Attributes
    ----------
    table : {"wellness", "sleep", "activities"}
        What one row is.
    columns : dict of str to str
        File header -> canonical column (``"date"``/``"start"`` for the time key).
    units : dict of str to str
        File header -> unit word from :data:`UNITS` (``"km"``, ``"min"``...),
        for columns whose header does not say it.
    date_format : str, optional
        ``strftime`` format of the time key; sniffed when omitted.
    """

    table: str
    columns: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None


def split_unit(header: str) -> tuple[str, str | None]:
    """Split ``"Distance (km)"``/``"HRV [ms]"``/``"duration_min"`` into ``("distance", "km")``."""
    text = normalize_header(header)
    match = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]+?)\s*[\)\]]$", text)
    if match:
        return match.group(1).strip(), match.group(2)
    match = re.match(r"^(.*?)[_ ](s|sec|min|h|m|km|mi|ms|bpm|kcal|kj|w|pct)$", text)
    if match and match.group(1) in SYNONYMS:
        return match.group(1), match.group(2)
    return text, None


def guess_mapping(table: CsvTable) -> ColumnMapping | None:
    """Recognise a CSV's columns: ``None`` unless it has a time key and one known quantity."""
    columns: dict[str, str] = {}
    units: dict[str, str] = {}
    for header in table.header:
        key = normalize_header(header)
        canonical = _canonical_name(key)
        words, unit = split_unit(header)
        canonical = canonical or SYNONYMS.get(words)
        if canonical is None or canonical in columns.values():
            continue
        columns[header] = canonical
        if unit:
            units[header] = unit
    found = set(columns.values())
    for name in ("activities", "sleep", "wellness"):
        keys = _TABLE_KEYS[name] & found - {"sport", "avg_heart_rate_bpm", "max_heart_rate_bpm"}
        if name == "wellness":
            keys = _TABLE_KEYS[name] & found
        key = "start" if name == "activities" else "date"
        if keys and key in found:
            wanted = _TABLE_KEYS[name] | {key}
            return ColumnMapping(name, {h: c for h, c in columns.items() if c in wanted}, units)
    return None


def _canonical_name(key: str) -> str | None:
    for columns in _TABLE_KEYS.values():
        if key in columns:
            return key
    return {"start_utc": "start", "night": "date", "date": "date"}.get(key)


def _factor(ex: Extractor, header: str, canonical: str, unit: str | None) -> float:
    if unit is None:
        return 1.0
    quantity, factor = UNITS.get(unit.casefold(), (None, None))
    target = next((q for suffix, q in _CANONICAL_UNIT.items() if canonical.endswith(suffix)), None)
    if target is None:
        return 1.0 if quantity is not None else _bad_unit(ex, header, unit)
    if quantity != target[0]:
        return _bad_unit(ex, header, unit)
    return factor / target[1]


def _bad_unit(ex: Extractor, header: str, unit: str) -> float:
    ex.problems.add(0, header, unit, f"a unit from {', '.join(sorted(UNITS))}")
    return 1.0


def _time_key(ex: Extractor, mapping: ColumnMapping, timezone: str | None, warnings: list[str]):  # noqa: ANN202
    header = next((h for h, c in mapping.columns.items() if c in ("start", "date")), None)
    if header is None:
        raise CsvImportError(
            ex.table.source, "no date or start-time column; map one as 'date' or 'start'"
        )
    raw = ex.table.column(header)
    if mapping.table == "activities" and raw.map(lambda v: has_offset(str(v))).any():
        utc, dates = ex.instants(header)
        return utc, dates
    formats = (mapping.date_format,) if mapping.date_format else _DATE_FORMATS
    local, column = ex.datetimes(header, formats=formats)
    if mapping.date_format is None:
        _warn_if_ambiguous(raw, local, header, ex.table.source, warnings)
    dates = local.map(lambda t: None if pd.isna(t) else t.date()).astype("object")
    if mapping.table != "activities":
        return None, dates
    zone = source_zone(ex.table.source, timezone, needed_for=f"the '{header}' values")
    return ex.local_to_utc(local, column, zone.key), dates


def _warn_if_ambiguous(
    raw: pd.Series, chosen: pd.Series, header: str, source: str, warnings: list[str]
) -> None:
    values = raw[chosen.notna()]
    if values.empty or not values.str.contains("/").all():
        return
    day_first = pd.to_datetime(values, format="%d/%m/%Y", errors="coerce", exact=False)
    month_first = pd.to_datetime(values, format="%m/%d/%Y", errors="coerce", exact=False)
    if day_first.notna().all() and month_first.notna().all() and not day_first.equals(month_first):
        warnings.append(
            f"{source}: the dates in '{header}' fit both day/month and month/day; read as "
            "day/month/year (give date_format to choose)"
        )


def read_generic_csv(
    name: str,
    data: bytes,
    *,
    timezone: str | None = None,
    valid_rows_only: bool = False,
    mapping: ColumnMapping | None = None,
) -> ImportBundle:
    """Read a CSV of daily wellness, nightly sleep or sessions with a recognised or given mapping.

    Raises
    ------
    CsvImportError
        If no mapping is given and the columns are not recognised, a mapped
        column is missing, or values are invalid (unless ``valid_rows_only``).
    """
    table = read_table(name, data)
    mapping = mapping or guess_mapping(table)
    if mapping is None:
        raise CsvImportError(
            name,
            "the columns are not recognised; give a ColumnMapping "
            f"(columns found: {', '.join(table.header[:12])})",
        )
    ex = Extractor(table)
    ex.require(*mapping.columns)
    warnings: list[str] = []
    start_utc, dates = _time_key(ex, mapping, timezone, warnings)
    frame = pd.DataFrame(index=table.cells.index)
    for header, canonical in mapping.columns.items():
        if canonical in ("start", "date"):
            continue
        if canonical == "sport":
            frame["sport"] = ex.text(header)
            continue
        unit = mapping.units.get(header) or split_unit(header)[1]
        frame[canonical] = ex.number(
            canonical,
            header,
            scale=_factor(ex, header, canonical, unit),
            clock_cells=canonical in ("duration_s", "moving_s"),
        )
    fmt = "generic_csv"
    if mapping.table == "activities":
        names = (
            frame.pop("sport")
            if "sport" in frame
            else pd.Series([None] * len(frame), index=frame.index)
        )
        return ex.activities_bundle(
            data,
            fmt,
            names,
            start_utc,
            valid_rows_only=valid_rows_only,
            **{c: frame[c] for c in frame.columns},
        )
    frame["night" if mapping.table == "sleep" else "date"] = dates
    frame["source"] = "csv"
    return ex.bundle(
        data, fmt, {mapping.table: frame}, valid_rows_only=valid_rows_only, warnings=warnings
    )


def _recognised(probe: Probe) -> bool:
    header = [h for h in probe.csv_header]
    return guess_mapping(CsvTable(probe.name, header, pd.DataFrame(), ",")) is not None


FORMATS = [
    FormatSpec(
        "generic_csv",
        "CSV with recognised columns (date, resting HR, HRV, sleep, sessions...)",
        "csv",
        _recognised,
        read_generic_csv,
    ),
]
