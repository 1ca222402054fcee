"""Raw day-level samples of one Garmin daily FIT file, for the assembly across files.

The library stores these samples (merging repeats from overlapping files once)
and assembles nights and days from all of them with
:mod:`analyzer.io.garmin_daily`. Undocumented Garmin messages are named as in
Gadgetbridge's Garmin FIT code generator: ``sleep_data_info`` (global 273:
field 253 the UTC start, field 2 the same instant on the local clock, field 1
the epoch length in seconds) and one raw-movement epoch of sleep data (274).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import to_utc

STAGES = {"unmeasurable": "unmeasurable", "awake": "awake", "light": "light", "deep": "deep", "rem": "rem"}
SOURCE = "garmin_fit"
SLEEP_DATA_INFO = "unknown_273"
SLEEP_DATA_RAW = "unknown_274"
DEFAULT_EPOCH_S = 60.0
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z in Unix seconds
#: Activity types whose ``monitoring.cycles`` are steps (FIT profile subfield ``steps``: cycles x 2).
STEP_TYPES = ("walking", "running")
#: Messages that carry sleep, monitoring, stress or HRV data. A file with none of them (an
#: activity) gives the daily assembly at most its ``utc_offset_s`` sample.
DAILY_MESSAGES = frozenset({
    "monitoring", "monitoring_hr_data", "stress_level", "hrv_status_summary", "hrv_value",
    "sleep_assessment", "sleep_level", SLEEP_DATA_INFO, SLEEP_DATA_RAW,
})


def _numeric(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def _sleep_stop(fit, default: pd.Timestamp) -> pd.Timestamp:
    """The last sleep ``stop`` event if it is after ``default``, else ``default``."""
    events = fit.messages("event")
    if events.empty or not {"event_type", "timestamp"} <= set(events.columns):
        return default
    stops = events.loc[events["event_type"] == "stop", "timestamp"].dropna()
    return stops.iloc[-1] if len(stops) and stops.iloc[-1] >= default else default



def has_daily_messages(fit) -> bool:
    """Whether the file holds any of :data:`DAILY_MESSAGES` (else only its UTC offset matters)."""
    return not DAILY_MESSAGES.isdisjoint(fit.message_counts())


def _fit_seconds_to_utc(seconds) -> pd.Series:
    return pd.Series(to_utc(np.asarray(seconds, dtype="float64")))


def sleep_data_info(fit) -> tuple[pd.Timestamp | None, float | None, float]:
    """Start (UTC), UTC offset [s] and epoch length [s] from ``sleep_data_info`` (273)."""
    info = fit.messages(SLEEP_DATA_INFO)
    if info.empty or "unknown_253" not in info:
        return None, None, DEFAULT_EPOCH_S
    row = info.iloc[0]
    utc_s = float(row["unknown_253"])
    start = _fit_seconds_to_utc([utc_s]).iloc[0]
    local_s = float(row["unknown_2"]) if "unknown_2" in info else np.nan
    offset = local_s - utc_s if np.isfinite(local_s) and abs(local_s - utc_s) <= 14 * 3600 else None
    epoch = float(row["unknown_1"]) if "unknown_1" in info and float(row["unknown_1"]) > 0 else DEFAULT_EPOCH_S
    return (None if pd.isna(start) else start), offset, epoch


def file_utc_offset_s(fit) -> float | None:
    """The file's UTC offset: :attr:`FitFile.utc_offset_s`, else ``sleep_data_info``."""
    offset = fit.utc_offset_s
    return offset if offset is not None else sleep_data_info(fit)[1]


def stage_intervals(fit) -> pd.DataFrame:
    """Sleep stage intervals (``start_utc``, ``end_utc``, ``stage``) of one file.

    Devices that stage sleep (``light``/``deep``/``rem``) write a
    ``sleep_level`` at each change: a level lasts until the next one, the last
    until the sleep ``stop`` event. Older devices (vivomove HR) write one
    message per epoch of ``sleep_data_info`` length (60 s) all day long: a
    ``sleep_level`` (``awake``/``unmeasurable``) for an epoch the device
    scored awake, a raw movement record (274, no timestamp) for an epoch it
    did not; those epochs are returned as ``asleep`` (unstaged sleep), timed
    by their place in the file after the last timestamped message.
    """
    levels = fit.messages("sleep_level")
    if not levels.empty and {"timestamp", "sleep_level"} <= set(levels.columns):
        levels = levels[levels["timestamp"].notna()]
    else:
        levels = pd.DataFrame({"timestamp": pd.Series(dtype="datetime64[ns, UTC]"), "sleep_level": []})
    stage = levels["sleep_level"].map(lambda v: STAGES.get(v) if isinstance(v, str) else None)
    start, _, epoch_s = sleep_data_info(fit)
    epochs = _raw_epochs(fit, epoch_s)
    staged = stage.isin(["light", "deep", "rem"]).any()
    if start is not None and not staged:  # one message per epoch
        end = levels["timestamp"] + pd.Timedelta(seconds=epoch_s)
    else:
        end = levels["timestamp"].shift(-1)
        if len(levels):
            end.iloc[-1] = _sleep_stop(fit, levels["timestamp"].iloc[-1])
    frame = pd.DataFrame({"start_utc": levels["timestamp"], "end_utc": end, "stage": stage})
    frame = pd.concat([frame[frame["stage"].notna()], epochs], ignore_index=True)
    return frame.sort_values("start_utc", kind="stable").reset_index(drop=True)


def _raw_epochs(fit, epoch_s: float) -> pd.DataFrame:
    """Raw-movement epochs (274) as ``asleep`` intervals, timed from the last timestamp before each."""
    n = fit.message_counts().get(SLEEP_DATA_RAW, 0)
    if not n:
        return pd.DataFrame({"start_utc": pd.Series(dtype="datetime64[ns, UTC]"),
                             "end_utc": pd.Series(dtype="datetime64[ns, UTC]"), "stage": []})
    anchors = fit.anchor_timestamps(SLEEP_DATA_RAW)
    level_times = fit.messages("sleep_level")
    occupied = set()
    if not level_times.empty and "timestamp" in level_times:
        occupied = set(((level_times["timestamp"].dropna().astype("int64") // 10**9)
                        - FIT_EPOCH_S).tolist())
    # k-th raw epoch after the same anchor: anchor + k epochs, one more if the anchor is itself an epoch
    run = pd.Series(anchors).groupby(pd.Series(anchors).ne(pd.Series(anchors).shift()).cumsum()).cumcount()
    shift = np.array([1 if a in occupied else 0 for a in anchors.tolist()])
    seconds = anchors + (run.to_numpy() + shift) * epoch_s
    start = _fit_seconds_to_utc(seconds)
    frame = pd.DataFrame({"start_utc": start, "end_utc": start + pd.Timedelta(seconds=epoch_s),
                          "stage": "asleep"})
    return frame[frame["start_utc"].notna()]


def monitoring_times(fit, mon: pd.DataFrame) -> pd.Series:
    """``monitoring`` times with ``timestamp_16`` resolved.

    ``timestamp_16`` holds the low 16 bits of the time; the full time is the
    last full ``monitoring`` timestamp before the message plus the (mod
    65536) difference of the low bits (FIT SDK, monitoring files). Other
    messages' timestamps are not used as the reference: Garmin writes
    ``event`` messages stamped later than the monitoring that follows them,
    which would push those samples ~18 h ahead.
    """
    times = mon["timestamp"] if "timestamp" in mon else pd.Series(pd.NaT, index=mon.index, dtype="datetime64[ns, UTC]")
    if "timestamp_16" not in mon:
        return times
    own = pd.DatetimeIndex(times).as_unit("s").asi8.astype("float64") - FIT_EPOCH_S
    own[times.isna().to_numpy()] = np.nan
    anchors = pd.Series(own).ffill().to_numpy()
    anchors = np.where(np.isnan(anchors), fit.anchor_timestamps("monitoring"), anchors)
    low = pd.to_numeric(mon["timestamp_16"], errors="coerce").to_numpy(dtype="float64")
    ok = np.isfinite(low) & np.isfinite(anchors)
    full = np.full(len(mon), np.nan)
    a = anchors[ok].astype(np.int64)
    full[ok] = a + ((low[ok].astype(np.int64) - (a & 0xFFFF)) & 0xFFFF)
    resolved = pd.Series(to_utc(full), index=mon.index)
    return times.where(times.notna(), resolved)


def _samples(times: pd.Series, values: pd.Series, kind: str | pd.Series) -> pd.DataFrame:
    t = pd.DatetimeIndex(times).as_unit("ns")
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    k = np.full(len(v), kind, dtype=object) if isinstance(kind, str) else kind.to_numpy(dtype=object)
    ok = ~t.isna() & ~np.isnan(v)
    return pd.DataFrame({"t_utc": t[ok], "kind": k[ok], "value": v[ok]})


def daily_samples(fit) -> pd.DataFrame:
    """The day-level samples of one file: ``t_utc``, ``kind``, ``value``.

    Kinds: ``heart_rate`` (monitoring), ``stress`` (0-100 only; negative
    values are Garmin's "no reading" codes), ``resting_hr_day``
    (``current_day_resting_heart_rate``), ``resting_hr_7d``
    (``resting_heart_rate``, Garmin's 7-day average), ``steps:<type>`` and
    ``active_s:<type>`` (counters that restart at local midnight, per
    activity type), ``hrv_night`` (``hrv_status_summary.last_night_average``),
    ``hrv_5min`` (``hrv_value``), ``sleep_score`` and ``sleep_awakenings``
    (``sleep_assessment``, at the time of the message), ``utc_offset_s`` (the
    file's UTC offset at its first timestamp).

    Computed once per :class:`~analyzer.io.fit.FitFile` (the result is cached on it).
    """
    cached = getattr(fit, "_garmin_daily_samples", None)
    if cached is not None:
        return cached
    fit._garmin_daily_samples = out = _daily_samples(fit)
    return out


def _daily_samples(fit) -> pd.DataFrame:
    if not has_daily_messages(fit):
        return _sample_table([_offset_samples(fit)])
    parts = [_monitoring_samples(fit)]
    hr = fit.messages("monitoring_hr_data")
    if not hr.empty and "timestamp" in hr:
        parts.append(_samples(hr["timestamp"], _numeric(hr, "current_day_resting_heart_rate"), "resting_hr_day"))
        parts.append(_samples(hr["timestamp"], _numeric(hr, "resting_heart_rate"), "resting_hr_7d"))
    stress = fit.messages("stress_level")
    if not stress.empty and "stress_level_time" in stress:
        level = _numeric(stress, "stress_level_value")
        parts.append(_samples(stress["stress_level_time"], level.where((level >= 0) & (level <= 100)), "stress"))
    summary = fit.messages("hrv_status_summary")
    if not summary.empty and "timestamp" in summary:
        parts.append(_samples(summary["timestamp"], _numeric(summary, "last_night_average"), "hrv_night"))
    values = fit.messages("hrv_value")
    if not values.empty and "timestamp" in values:
        parts.append(_samples(values["timestamp"], _numeric(values, "value"), "hrv_5min"))
    parts.append(_assessment_samples(fit))
    parts.append(_offset_samples(fit))
    return _sample_table(parts)


def _sample_table(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The non-empty ``parts`` in one samples table with its ``source``."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"t_utc": pd.Series(dtype="datetime64[ns, UTC]"), "kind": [], "value": []})
    out = pd.concat(parts, ignore_index=True)
    out["source"] = SOURCE
    return out


def _monitoring_samples(fit) -> pd.DataFrame:
    mon = fit.messages("monitoring")
    if mon.empty:
        return pd.DataFrame()
    times = monitoring_times(fit, mon)
    parts = [_samples(times, _numeric(mon, "heart_rate"), "heart_rate")]
    raw = mon["activity_type"].to_numpy(dtype=object) if "activity_type" in mon else np.full(len(mon), None)
    typed = np.array([isinstance(v, str) for v in raw], dtype=bool)
    kind = np.where(typed, raw, "").astype(str)
    steps = _numeric(mon, "steps").to_numpy()
    from_cycles = 2.0 * _numeric(mon, "cycles").to_numpy()  # profile subfield: steps = cycles x 2
    steps = np.where(np.isnan(steps) & np.isin(kind, STEP_TYPES), from_cycles, steps)
    active = typed & ~np.isin(kind, ["sedentary", "sleep"])
    for mask, values, prefix in ((typed, steps, "steps:"), (active, _numeric(mon, "active_time").to_numpy(), "active_s:")):
        if mask.any():
            labels = pd.Series(np.char.add(prefix, kind[mask]).astype(object))
            parts.append(_samples(times[mask], pd.Series(values[mask]), labels))
    return pd.concat(parts, ignore_index=True)


def _assessment_samples(fit) -> pd.DataFrame:
    assessment = fit.messages("sleep_assessment")
    if assessment.empty:
        return pd.DataFrame()
    if "timestamp" in assessment:
        times = assessment["timestamp"]
    else:
        times = _fit_seconds_to_utc(fit.anchor_timestamps("sleep_assessment"))
    return pd.concat([
        _samples(times, _numeric(assessment, "overall_sleep_score"), "sleep_score"),
        _samples(times, _numeric(assessment, "awakenings_count"), "sleep_awakenings"),
    ], ignore_index=True)


def _offset_samples(fit) -> pd.DataFrame:
    offset = file_utc_offset_s(fit)
    if offset is None:
        return pd.DataFrame()
    stamps = pd.Series(to_utc(fit.full_timestamps())).dropna()
    if stamps.empty:
        return pd.DataFrame()
    return pd.DataFrame({"t_utc": [stamps.min()], "kind": "utc_offset_s", "value": float(offset)})
