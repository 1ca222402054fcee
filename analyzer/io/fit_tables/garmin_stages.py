"""Sleep stage intervals of one Garmin sleep FIT file, for the assembly of nights across files.

Devices that stage sleep (``light``/``deep``/``rem``) write a ``sleep_level``
message at each change; older ones (vivomove HR) write one message per epoch
all day long: a ``sleep_level`` for an epoch scored awake, an undocumented raw
movement record (274, no timestamp) for one it did not. :func:`stage_arrays`
turns either into (start, end, stage) intervals from the decoded numpy columns
(:meth:`FitFile.arrays <analyzer.io.fit.FitFile.arrays>`).

References
----------
Garmin FIT SDK, Profile.xlsx: ``sleep_level`` (global 275; enum
``sleep_level``: 0 unmeasurable, 1 awake, 2 light, 3 deep, 4 rem) and
``event`` (21; the sleep ``start``/``stop`` events). Gadgetbridge,
``FitSleepDataInfo``/``FitSleepDataRaw`` (https://codeberg.org/Freeyourgadget/Gadgetbridge)
for the undocumented messages 273 (epoch length) and 274 (raw epochs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.io.fit.frames import fit_s_to_unix_ns
from analyzer.io.fit.profile import FIT_EPOCH_S

from .columns import times_ns
from .garmin_samples import _NAT, _NS, SLEEP_DATA_RAW, STAGES, _utc


def sleep_stop_ns(fit, default: int) -> int:
    """The last sleep ``stop`` event (file order) if at or after ``default``, else ``default``."""
    events = fit.arrays("event", ("timestamp", "event_type"))
    if "event_type" not in events or "timestamp" not in events:
        return default
    stops = times_ns(events, "timestamp")[events["event_type"] == "stop"]
    stops = stops[stops != _NAT]
    return int(stops[-1]) if stops.size and stops[-1] >= default else default


def has_sleep_levels(fit) -> bool:
    """Whether the file's ``sleep_level`` messages carry the ``sleep_level`` field."""
    return "sleep_level" in fit.arrays("sleep_level", ("timestamp", "sleep_level"))


def level_times_ns(fit) -> np.ndarray:
    """Times [ns] of the file's ``sleep_level`` messages that have one, in file order."""
    levels = fit.arrays("sleep_level", ("timestamp", "sleep_level"))
    if "timestamp" not in levels:
        return np.zeros(0, np.int64)
    t = times_ns(levels, "timestamp")
    return t[t != _NAT]


def stage_arrays(
    fit, info: tuple[pd.Timestamp | None, float | None, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sleep stage intervals of one file: start and end [int64 ns], stage (object), by start.

    Devices that stage sleep (``light``/``deep``/``rem``) write a
    ``sleep_level`` at each change: a level lasts until the next one, the last
    until the sleep ``stop`` event. Older devices (vivomove HR) write one
    message per epoch of ``sleep_data_info`` length (60 s) all day long: a
    ``sleep_level`` (``awake``/``unmeasurable``) for an epoch the device
    scored awake, a raw movement record (274, no timestamp) for an epoch it
    did not; those epochs are returned as ``asleep`` (unstaged sleep), timed
    by their place in the file after the last timestamped message.

    ``info`` is the file's :func:`~.garmin_samples.sleep_data_info`.
    """
    t, names = level_times_ns(fit), np.zeros(0, dtype=object)
    level_ns = t
    if has_sleep_levels(fit) and t.size:
        levels = fit.arrays("sleep_level", ("timestamp", "sleep_level"))
        names = levels["sleep_level"][times_ns(levels, "timestamp") != _NAT]
    else:
        t = np.zeros(0, np.int64)
    stage = _stage_names(names)
    start, _, epoch_s = info
    epoch_ns = int(round(epoch_s * _NS))
    staged = np.isin(stage, ("light", "deep", "rem")).any()
    if start is not None and not staged:  # one message per epoch
        end = t + epoch_ns
    else:
        end = np.empty_like(t)
        end[:-1] = t[1:]
        if t.size:
            end[-1] = sleep_stop_ns(fit, int(t[-1]))
    known = np.not_equal(stage, None)
    raw_start = _raw_epochs_ns(fit, epoch_s, level_ns)
    starts = np.concatenate([t[known], raw_start])
    ends = np.concatenate([end[known], raw_start + epoch_ns])
    stages = np.concatenate([stage[known], np.full(raw_start.size, "asleep", dtype=object)])
    order = np.argsort(starts, kind="stable")
    return starts[order], ends[order], stages[order]


def _stage_names(names: np.ndarray) -> np.ndarray:
    """FIT ``sleep_level`` values -> canonical stage names (object; None for other values)."""
    codes, distinct = pd.factorize(names)  # None (missing) gets code -1
    lookup = [STAGES.get(v) if isinstance(v, str) else None for v in distinct.tolist()]
    return np.array([*lookup, None], dtype=object)[codes]  # code -1: the None at the end


def _raw_epochs_ns(fit, epoch_s: float, level_ns: np.ndarray) -> np.ndarray:
    """Start [ns] of each raw-movement epoch (274), timed from the last timestamp before it.

    The k-th raw epoch after the same anchor starts k epochs after it, one
    more if the anchor is itself an epoch (a ``sleep_level`` at that time).
    """
    if not fit.message_counts().get(SLEEP_DATA_RAW, 0):
        return np.zeros(0, np.int64)
    anchors = np.asarray(fit.anchor_timestamps(SLEEP_DATA_RAW), dtype="float64")
    n = anchors.size
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = anchors[1:] != anchors[:-1]  # NaN != NaN: a missing anchor starts its own run
    run = np.arange(n) - np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    occupied = (level_ns // _NS - FIT_EPOCH_S).astype("float64")
    seconds = anchors + (run + np.isin(anchors, occupied)) * epoch_s
    start = fit_s_to_unix_ns(seconds)
    return start[start != _NAT]


def stages_frame(starts: np.ndarray, ends: np.ndarray, stages: np.ndarray) -> pd.DataFrame:
    """The intervals of :func:`stage_arrays` as a table: ``start_utc``, ``end_utc``, ``stage``."""
    return pd.DataFrame({"start_utc": _utc(starts), "end_utc": _utc(ends), "stage": stages})
