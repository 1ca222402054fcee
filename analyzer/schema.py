"""Canonical tables: the contract between readers, the library and the analysis.

Every reader turns a file into an :class:`ImportBundle` whose ``tables`` hold
pandas DataFrames with exactly the columns below (a reader may leave a column
all-missing, never drop or rename it). The library stores them; the analysis
reads them back in the same shape.

Conventions, shared by every reader and every analysis:

* names carry the unit (``duration_s``, ``heart_rate_bpm``);
* ``*_utc`` and ``t_utc`` columns are tz-aware UTC ``datetime64``;
* ``night`` and ``date`` columns are local calendar dates (``datetime.date``
  objects in an ``object`` column, or ISO strings ``YYYY-MM-DD`` in SQLite);
  a night belongs to the local date on which it *ends*;
* missing is ``NaN``/``None``, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Column kinds: "str", "float", "int", "utc", "date", "bool".
TABLES: dict[str, dict[str, str]] = {
    "athletes": {
        "athlete_id": "str",
        "display_name": "str",
        "sex": "str",  # "f", "m" or "unspecified"
        "hr_rest_bpm": "float",
        "hr_max_bpm": "float",
        "lthr_bpm": "float",
        "ftp_w": "float",
        "timezone": "str",  # IANA name, e.g. "Europe/Berlin"
        "sleep_need_h": "float",
        # None: the time zone is the user's choice (or none is stored); otherwise one of
        # TIMEZONE_ORIGINS: the default filled in when the athlete was created.
        "timezone_origin": "str",
    },
    "activities": {
        "activity_id": "str",  # "<source sha256[:16]>-<session index>"
        "athlete_id": "str",
        "source_sha256": "str",
        "source_format": "str",
        "sport": "str",
        "sub_sport": "str",
        "start_utc": "utc",
        "duration_s": "float",  # elapsed
        "moving_s": "float",  # timer / moving time
        "distance_m": "float",
        "avg_heart_rate_bpm": "float",
        "max_heart_rate_bpm": "float",
        "avg_power_w": "float",
        "avg_speed_mps": "float",
        "avg_cadence_rpm": "float",
        "avg_temperature_c": "float",
        "total_ascent_m": "float",
        "energy_kcal": "float",
        "utc_offset_s": "float",  # local wall clock minus UTC, from the device
        "device": "str",
        "rpe": "float",  # session RPE 0-10 when logged
    },
    "samples": {
        "activity_id": "str",
        "t_utc": "utc",
        "heart_rate_bpm": "float",
        "power_w": "float",
        "speed_mps": "float",
        "cadence_rpm": "float",
        "altitude_m": "float",
        "distance_m": "float",
        "temperature_c": "float",
        "latitude_deg": "float",
        "longitude_deg": "float",
    },
    "laps": {
        "activity_id": "str",
        "lap_index": "int",
        "start_utc": "utc",
        "duration_s": "float",
        "moving_s": "float",
        "distance_m": "float",
        "avg_heart_rate_bpm": "float",
        "max_heart_rate_bpm": "float",
        "avg_power_w": "float",
        "avg_speed_mps": "float",
    },
    "rr_intervals": {
        "activity_id": "str",  # None for overnight recordings
        "athlete_id": "str",
        "t_utc": "utc",
        "rr_s": "float",
    },
    "sleep": {
        "athlete_id": "str",
        "night": "date",  # local wake-up date
        "start_utc": "utc",
        "end_utc": "utc",
        "asleep_min": "float",
        "in_bed_min": "float",
        "deep_min": "float",
        "light_min": "float",
        "rem_min": "float",
        "awake_min": "float",
        "awakenings": "float",
        "efficiency_pct": "float",
        "score": "float",  # vendor sleep score 0-100 when present
        "source": "str",
    },
    "sleep_stages": {
        "athlete_id": "str",
        "night": "date",
        "start_utc": "utc",
        "end_utc": "utc",
        "stage": "str",  # awake, light, deep, rem, unmeasurable, asleep (unstaged)
        "source": "str",
    },
    "wellness": {
        "athlete_id": "str",
        "date": "date",  # local calendar date
        "resting_hr_bpm": "float",
        "hrv_rmssd_ms": "float",
        "hrv_sdnn_ms": "float",  # Apple Health reports SDNN, not RMSSD (not interchangeable)
        "stress_avg": "float",  # 0-100 (Garmin scale) when present
        "steps": "float",
        "active_min": "float",
        "avg_heart_rate_bpm": "float",
        "max_heart_rate_bpm": "float",
        "source": "str",
    },
    # Raw day-level samples of Garmin daily FIT files, merged across files by the
    # library (kinds: see analyzer.io.fit_tables.garmin_samples.daily_sample_arrays).
    "daily_samples": {
        "athlete_id": "str",
        "t_utc": "utc",
        "kind": "str",
        "value": "float",
        "source": "str",
    },
    "cramps": {
        "cramp_id": "str",
        "athlete_id": "str",
        "start_utc": "utc",
        "muscle": "str",
        "side": "str",
        "severity_0_10": "float",
        "duration_s": "float",
        "context": "str",  # exercise, after_exercise, night, rest
        "activity_id": "str",
        # for nocturnal cramps: local wake date of their night (set by the library)
        "night": "date",
        "relief": "str",
        "notes": "str",
    },
    "medications": {
        "athlete_id": "str",
        "name": "str",
        "kind": "str",  # medication, supplement, other
        "start_date": "date",
        "end_date": "date",
        "notes": "str",
    },
    # The daily log: one row per athlete, local date and source (the daily-log CSV
    # or form "log", a WHOOP journal, a device's hydration log). Every yes/no item
    # has three states: True, False, and missing (not logged) - never "no" for a
    # day without an answer.
    "daily_log": {
        "athlete_id": "str",
        "date": "date",  # the local calendar date the answers are about
        "hydrated": "bool",  # drank enough, in the athlete's own judgement
        "fluid_l": "float",  # fluid drunk that day [L]
        "electrolytes": "bool",  # salt tablets, sports drink or electrolyte mix
        "alcohol": "bool",  # any alcoholic drink (from alcohol_drinks when counted)
        "alcohol_drinks": "float",  # standard drinks
        "caffeine": "bool",  # any caffeine (from caffeine_mg when measured)
        "caffeine_mg": "float",
        "stretching_min": "float",
        "massage": "bool",
        "ill": "bool",
        "sweat_loss_l": "float",  # a device's estimate of the day's sweat loss [L]
        "notes": "str",
        "source": "str",
    },
    # Further yes/no answers of the daily log, each under its own name: a CSV
    # column the template does not define, or a WHOOP journal question's text.
    "daily_tags": {
        "athlete_id": "str",
        "date": "date",
        "tag": "str",
        "answer": "bool",
        "source": "str",
    },
    "imports": {
        "sha256": "str",
        "original_name": "str",
        "size_bytes": "int",
        "format": "str",
        "athlete_id": "str",
        "imported_at": "utc",
        "status": "str",  # imported, duplicate, failed, partial
        "message": "str",
        "internal_error": "bool",  # failed because of a bug in cramp-analyzer, not the file
    },
}

MUSCLES = (
    "calf",
    "hamstring",
    "quadriceps",
    "foot",
    "hip_glute",
    "abdominal",
    "back",
    "hand",
    "neck",
    "other",
)
SIDES = ("left", "right", "both")
CONTEXTS = ("exercise", "after_exercise", "night", "rest")
RELIEFS = ("stretching", "massage", "walking", "none", "other")
MEDICATION_KINDS = ("medication", "supplement", "other")
#: Where an athlete's time zone came from when no one chose it: this computer's zone, the
#: browser's (the dashboard's Import page), or UTC because the computer's could not be told.
TIMEZONE_ORIGINS = ("computer", "browser", "fallback")
#: The daily log's yes/no items (three states: yes, no, not logged).
DAILY_YES_NO = ("hydrated", "electrolytes", "alcohol", "caffeine", "massage", "ill")
#: The daily log's amounts (limits in :mod:`analyzer.limits`).
DAILY_AMOUNTS = ("fluid_l", "alcohol_drinks", "caffeine_mg", "stretching_min", "sweat_loss_l")
SLEEP_STAGES = ("awake", "light", "deep", "rem", "unmeasurable", "asleep")  # asleep: unstaged sleep

_PANDAS_DTYPES = {
    "str": "object",
    "float": "float64",
    "int": "Int64",
    "utc": "datetime64[ns, UTC]",
    "date": "object",
    "bool": "boolean",
}


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty DataFrame with the columns and dtypes of table ``name``."""
    columns = TABLES[name]
    return pd.DataFrame(
        {col: pd.Series(dtype=_PANDAS_DTYPES[kind]) for col, kind in columns.items()}
    )


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the columns of table ``name``, in order.

    Missing columns are added as all-missing, extra columns are dropped,
    and each column is cast to its canonical dtype.

    Columns that already have their canonical dtype are not converted again
    (readers that build canonical columns pay almost nothing here), and the
    result is assembled in one DataFrame construction on a new ``RangeIndex``.
    A frame that already is the canonical table (columns in order, canonical
    dtypes, ``RangeIndex``, ``None`` for missing text) comes back as a shallow
    copy, without any conversion (:func:`_is_canonical`).

    Raises
    ------
    ValueError
        If a timestamp column is naive (canonical timestamps are tz-aware UTC).
    """
    if _is_canonical(name, frame):
        return frame.copy(deep=False)
    columns = TABLES[name]
    n = len(frame)
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        index = pd.RangeIndex(n)
        frame = frame.set_axis(index)
    out = {}
    for col, kind in columns.items():
        if col in frame.columns:
            out[col] = _cast(frame[col], kind, col)
        else:
            out[col] = pd.Series(_missing(kind, n), index=index, copy=False)
    return pd.DataFrame(out, index=index, copy=False)


#: The dtype pandas gives an Index of strings (``str`` in pandas 3): that of ``conform``'s columns.
_LABEL_DTYPE = pd.Index(["t_utc"]).dtype


def _canonical_dtypes(name: str) -> list:
    dtypes = _CANONICAL_DTYPES.get(name)
    if dtypes is None:
        dtypes = [pd.api.types.pandas_dtype(_PANDAS_DTYPES[kind]) for kind in TABLES[name].values()]
        _CANONICAL_DTYPES[name] = dtypes
    return dtypes


_CANONICAL_DTYPES: dict[str, list] = {}


def _is_canonical(name: str, frame: pd.DataFrame) -> bool:
    """Whether ``conform(name, frame)`` would only rebuild ``frame`` as it is.

    True when the columns are the table's, in order (string labels), each
    column has its canonical dtype, the index is a ``RangeIndex`` from 0, and
    the text and date columns hold ``None`` (not NaN) where missing. About
    20-40 us, against ~15 us per column for the conversion.
    """
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        return False
    labels = frame.columns
    if labels.dtype != _LABEL_DTYPE or labels.tolist() != list(TABLES[name]):
        return False
    if frame.dtypes.tolist() != _canonical_dtypes(name):
        return False
    for col, kind in TABLES[name].items():
        if kind in ("str", "date"):
            values = frame[col].to_numpy()
            missing = pd.isna(values)
            if missing.any() and any(v is not None for v in values[missing].tolist()):
                return False
    return True


def _missing(kind: str, n: int):
    """An all-missing column of ``kind`` (what ``_cast`` makes of an all-``None`` column)."""
    if kind == "float":
        return np.full(n, np.nan)
    if kind == "utc":
        return pd.array(np.full(n, np.datetime64("NaT", "ns")), dtype=_PANDAS_DTYPES["utc"])
    if kind in ("int", "bool"):
        return pd.array([None] * n, dtype=_PANDAS_DTYPES[kind])
    values = np.empty(n, dtype=object)
    values[:] = None
    return values


def _cast(series: pd.Series, kind: str, col: str) -> pd.Series:
    """Cast one column to its canonical dtype; a column that already has it is returned as is."""
    dtype = series.dtype
    if kind == "utc":
        if dtype == _PANDAS_DTYPES["utc"]:
            return series
        if not isinstance(dtype, pd.DatetimeTZDtype):
            if pd.api.types.is_datetime64_any_dtype(dtype):
                raise ValueError(f"column {col!r} holds naive timestamps; expected UTC")
            series = pd.to_datetime(series, utc=True)
        return series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    if kind in ("float", "int"):
        target = _PANDAS_DTYPES[kind]
        if dtype == target:
            return series
        return pd.to_numeric(series, errors="raise").astype(target)
    if kind == "bool":
        return series.astype("boolean")
    # str and date columns stay Python objects; missing becomes None.
    values = series.to_numpy(dtype=object, copy=True)
    missing = pd.isna(values)
    if missing.any():
        values[missing] = None
    return pd.Series(values, index=series.index, dtype="object", copy=False)


@dataclass
class ImportBundle:
    """What one imported file yields.

    Attributes
    ----------
    source_name : str
        The file's name as the user gave it (never used as a path).
    source_sha256 : str
        SHA-256 of the file's bytes, hex.
    format : str
        Detected format, e.g. ``"fit"``, ``"whoop_sleeps_csv"``, ``"cramp_log_csv"``.
    tables : dict of str to DataFrame
        Canonical tables (names from :data:`TABLES`) the file yields. Tables
        that hold athlete rows leave ``athlete_id`` missing; the library fills it.
    warnings : list of str
        Problems that did not stop the import (bad CRC, skipped rows...).
    """

    source_name: str
    source_sha256: str
    format: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame:
        """Return table ``name`` or an empty canonical table if the file has none."""
        frame = self.tables.get(name)
        return empty_table(name) if frame is None else frame
