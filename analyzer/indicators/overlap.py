"""Sessions that overlap in time: one stretch of the athlete's day, however many records it has.

Two sessions overlap when one starts before the other ends. They are then not two efforts:
a multisport file's overall session holds its legs, a chained FIT file repeats a session
under another sport, and the same recording imported from two files gives two sessions of
the same minutes. Whatever counts sessions as independent observations (the heart-rate
maximum's artefact guard) takes one value per overlapping *group*, whatever adds up
time (the day's training duration) counts overlapping minutes once, and whatever adds up
effort (the day's load and TRIMP) counts the largest of a group once.

A session whose start or end is unknown overlaps nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def interval_bounds_s(start_utc, duration_s) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each session in seconds since the epoch (NaN where unknown).

    Parameters
    ----------
    start_utc : array-like of tz-aware timestamps
    duration_s : array-like of float
        Elapsed duration [s].
    """
    starts = pd.to_datetime(pd.Series(start_utc), utc=True)
    epoch = pd.Timestamp(0, tz="UTC")
    start_s = (starts - epoch).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
    duration = np.asarray(duration_s, dtype=float)
    return start_s, start_s + np.where(duration >= 0, duration, np.nan)


def groups_and_exclusive_seconds(start_s, end_s, key=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`overlap_groups` and :func:`exclusive_seconds` of the intervals, in one sweep.

    The intervals are swept by start within each key: a group runs while the next start
    lies before the furthest end so far.
    """
    start = np.asarray(start_s, dtype=float)
    end = np.asarray(end_s, dtype=float)
    keys = np.zeros(start.size, dtype=np.int64) if key is None else pd.factorize(key)[0]
    group = np.arange(start.size)  # an unknown interval is its own group
    new_s = np.full(start.size, np.nan)
    known = np.isfinite(start) & np.isfinite(end)
    order = np.flatnonzero(known)[np.lexsort((start[known], keys[known]))]
    current, reach, current_key = -1, -np.inf, None
    for i in order:
        if keys[i] != current_key or start[i] >= reach:
            current, reach, current_key = i, start[i], keys[i]
        group[i] = current
        new_s[i] = max(end[i] - max(start[i], reach), 0.0)
        reach = max(reach, end[i])
    return group, new_s


def overlap_groups(start_s, end_s, key=None) -> np.ndarray:
    """Label each interval with its group of (transitively) overlapping intervals.

    Parameters
    ----------
    start_s, end_s : array-like of float
        Interval bounds [s]; NaN where unknown (the interval is then a group of its own).
    key : array-like, optional
        Intervals of different keys (such as local dates) never share a group.

    Returns
    -------
    numpy.ndarray of int
        Equal labels for intervals of one group; an interval that touches another only at
        an end point does not overlap it.
    """
    return groups_and_exclusive_seconds(start_s, end_s, key)[0]


def exclusive_seconds(start_s, end_s, key=None) -> np.ndarray:
    """Seconds of each interval not already covered by an earlier-starting one of its key.

    Summed over a key, they give the length of the union of its intervals: overlapping time
    counts once, credited to the session that started first.

    Returns
    -------
    numpy.ndarray of float
        NaN where the interval is unknown.
    """
    return groups_and_exclusive_seconds(start_s, end_s, key)[1]


def largest_per_group(values, groups) -> np.ndarray:
    """Each value where it is the largest known one of its overlap group, 0 for the others.

    Summed, they count a group's effort once: a multisport file's overall session and its
    legs, or one recording imported twice, add the largest load of the group, not all.
    A group without any known value keeps NaN everywhere (unknown, never 0).

    Parameters
    ----------
    values : array-like of float
        One value per interval (NaN where unknown).
    groups : array-like of int
        :func:`overlap_groups` labels.
    """
    value = np.asarray(values, dtype=float)
    group = np.asarray(groups)
    largest = pd.Series(value).groupby(group).transform("max").to_numpy()
    first = ~pd.Series(np.where(value == largest, group, -1)).duplicated().to_numpy()
    kept = (value == largest) & first
    return np.where(kept, value, np.where(np.isnan(largest), np.nan, 0.0))
