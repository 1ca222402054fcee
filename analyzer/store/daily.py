"""One athlete's daily table: the inputs of the daily analysis, one row per local date.

Assembled from the stored tables without computing any indicator (load
models live in :mod:`analyzer.indicators`):

* training columns sum the sessions whose local start date is the row's date
  (local = ``start_utc + utc_offset_s`` when the device recorded the offset,
  else the athlete's time zone, else UTC);
* sleep columns are the night that *ends* on that date; where two sources
  describe one night, the row with the most values is used;
* wellness columns take, per date, the first value any source has;
* ``n_cramps`` counts cramps by local date, ``n_nocturnal_cramps`` those of
  the night ending that date.

Rows run from the first to the last date holding any data. Missing is not
zero: a date without sessions has ``n_sessions = 0`` and training totals 0
(a rest day), while sleep and wellness stay missing where nothing was
recorded; ``has_device_data`` says whether any session, night or wellness
value exists for the date.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd

from analyzer.store.codec import query_frame

TRAINING_COLUMNS = ("duration_s", "moving_s", "distance_m", "energy_kcal", "total_ascent_m")
SLEEP_COLUMNS = (
    "asleep_min",
    "in_bed_min",
    "deep_min",
    "light_min",
    "rem_min",
    "awake_min",
    "awakenings",
    "efficiency_pct",
    "score",
)
WELLNESS_COLUMNS = ("resting_hr_bpm", "hrv_rmssd_ms", "stress_avg", "steps", "active_min")
_DAY_NS = 86_400 * 1_000_000_000
_EPOCH_ORDINAL = 719_163  # datetime.date(1970, 1, 1).toordinal()


def daily_inputs(conn: sqlite3.Connection, athlete_id: str) -> tuple[pd.DataFrame, ...]:
    """Read the columns :func:`daily_table` needs: (activities, sleep, wellness, cramps).

    Only those columns are read, which keeps a 3-year athlete well within
    interactive time; call inside one transaction for a consistent snapshot.
    """
    where, params = "athlete_id = ?", [athlete_id]
    return (
        query_frame(
            conn,
            "activities",
            where,
            params,
            "start_utc",
            ["start_utc", "utc_offset_s", *TRAINING_COLUMNS],
        ),
        query_frame(
            conn, "sleep", where, params, "night, source", ["night", "source", *SLEEP_COLUMNS]
        ),
        query_frame(
            conn, "wellness", where, params, "date, source", ["date", "source", *WELLNESS_COLUMNS]
        ),
        query_frame(conn, "cramps", where, params, "start_utc", ["start_utc", "night"]),
    )


def local_day_numbers(
    start_utc: pd.Series, utc_offset_s: pd.Series | None, timezone: str | None
) -> np.ndarray:
    """Return the local calendar date of each timestamp as days since 1970-01-01.

    ``utc_offset_s`` (when given and known) wins over ``timezone``; missing
    timestamps give the minimum int64.
    """
    index = pd.DatetimeIndex(start_utc)
    wall = index.tz_convert(timezone or "UTC").tz_localize(None).asi8
    if utc_offset_s is not None:
        offsets = utc_offset_s.to_numpy(dtype="float64", na_value=np.nan)
        known = ~np.isnan(offsets)
        wall = np.where(known, index.asi8 + np.nan_to_num(offsets * 1e9).astype(np.int64), wall)
    return np.floor_divide(wall, _DAY_NS)


def date_day_numbers(dates: pd.Series) -> np.ndarray:
    """Return ``datetime.date`` values as days since 1970-01-01."""
    ordinals = np.fromiter((d.toordinal() for d in dates), dtype=np.int64, count=len(dates))
    return ordinals - _EPOCH_ORDINAL


def daily_table(
    activities: pd.DataFrame,
    sleep: pd.DataFrame,
    wellness: pd.DataFrame,
    cramps: pd.DataFrame,
    timezone: str | None,
) -> pd.DataFrame:
    """Assemble the daily table (see the module docstring) from canonical tables.

    Returns
    -------
    DataFrame
        Indexed by ``date`` (``datetime.date``), with ``n_sessions``, the
        training sums, ``sleep_*`` columns, wellness columns, ``n_cramps``,
        ``n_nocturnal_cramps`` and ``has_device_data``.
    """
    sessions_day = local_day_numbers(activities["start_utc"], activities["utc_offset_s"], timezone)
    sleep = _best_night_per_date(sleep)
    nights_day = date_day_numbers(sleep["night"])
    wellness_day = date_day_numbers(wellness["date"])
    cramps_day = local_day_numbers(cramps["start_utc"], None, timezone)
    nocturnal = cramps["night"].notna().to_numpy()
    nocturnal_day = date_day_numbers(cramps["night"][nocturnal])
    observed = np.concatenate([sessions_day, nights_day, wellness_day, cramps_day, nocturnal_day])
    if observed.size == 0:
        return _empty()
    first = int(observed.min())
    n = int(observed.max()) - first + 1
    out: dict[str, np.ndarray] = {}
    out["n_sessions"] = np.bincount(sessions_day - first, minlength=n)
    for col in TRAINING_COLUMNS:
        weights = np.nan_to_num(activities[col].to_numpy(dtype="float64", na_value=np.nan))
        out[col] = np.bincount(sessions_day - first, weights=weights, minlength=n)
    for col in SLEEP_COLUMNS:
        out[f"sleep_{col}"] = _place(nights_day - first, sleep[col], n)
    for col in WELLNESS_COLUMNS:
        out[col] = _first_per_day(wellness_day - first, wellness[col], n)
    out["n_cramps"] = np.bincount(cramps_day - first, minlength=n)
    out["n_nocturnal_cramps"] = np.bincount(nocturnal_day - first, minlength=n)
    device = np.zeros(n, dtype=bool)
    for days in (sessions_day, nights_day, wellness_day):
        device[days - first] = True
    out["has_device_data"] = device
    dates = np.arange(first, first + n).astype("datetime64[D]").astype(object)
    return pd.DataFrame(out, index=pd.Index(dates, name="date", dtype=object))


def _best_night_per_date(sleep: pd.DataFrame) -> pd.DataFrame:
    """One row per night: the one with the most values (then the first source)."""
    if sleep["night"].duplicated().any():
        filled = sleep[list(SLEEP_COLUMNS)].notna().sum(axis=1)
        order = sleep.assign(_filled=-filled).sort_values(["night", "_filled", "source"])
        sleep = order.drop_duplicates("night")
    return sleep


def _place(positions: np.ndarray, values: pd.Series, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    out[positions] = values.to_numpy(dtype="float64", na_value=np.nan)
    return out


def _first_per_day(positions: np.ndarray, values: pd.Series, n: int) -> np.ndarray:
    """Per day, the first non-missing value in row order (rows come sorted by date, source)."""
    array = values.to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(array)
    days, first_row = np.unique(positions[known], return_index=True)
    out = np.full(n, np.nan)
    out[days] = array[known][first_row]
    return out


def _empty() -> pd.DataFrame:
    columns = (
        ["n_sessions", *TRAINING_COLUMNS]
        + [f"sleep_{c}" for c in SLEEP_COLUMNS]
        + list(WELLNESS_COLUMNS)
        + ["n_cramps", "n_nocturnal_cramps", "has_device_data"]
    )
    return pd.DataFrame(columns=columns, index=pd.Index([], name="date", dtype=object))
