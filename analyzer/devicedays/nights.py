"""Nights and days assembled from Garmin's daily FIT files (WELLNESS, SLEEP_DATA, METRICS...).

Garmin devices spread one night over several ``*_SLEEP_DATA.fit`` files,
which overlap and arrive in any order. :func:`assemble_nights` takes the
sleep stage intervals of *any number* of files (read by
:func:`analyzer.io.fit_tables.stage_intervals`), merges repeated intervals
once and returns canonical ``sleep`` rows, so that the result does not depend
on how the intervals were split into files or in which order they came. A
night is dated by the local date of its wake-up, from the UTC offsets the
files recorded (:func:`analyzer.timebase.offsets_at`).

Nights
------
Stage intervals are merged (a start time seen in several files counts once;
an interval ends no later than the next one starts). Asleep intervals
(``light``, ``deep``, ``rem`` or unstaged ``asleep``) less than
:data:`MAX_WAKE_S` apart form one sleep period; a longer awake stretch or a
gap in the data splits periods. A period runs from its first asleep epoch
(onset) to the end of its last one (wake-up) and belongs to the local date of
its wake-up; when several periods end on one date, the one with the most
sleep is that night and the others (naps) are not counted, nor is a period
with less than :data:`MIN_NIGHT_ASLEEP_S` of sleep. ``in_bed_min``
is the span; ``awake_min`` is the rest of the span that is not asleep
(awake, unmeasurable or not recorded), so the minutes add up to the span.
Stage minutes are missing (not zero) for devices that do not stage sleep.
Their unstaged epochs are first rescored awake where monitoring saw steps, a
raised heart rate or frequent movement around them (:func:`rescore_unstaged`).

References
----------
.. [1] Cole RJ, Kripke DF, Gruen W, Mullaney DJ, Gillin JC. Automatic
   sleep/wake identification from wrist activity. *Sleep*
   1992;15(5):461-469. doi:10.1093/sleep/15.5.461
.. [2] van Hees VT, Sabia S, Jones SE, et al. Estimating sleep parameters
   using an accelerometer without sleep diary. *Sci Rep* 2018;8:12975.
   doi:10.1038/s41598-018-31266-z (the sleep period time window of its
   HDCZA algorithm also joins sleep blocks less than 60 minutes apart and
   keeps the longest block of a day: the analogues of :data:`MAX_WAKE_S`
   and of the choice among the periods of one date here).
.. [3] Garmin FIT SDK, Profile.xlsx: ``sleep_level`` (global 275) stage
   enum and ``sleep_assessment`` (346) fields.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase

from . import wake_evidence

ASLEEP_STAGES = ("light", "deep", "rem", "asleep")
#: Awake stretches (or gaps in the data) at most this long stay inside one sleep period [s].
MAX_WAKE_S = 60 * 60
#: Unstaged epochs: neighbourhood on each side [s], and the awake epochs needed on both sides
#: to rescore an epoch awake.
RESCORE_WINDOW_S = 30 * 60
RESCORE_MIN_AWAKE = 2
#: Shortest sleep period counted as a night [s of sleep]: shorter ones are naps or a
#: recording cut short (the files after it are missing), not a night.
MIN_NIGHT_ASLEEP_S = 3 * 3600
#: Scores (sleep_assessment) belong to the night whose wake-up is at most this far [s].
SCORE_WINDOW_S = 3 * 3600
SOURCE = "garmin_fit"

_NS = 1_000_000_000


def merge_stages(stages: pd.DataFrame) -> pd.DataFrame:
    """One interval per start time, sorted, each ending no later than the next starts.

    Where files disagree on the stage of one start time, the first in stage
    name order wins (so the result does not depend on file order).
    """
    frame = stages[stages["start_utc"].notna() & stages["stage"].notna()]
    frame = frame.sort_values(["start_utc", "stage"], kind="stable").drop_duplicates("start_utc")
    frame = frame.reset_index(drop=True)
    end = frame["end_utc"].where(frame["end_utc"].notna(), frame["start_utc"])
    next_start = frame["start_utc"].shift(-1)
    clipped = end.where(next_start.isna() | (end <= next_start), next_start)
    return frame.assign(end_utc=clipped)


def rescore_unstaged(stages: pd.DataFrame, samples: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score an unstaged ``asleep`` epoch ``awake`` when the data say the wearer was awake.

    Devices that do not stage sleep (vivomove HR) mark an epoch awake when
    they see movement and keep raw data for the others, also when the wearer
    sits or lies still awake. An unstaged epoch is scored awake when

    - monitoring counted walking or running steps in its minute
      (:func:`.wake_evidence.stepping_epochs`): never sleep;
    - its heart rate is well above the wearer's sleeping level
      (:func:`.wake_evidence.raised_heart_rate`): still, but awake;
    - as in actigraphy scoring, where an epoch is judged with its neighbours
      (Cole RJ, Kripke DF, Gruen W, et al. Automatic sleep/wake
      identification from wrist activity. *Sleep* 1992;15(5):461-469,
      doi:10.1093/sleep/15.5.461), at least :data:`RESCORE_MIN_AWAKE` epochs
      within :data:`RESCORE_WINDOW_S` *before* it and as many *after* it were
      awake (by the device or the two rules above): stillness between
      movements. Requiring both sides keeps sleep onset and the last sleep
      before waking up in place.

    ``samples`` are the day-level samples (``heart_rate`` and the
    ``steps:<type>`` counters are used); without them only the last rule applies.
    """
    asleep = (stages["stage"] == "asleep").to_numpy()
    if not asleep.any():
        return stages
    start = pd.DatetimeIndex(stages["start_utc"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(stages["end_utc"]).as_unit("ns").asi8
    stage = stages["stage"].to_numpy(dtype=object).copy()
    if samples is not None and len(samples):
        idx = np.flatnonzero(asleep)
        evidence = wake_evidence.stepping_epochs(start[idx], end[idx], samples)
        rest = ~evidence
        evidence[rest] = wake_evidence.raised_heart_rate(start[idx][rest], samples)
        stage[idx[evidence]] = "awake"
        asleep = stage == "asleep"
    awake_at = np.sort(start[stage == "awake"])
    window = RESCORE_WINDOW_S * _NS
    before = np.searchsorted(awake_at, start) - np.searchsorted(awake_at, start - window)
    after = np.searchsorted(awake_at, start + window, side="right") - np.searchsorted(
        awake_at, start, side="right"
    )
    stage[asleep & (before >= RESCORE_MIN_AWAKE) & (after >= RESCORE_MIN_AWAKE)] = "awake"
    if (stage == stages["stage"].to_numpy(dtype=object)).all():
        return stages
    return stages.assign(stage=stage)


def sleep_periods(stages: pd.DataFrame, max_wake_s: float = MAX_WAKE_S) -> pd.DataFrame:
    """Sleep periods of merged stage intervals: onset, wake-up and a ``period`` number.

    Returns the stage intervals inside each period with a ``period`` number;
    intervals outside any period are dropped.
    """
    asleep = stages["stage"].isin(ASLEEP_STAGES).to_numpy()
    if not asleep.any():
        return stages.iloc[0:0].assign(period=pd.Series(dtype="int64"))
    start = pd.DatetimeIndex(stages["start_utc"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(stages["end_utc"]).as_unit("ns").asi8
    s_start, s_end = start[asleep], end[asleep]
    gap = s_start[1:] - np.maximum.accumulate(s_end)[:-1]
    period_of_asleep = np.concatenate([[0], np.cumsum(gap > max_wake_s * _NS)])
    onset = pd.Series(s_start).groupby(period_of_asleep).min().to_numpy()
    wake = pd.Series(s_end).groupby(period_of_asleep).max().to_numpy()
    # every interval starting inside [onset, wake) belongs to that period
    pos = np.searchsorted(onset, start, side="right") - 1
    inside = (pos >= 0) & (start < wake[np.clip(pos, 0, None)])
    out = stages[inside].copy()
    out["period"] = pos[inside]
    return out.reset_index(drop=True)


def assemble_nights(
    stages: pd.DataFrame, samples: pd.DataFrame | None = None, fallback=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical ``sleep`` rows and the ``sleep_stages`` of those nights.

    Parameters
    ----------
    stages : DataFrame
        ``start_utc``, ``end_utc``, ``stage`` intervals of any number of files.
    samples : DataFrame, optional
        Day-level samples (``t_utc``, ``kind``, ``value``); its
        ``utc_offset_s``, ``sleep_score`` and ``sleep_awakenings`` kinds are used.
    fallback : str or float, optional
        Time zone (or offset [s]) when no sample carries a UTC offset.

    Returns
    -------
    sleep : DataFrame
        One row per night (columns of the canonical ``sleep`` table without ``athlete_id``).
    night_stages : DataFrame
        The merged stage intervals of the nights kept, with their ``night``.
    """
    samples = _empty_samples() if samples is None else samples
    offsets = samples[samples["kind"] == "utc_offset_s"]
    merged = sleep_periods(rescore_unstaged(merge_stages(stages), samples))
    if merged.empty:
        return _sleep_frame([]), merged.assign(night=pd.Series(dtype=object)).drop(columns="period")
    nights = _period_rows(merged, offsets, fallback)
    nights = nights[nights["asleep_min"] * 60 >= MIN_NIGHT_ASLEEP_S]
    nights = nights.sort_values(["night", "asleep_min", "end_utc"], ascending=[True, False, False])
    nights = nights.drop_duplicates("night").sort_values("night").reset_index(drop=True)
    _attach_scores(nights, samples)
    kept = merged[merged["period"].isin(nights["period"])]
    night_of = dict(zip(nights["period"], nights["night"]))
    night_stages = kept.assign(night=kept["period"].map(night_of)).drop(columns="period")
    return _sleep_frame(nights.drop(columns="period").to_dict("records")), night_stages.reset_index(
        drop=True
    )


def _period_rows(merged: pd.DataFrame, offsets: pd.DataFrame, fallback) -> pd.DataFrame:
    """One row per sleep period: onset, wake-up, minutes per stage, awakenings, local wake date."""
    period = merged["period"].to_numpy()
    n = int(period.max()) + 1
    start = pd.DatetimeIndex(merged["start_utc"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(merged["end_utc"]).as_unit("ns").asi8
    stage = merged["stage"].to_numpy(dtype=str)
    asleep = np.isin(stage, ASLEEP_STAGES)
    onset = np.full(n, np.iinfo(np.int64).max)
    wake = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(onset, period[asleep], start[asleep])
    np.maximum.at(wake, period[asleep], end[asleep])
    minutes = (np.minimum(end, wake[period]) - start) / (60 * _NS)

    def total(mask) -> np.ndarray:
        return np.bincount(period[mask], weights=minutes[mask], minlength=n)

    asleep_min = total(asleep)
    span = (wake - onset) / (60 * _NS)
    staged = np.bincount(period[np.isin(stage, ("light", "deep", "rem"))], minlength=n) > 0
    # an awakening: an asleep interval starting after every earlier asleep one of its period ended
    a_period, a_start, a_end = period[asleep], start[asleep], end[asleep]
    reach = pd.Series(a_end).groupby(a_period).cummax().to_numpy()
    woke = np.zeros(a_start.size, dtype=bool)
    woke[1:] = (a_period[1:] == a_period[:-1]) & (a_start[1:] > reach[:-1])
    wake_utc = pd.Series(pd.to_datetime(wake, utc=True))
    rows = pd.DataFrame(
        {
            "period": np.arange(n),
            "night": timebase.local_dates(
                wake_utc, utc_offset_s=timebase.offsets_at(wake_utc, offsets, fallback)
            ),
            "start_utc": pd.to_datetime(onset, utc=True),
            "end_utc": wake_utc,
            "asleep_min": asleep_min,
            "in_bed_min": span,
            "deep_min": np.where(staged, total(stage == "deep"), np.nan),
            "light_min": np.where(staged, total(stage == "light"), np.nan),
            "rem_min": np.where(staged, total(stage == "rem"), np.nan),
            "awake_min": span - asleep_min,
            "awakenings": np.bincount(a_period[woke], minlength=n).astype("float64"),
            "efficiency_pct": np.where(
                span > 0, 100.0 * asleep_min / np.where(span > 0, span, 1), np.nan
            ),
            "score": np.nan,
            "source": SOURCE,
        }
    )
    return rows


def _attach_scores(nights: pd.DataFrame, samples: pd.DataFrame) -> None:
    """Vendor score and awakenings count of the night whose wake-up is nearest (in the window)."""
    if nights.empty:
        return
    end = pd.DatetimeIndex(nights["end_utc"]).as_unit("ns").asi8
    t_all = pd.DatetimeIndex(samples["t_utc"]).as_unit("ns").asi8
    kind_all = samples["kind"].to_numpy(dtype=object)
    value_all = samples["value"].to_numpy(dtype="float64")
    for kind, column in (("sleep_score", "score"), ("sleep_awakenings", "awakenings")):
        mask = kind_all == kind
        if not mask.any():
            continue
        t, value = t_all[mask], value_all[mask]
        order = np.lexsort((value, t))  # time order; a later sample overrides an earlier one
        distance = np.abs(end[None, :] - t[order, None])
        nearest = distance.argmin(axis=1)
        close = distance[np.arange(order.size), nearest] <= SCORE_WINDOW_S * _NS
        out = nights[column].to_numpy(dtype="float64").copy()
        for night, v in zip(nearest[close].tolist(), value[order][close].tolist()):
            out[night] = v
        nights[column] = out


def _sleep_frame(rows: list[dict]) -> pd.DataFrame:
    from analyzer.schema import conform

    columns = [
        "night",
        "start_utc",
        "end_utc",
        "asleep_min",
        "in_bed_min",
        "deep_min",
        "light_min",
        "rem_min",
        "awake_min",
        "awakenings",
        "efficiency_pct",
        "score",
        "source",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return conform("sleep", frame).drop(columns="athlete_id")


def _empty_samples() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "t_utc": pd.Series(dtype="datetime64[ns, UTC]"),
            "kind": pd.Series(dtype=object),
            "value": pd.Series(dtype="float64"),
        }
    )
