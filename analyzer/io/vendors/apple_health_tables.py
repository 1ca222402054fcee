"""Canonical tables from what the Apple Health reader kept of ``export.xml``.

Builds, from a :class:`~analyzer.io.vendors.apple_health_records.Collector`:

* ``wellness``: each local day's mean and maximum heart rate, resting heart
  rate and SDNN (``hrv_sdnn_ms``, *not* RMSSD);
* ``daily_log``: each local day's water records summed into ``fluid_l``; a day
  without a water record is not logged, never 0 L;
* ``sleep`` and ``sleep_stages``: one night per wake-up date. Intervals less
  than an hour apart are one sleep period, which belongs to the date of its
  wake-up (:mod:`analyzer.timebase`); shorter periods ending the same date are
  naps and not counted. Watch, phone and apps overlap, so each night is taken
  from the source with the most staged minutes;
* ``activities`` and ``samples``: the workouts, with the heart-rate samples
  recorded during each, whose mean and maximum fill the workout's statistics
  where the export has no ``WorkoutStatistics``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase
from analyzer.io.vendors._extract import stable_id
from analyzer.io.vendors.apple_health_records import FORMAT, Collector
from analyzer.io.vendors.sports import sport_and_sub_sport
from analyzer.schema import conform


def _utc(seconds: list[float] | np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(seconds, dtype="float64"), unit="s", utc=True))


def wellness_table(c: Collector) -> pd.DataFrame:
    """The days with heart-rate, resting or SDNN records: their means and maximum."""
    rows = []
    for date, s in sorted(c.day.items()):
        if not (s["hr_n"] or s["rest_n"] or s["sdnn_n"]):
            continue  # a day with water records only
        rows.append(
            {
                "date": date,
                "avg_heart_rate_bpm": s["hr_sum"] / s["hr_n"] if s["hr_n"] else np.nan,
                "max_heart_rate_bpm": s["hr_max"] if s["hr_n"] else np.nan,
                "resting_hr_bpm": s["rest_sum"] / s["rest_n"] if s["rest_n"] else np.nan,
                "hrv_sdnn_ms": s["sdnn_sum"] / s["sdnn_n"] if s["sdnn_n"] else np.nan,
                "source": "apple_health",
            }
        )
    return conform("wellness", pd.DataFrame(rows))


def daily_log_table(c: Collector) -> pd.DataFrame:
    """The days with water records: their total fluid [L]."""
    rows = [
        {"date": date, "fluid_l": s["water_l"], "source": "apple_health"}
        for date, s in sorted(c.day.items())
        if s.get("water_n")
    ]
    return conform("daily_log", pd.DataFrame(rows, columns=["date", "fluid_l", "source"]))


def _main_periods(stages: pd.DataFrame) -> pd.DataFrame:
    """Each source's stage intervals with their ``night``, naps left out.

    A source's intervals form sleep periods, each the night of its wake-up
    date with the offset the record wrote (:func:`analyzer.timebase.period_nights`);
    of the periods a source ends on one date the one with the most minutes is
    the night, the others (naps) are not counted.
    """
    nights = np.empty(len(stages), dtype="datetime64[D]")
    periods = np.empty(len(stages), dtype=np.int64)
    for number, rows in enumerate(stages.groupby("source", sort=True).indices.values()):
        start, end = _utc(stages["start"].to_numpy()[rows]), _utc(stages["end"].to_numpy()[rows])
        offsets = stages["offset"].to_numpy(dtype="float64")[rows]
        nights[rows] = timebase.period_nights(start, end, utc_offset_s=offsets)
        periods[rows] = timebase.sleep_periods(start, end) * len(stages) + number
    stages = stages.assign(
        night=timebase.days_to_dates(nights),
        period=periods,
        minutes=(stages["end"] - stages["start"]) / 60.0,
    )
    length = stages.groupby("period")["minutes"].transform("sum")
    main = (
        stages.assign(length=length)
        .sort_values(["length", "period"])
        .drop_duplicates(["night", "source"], keep="last")["period"]
    )
    return stages[stages["period"].isin(main)].drop(columns="period")


def sleep_tables(c: Collector) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``sleep`` nights and their ``sleep_stages``, each night from its best source."""
    if not c.stages:
        return conform("sleep", pd.DataFrame()), conform("sleep_stages", pd.DataFrame())
    stages = _main_periods(
        pd.DataFrame(c.stages, columns=["start", "end", "offset", "stage", "source"])
    )
    staged = stages[stages["stage"] != "unmeasurable"].groupby(["night", "source"])["minutes"].sum()
    all_minutes = stages.groupby(["night", "source"])["minutes"].sum()
    ranking = pd.DataFrame({"staged": staged, "all": all_minutes}).fillna(0.0)
    best = ranking.sort_values(["staged", "all"]).groupby(level="night").tail(1).index
    chosen = stages.set_index(["night", "source"]).loc[best].reset_index()
    nights = []
    for (night, source), group in chosen.groupby(["night", "source"]):
        by_stage = group.groupby("stage")["minutes"].sum()
        asleep = float(by_stage.drop("awake", errors="ignore").sum())
        start, end = group["start"].min(), group["end"].max()
        in_bed = [
            b
            for b in c.in_bed
            if b[3] == source and b[1] > start - 3 * 3600 and b[0] < end + 3 * 3600
        ]
        in_bed_min = (
            (max(end, *(b[1] for b in in_bed)) - min(start, *(b[0] for b in in_bed))) / 60
            if in_bed
            else (end - start) / 60
        )
        nights.append(
            {
                "night": night,
                "start_utc": start,
                "end_utc": end,
                "asleep_min": asleep,
                "in_bed_min": in_bed_min,
                "deep_min": by_stage.get("deep", 0.0),
                "light_min": by_stage.get("light", 0.0),
                "rem_min": by_stage.get("rem", 0.0),
                "awake_min": by_stage.get("awake", 0.0),
                "awakenings": float((group["stage"] == "awake").sum()),
                "efficiency_pct": 100.0 * asleep / in_bed_min if in_bed_min > 0 else np.nan,
                "source": "apple_health",
            }
        )
    sleep = pd.DataFrame(nights)
    sleep["start_utc"], sleep["end_utc"] = _utc(sleep["start_utc"]), _utc(sleep["end_utc"])
    chosen = chosen.sort_values("start")
    stage_rows = pd.DataFrame(
        {
            "night": chosen["night"].to_numpy(),
            "start_utc": _utc(chosen["start"]),
            "end_utc": _utc(chosen["end"]),
            "stage": chosen["stage"].to_numpy(),
            "source": "apple_health",
        }
    )
    return conform("sleep", sleep), conform("sleep_stages", stage_rows)


def activity_tables(c: Collector, sha: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workouts as ``activities`` and their heart-rate ``samples`` (``sha``: the file's)."""
    if not c.workouts:
        return conform("activities", pd.DataFrame()), conform("samples", pd.DataFrame())
    w = pd.DataFrame(c.workouts)
    sport, sub_sport = sport_and_sub_sport(w["name"])
    start_utc = _utc(w["start"])
    ids = [stable_id(FORMAT, s, sp) for s, sp in zip(start_utc, sport)]
    acts = pd.DataFrame(
        {
            "activity_id": ids,
            "source_sha256": sha,
            "source_format": FORMAT,
            "sport": sport,
            "sub_sport": sub_sport,
            "start_utc": start_utc,
            "duration_s": w["duration_s"].fillna(w["end"] - w["start"]),
            "distance_m": w["distance_m"],
            "energy_kcal": w["energy_kcal"],
            "avg_heart_rate_bpm": w["avg_hr"],
            "max_heart_rate_bpm": w["max_hr"],
            "utc_offset_s": w["offset"].astype(float),
            "device": w["device"],
        }
    )
    t = np.frombuffer(c.hr_t, dtype="float64")
    bpm = np.frombuffer(c.hr_bpm, dtype="float64")
    order = np.argsort(t, kind="stable")
    t, bpm = t[order], bpm[order]
    parts = []
    for activity_id, start, end in zip(ids, w["start"], w["end"]):
        lo, hi = np.searchsorted(t, start, "left"), np.searchsorted(t, end, "right")
        if hi > lo:
            parts.append(
                pd.DataFrame(
                    {
                        "activity_id": activity_id,
                        "t_utc": _utc(t[lo:hi]),
                        "heart_rate_bpm": bpm[lo:hi],
                    }
                )
            )
    # Fill missing workout HR statistics from the samples (older exports lack WorkoutStatistics).
    samples = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if parts:
        stats = samples.groupby("activity_id")["heart_rate_bpm"].agg(["mean", "max"])
        acts["avg_heart_rate_bpm"] = acts["avg_heart_rate_bpm"].fillna(
            acts["activity_id"].map(stats["mean"])
        )
        acts["max_heart_rate_bpm"] = acts["max_heart_rate_bpm"].fillna(
            acts["activity_id"].map(stats["max"])
        )
    return conform("activities", acts), conform("samples", samples)
