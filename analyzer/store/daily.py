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

import datetime as dt

import numpy as np
import pandas as pd

TRAINING_COLUMNS = ("duration_s", "moving_s", "distance_m", "energy_kcal", "total_ascent_m")
SLEEP_COLUMNS = (
    "asleep_min", "in_bed_min", "deep_min", "light_min", "rem_min", "awake_min",
    "awakenings", "efficiency_pct", "score",
)
WELLNESS_COLUMNS = ("resting_hr_bpm", "hrv_rmssd_ms", "stress_avg", "steps", "active_min")


def local_dates(start_utc: pd.Series, utc_offset_s: pd.Series, timezone: str | None) -> pd.Series:
    """Return the local calendar date of each timestamp (``datetime.date`` objects)."""
    zone = timezone or "UTC"
    by_zone = start_utc.dt.tz_convert(zone).dt.tz_localize(None)
    by_offset = start_utc.dt.tz_localize(None) + pd.to_timedelta(utc_offset_s, unit="s")
    local = by_offset.where(utc_offset_s.notna(), by_zone)
    return local.dt.date


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
    training = _training(activities, timezone)
    nights = _nights(sleep)
    days = _wellness(wellness)
    events = _cramps(cramps, timezone)
    observed = [frame.index for frame in (training, nights, days, events) if len(frame)]
    if not observed:
        return _empty()
    first = min(idx.min() for idx in observed)
    last = max(idx.max() for idx in observed)
    dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    out = pd.DataFrame(index=pd.Index(dates, name="date", dtype=object))
    out = out.join(training).join(nights).join(days).join(events)
    out["n_sessions"] = out["n_sessions"].fillna(0).astype("int64")
    for col in TRAINING_COLUMNS:
        out[col] = out[col].fillna(0.0)
    for col in ("n_cramps", "n_nocturnal_cramps"):
        out[col] = out[col].fillna(0).astype("int64")
    device_dates = set(training.index) | set(nights.index) | set(days.index)
    out["has_device_data"] = [d in device_dates for d in out.index]
    return out


def _training(activities: pd.DataFrame, timezone: str | None) -> pd.DataFrame:
    frame = activities.assign(
        date=local_dates(activities["start_utc"], activities["utc_offset_s"], timezone)
    )
    grouped = frame.groupby("date")
    out = grouped[list(TRAINING_COLUMNS)].sum(min_count=1)
    out.insert(0, "n_sessions", grouped.size())
    return out


def _nights(sleep: pd.DataFrame) -> pd.DataFrame:
    if sleep.empty:
        return pd.DataFrame(columns=[f"sleep_{c}" for c in SLEEP_COLUMNS], index=pd.Index([], dtype=object))
    filled = sleep[list(SLEEP_COLUMNS)].notna().sum(axis=1)
    best = sleep.assign(_filled=filled).sort_values(["night", "_filled"], ascending=[True, False])
    best = best.drop_duplicates("night").set_index("night")
    return best[list(SLEEP_COLUMNS)].add_prefix("sleep_")


def _wellness(wellness: pd.DataFrame) -> pd.DataFrame:
    if wellness.empty:
        return pd.DataFrame(columns=list(WELLNESS_COLUMNS), index=pd.Index([], dtype=object))
    return wellness.groupby("date")[list(WELLNESS_COLUMNS)].first()


def _cramps(cramps: pd.DataFrame, timezone: str | None) -> pd.DataFrame:
    if cramps.empty:
        return pd.DataFrame(columns=["n_cramps", "n_nocturnal_cramps"], index=pd.Index([], dtype=object))
    dates = local_dates(cramps["start_utc"], pd.Series(np.nan, index=cramps.index), timezone)
    by_date = cramps.groupby(dates).size().rename("n_cramps")
    nocturnal = cramps[cramps["night"].notna()].groupby("night").size().rename("n_nocturnal_cramps")
    return pd.concat([by_date, nocturnal], axis=1)


def _empty() -> pd.DataFrame:
    columns = (
        ["n_sessions", *TRAINING_COLUMNS]
        + [f"sleep_{c}" for c in SLEEP_COLUMNS]
        + list(WELLNESS_COLUMNS)
        + ["n_cramps", "n_nocturnal_cramps", "has_device_data"]
    )
    return pd.DataFrame(columns=columns, index=pd.Index([], name="date", dtype=object))
