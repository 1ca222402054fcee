"""Raw day-level samples of one Garmin daily FIT file, for the assembly across files.

The library stores these samples (merging repeats from overlapping files once)
and assembles nights and days from all of them with :mod:`analyzer.devicedays`.
Undocumented Garmin messages are named as in Gadgetbridge's Garmin FIT code
generator: ``sleep_data_info`` (global 273: field 253 the UTC start, field 2
the same instant on the local clock, field 1 the epoch length in seconds) and
one raw-movement epoch of sleep data (274).

Performance: a year of these files is ~15,000, so everything here works on
the decoded numpy columns of the few messages it needs
(:meth:`FitFile.arrays <analyzer.io.fit.FitFile.arrays>`), never on a
DataFrame per message; the samples (and, in :mod:`.garmin_stages`, the sleep
stage intervals) are arrays, computed once per file by
:class:`~.dayfile.DayFile` and made a table once, by whoever asks for it.

References
----------
Garmin FIT SDK, Profile.xlsx: ``monitoring`` (55), ``monitoring_info`` (103),
``monitoring_hr_data`` (211), ``stress_level`` (227), ``sleep_assessment``
(346), ``hrv_status_summary`` (370), ``hrv_value`` (371); FIT protocol,
``timestamp_16`` (low 16 bits of a time, resolved against the last full one).
Gadgetbridge, ``GarminFitCodeGen`` / ``FitSleepDataInfo`` and
``FitSleepDataRaw`` (https://codeberg.org/Freeyourgadget/Gadgetbridge) for
the undocumented messages 273 and 274.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from analyzer.io.fastframe import NAT_NS
from analyzer.io.fit import MessageArrays
from analyzer.io.fit.frames import fit_s_to_unix_ns
from analyzer.io.fit.offsets import plausible_utc_offset_s
from analyzer.io.fit.profile import FIT_EPOCH_S

from .columns import numeric, times_ns

STAGES = {
    "unmeasurable": "unmeasurable",
    "awake": "awake",
    "light": "light",
    "deep": "deep",
    "rem": "rem",
}
SOURCE = "garmin_fit"
SLEEP_DATA_INFO = "unknown_273"
SLEEP_DATA_RAW = "unknown_274"
DEFAULT_EPOCH_S = 60.0
#: Activity types whose ``monitoring.cycles`` are steps (profile sub-field ``steps``: cycles x 2).
STEP_TYPES = ("walking", "running")
#: Messages that carry sleep, monitoring, stress or HRV data. A file with none of them (an
#: activity) gives the daily assembly at most its ``utc_offset_s`` sample.
DAILY_MESSAGES = frozenset(
    {
        "monitoring",
        "monitoring_hr_data",
        "stress_level",
        "hrv_status_summary",
        "hrv_value",
        "sleep_assessment",
        "sleep_level",
        SLEEP_DATA_INFO,
        SLEEP_DATA_RAW,
    }
)


#: The ``monitoring`` fields the samples read.
MONITORING_FIELDS = (
    "timestamp",
    "timestamp_16",
    "heart_rate",
    "activity_type",
    "steps",
    "cycles",
    "active_time",
)
_NAT = NAT_NS
_NS = 1_000_000_000


def _utc(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("datetime64[ns]"), tz="UTC")


def has_daily_messages(fit) -> bool:
    """Whether the file holds any of :data:`DAILY_MESSAGES` (else only its UTC offset matters)."""
    return not DAILY_MESSAGES.isdisjoint(fit.message_counts())


def sleep_data_info(fit) -> tuple[pd.Timestamp | None, float | None, float]:
    """Start (UTC), UTC offset [s] and epoch length [s] from ``sleep_data_info`` (273).

    The offset is missing when it cannot be a time zone's
    (:func:`analyzer.io.fit.offsets.plausible_utc_offset_s`).
    """
    info = fit.arrays(SLEEP_DATA_INFO, ("unknown_253", "unknown_2", "unknown_1"))
    if "unknown_253" not in info:
        return None, None, DEFAULT_EPOCH_S
    utc_s = float(numeric(info, "unknown_253")[0])
    start_ns = int(fit_s_to_unix_ns([utc_s])[0])
    local_s = float(numeric(info, "unknown_2")[0])
    offset = local_s - utc_s if plausible_utc_offset_s(local_s - utc_s) else None
    epoch = float(numeric(info, "unknown_1")[0])
    epoch = epoch if epoch > 0 else DEFAULT_EPOCH_S  # NaN fails the test too
    start = None if start_ns == _NAT else pd.Timestamp(start_ns, unit="ns", tz="UTC")
    return start, offset, epoch


def file_utc_offset_s(fit, info_offset_s: float | None) -> float | None:
    """The file's UTC offset: :attr:`FitFile.utc_offset_s`, else ``info_offset_s``.

    ``info_offset_s`` is the offset of the file's ``sleep_data_info``
    (:func:`sleep_data_info`).
    """
    offset = fit.utc_offset_s
    return offset if offset is not None else info_offset_s


def _monitoring_times_ns(fit, mon: MessageArrays) -> np.ndarray:
    times = times_ns(mon, "timestamp")
    if "timestamp_16" not in mon:
        return times
    have = times != _NAT
    own = np.where(have, times // _NS - FIT_EPOCH_S, 0).astype("float64")
    last = np.maximum.accumulate(np.where(have, np.arange(mon.n), -1))
    anchors = np.where(last >= 0, own[np.maximum(last, 0)], np.nan)
    anchors = np.where(np.isnan(anchors), fit.anchor_timestamps("monitoring"), anchors)
    low = numeric(mon, "timestamp_16")
    ok = np.isfinite(low) & np.isfinite(anchors)
    full = np.full(mon.n, np.nan)
    a = anchors[ok].astype(np.int64)
    full[ok] = a + ((low[ok].astype(np.int64) - (a & 0xFFFF)) & 0xFFFF)
    return np.where(have, times, fit_s_to_unix_ns(full))


def monitoring_times(fit) -> pd.Series:
    """The times of the file's ``monitoring`` messages, with ``timestamp_16`` resolved.

    ``timestamp_16`` holds the low 16 bits of the time; the full time is the
    last full ``monitoring`` timestamp before the message plus the (mod
    65536) difference of the low bits (FIT SDK, monitoring files). Other
    messages' timestamps are not used as the reference: Garmin writes
    ``event`` messages stamped later than the monitoring that follows them,
    which would push those samples ~18 h ahead.
    """
    return pd.Series(_utc(_monitoring_times_ns(fit, fit.arrays("monitoring", MONITORING_FIELDS))))


class _Samples:
    """Day-level samples gathered as arrays (time [ns], kind, value)."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, t_ns: np.ndarray, values: np.ndarray, kind) -> None:
        """Add the samples with a time and a value; ``kind`` is one name or one per sample."""
        ok = (t_ns != _NAT) & ~np.isnan(values)
        if not ok.any():
            return
        kinds = np.full(int(ok.sum()), kind, dtype=object) if isinstance(kind, str) else kind[ok]
        self.parts.append((t_ns[ok], kinds, values[ok]))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.parts:
            return np.zeros(0, np.int64), np.zeros(0, dtype=object), np.zeros(0)
        t, kind, value = (np.concatenate(column) for column in zip(*self.parts))
        return t, kind, value


def samples_frame(t: np.ndarray, kind: np.ndarray, value: np.ndarray) -> pd.DataFrame:
    """The day-level samples as a table: ``t_utc``, ``kind``, ``value``, ``source``.

    From the arrays of :func:`daily_sample_arrays`.
    """
    if not t.size:
        empty_times = pd.Series(dtype="datetime64[ns, UTC]")
        return pd.DataFrame({"t_utc": empty_times, "kind": [], "value": []})
    return pd.DataFrame({"t_utc": _utc(t), "kind": kind, "value": value, "source": SOURCE})


def daily_sample_arrays(
    fit, utc_offset_s: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The day-level samples of one file: time [int64 ns], kind (object), value (float64).

    Kinds: ``heart_rate`` (monitoring), ``stress`` (0-100 only; negative
    values are Garmin's "no reading" codes), ``resting_hr_day``
    (``current_day_resting_heart_rate``), ``resting_hr_7d``
    (``resting_heart_rate``, Garmin's 7-day average), ``steps:<type>`` and
    ``active_s:<type>`` (counters that restart at local midnight, per
    activity type), ``hrv_night`` (``hrv_status_summary.last_night_average``),
    ``hrv_5min`` (``hrv_value``), ``sleep_score`` and ``sleep_awakenings``
    (``sleep_assessment``, at the time of the message), ``utc_offset_s``
    (``utc_offset_s``, the file's UTC offset, at its first timestamp).
    """
    out = _Samples()
    if not has_daily_messages(fit):
        _offset_samples(fit, out, utc_offset_s)
        return out.arrays()
    present = fit.message_counts()
    if "monitoring" in present:
        _monitoring_samples(fit, out)
    if "monitoring_hr_data" in present:
        hr = fit.arrays(
            "monitoring_hr_data",
            ("timestamp", "current_day_resting_heart_rate", "resting_heart_rate"),
        )
        if "timestamp" in hr:
            t = times_ns(hr, "timestamp")
            out.add(t, numeric(hr, "current_day_resting_heart_rate"), "resting_hr_day")
            out.add(t, numeric(hr, "resting_heart_rate"), "resting_hr_7d")
    if "stress_level" in present:
        stress = fit.arrays("stress_level", ("stress_level_time", "stress_level_value"))
        if "stress_level_time" in stress:
            level = numeric(stress, "stress_level_value")
            level = np.where((level >= 0) & (level <= 100), level, np.nan)
            out.add(times_ns(stress, "stress_level_time"), level, "stress")
    for name, field, kind in (
        ("hrv_status_summary", "last_night_average", "hrv_night"),
        ("hrv_value", "value", "hrv_5min"),
    ):
        if name in present:
            columns = fit.arrays(name, ("timestamp", field))
            if "timestamp" in columns:
                out.add(times_ns(columns, "timestamp"), numeric(columns, field), kind)
    if "sleep_assessment" in present:
        _assessment_samples(fit, out)
    _offset_samples(fit, out, utc_offset_s)
    return out.arrays()


@lru_cache(maxsize=256)
def _activity_kinds(activity_type: object) -> tuple[str | None, str | None]:
    """``steps:<type>`` and ``active_s:<type>`` kinds of a ``monitoring.activity_type`` value.

    Both None for a missing or unnamed type; the second None for ``sedentary``
    and ``sleep`` (no active time). One string object per kind, shared by all
    its samples.
    """
    if not isinstance(activity_type, str):
        return None, None
    active = None if activity_type in ("sedentary", "sleep") else "active_s:" + activity_type
    return "steps:" + activity_type, active


def _monitoring_samples(fit, out: _Samples) -> None:
    mon = fit.arrays("monitoring", MONITORING_FIELDS)
    if not mon:
        return
    times = _monitoring_times_ns(fit, mon)
    out.add(times, numeric(mon, "heart_rate"), "heart_rate")
    raw = mon.get("activity_type")
    if raw is None:
        return  # no typed sample: no steps or active time
    codes, distinct = pd.factorize(raw)  # None (missing) gets code -1, the last entry below
    kinds = [_activity_kinds(v) for v in distinct.tolist()] + [(None, None)]
    step_kind = np.array([k[0] for k in kinds], dtype=object)[codes]
    active_kind = np.array([k[1] for k in kinds], dtype=object)[codes]
    takes_cycles = np.array([v in STEP_TYPES for v in distinct.tolist()] + [False])[codes]
    steps = numeric(mon, "steps")
    from_cycles = 2.0 * numeric(mon, "cycles")  # profile subfield: steps = cycles x 2
    steps = np.where(np.isnan(steps) & takes_cycles, from_cycles, steps)
    active_s = numeric(mon, "active_time")
    for kind, values in ((step_kind, steps), (active_kind, active_s)):
        mask = np.not_equal(kind, None)
        if mask.any():
            out.add(times[mask], values[mask], kind[mask])


def _assessment_samples(fit, out: _Samples) -> None:
    assessment = fit.arrays(
        "sleep_assessment", ("timestamp", "overall_sleep_score", "awakenings_count")
    )
    if not assessment:
        return
    if "timestamp" in assessment:
        t = times_ns(assessment, "timestamp")
    else:
        t = fit_s_to_unix_ns(fit.anchor_timestamps("sleep_assessment"))
    out.add(t, numeric(assessment, "overall_sleep_score"), "sleep_score")
    out.add(t, numeric(assessment, "awakenings_count"), "sleep_awakenings")


def _offset_samples(fit, out: _Samples, offset: float | None) -> None:
    if offset is None:
        return
    stamps = fit_s_to_unix_ns(fit.full_timestamps())
    stamps = stamps[stamps != _NAT]
    if stamps.size:
        out.add(np.array([stamps.min()]), np.array([float(offset)]), "utc_offset_s")
