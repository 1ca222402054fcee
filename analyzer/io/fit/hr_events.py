"""Beat times of ``hr`` messages, as the FIT SDK reconstructs them.

An ``hr`` message carries the times of up to eight heart beats on the
sensor's own clock, a counter in 1/1024 s: either one full value
(``event_timestamp``, uint32, in the *anchor* message) or, in the messages
that follow, the low 12 bits of each (``event_timestamp_12``, components that
accumulate from the last full value). The anchor message also holds the UTC
``timestamp`` (and ``fractional_timestamp``) of that same beat, which ties
the counter to the wall clock. The FIT SDK (``HrMesgUtils``,
``expand_heart_rates``) dates every beat as

    beat time = anchor timestamp + anchor fractional_timestamp
                + (beat counter - anchor counter)

with a counter that wrapped (lower than the anchor's by more than 2^32 / 1024
s) moved up by one wrap. Beats before the first anchor have no time.

References
----------
Garmin FIT SDK 21.218, ``garmin_fit_sdk/hr_mesg_utils.py`` (``expand_heart_rates``)
and ``accumulator.py`` (an accumulated field restarts at each full value).
FIT profile: ``hr`` (global 132) fields ``timestamp`` (253),
``fractional_timestamp`` (0, scale 32768), ``event_timestamp`` (9, scale 1024),
``event_timestamp_12`` (10, components of 12 bits).
"""

from __future__ import annotations

import numpy as np

from .values import row_tuples

#: Counter units per second of ``hr.event_timestamp``.
COUNTS_PER_S = 1024
#: The 32-bit counter wraps after this many seconds (FIT SDK: 0x400000).
WRAP_S = 2**32 / COUNTS_PER_S
_COMPONENT_BITS = 12


def beat_times(
    counter_s: np.ndarray,
    timestamp_s: np.ndarray,
    fraction_s: np.ndarray,
    components: np.ndarray,
    present: np.ndarray,
) -> np.ndarray:
    """Per ``hr`` message, the tuple of its beat times [FIT seconds] (``None`` without beats).

    Parameters
    ----------
    counter_s : ndarray of float64, shape (n,)
        The full ``event_timestamp`` of each message [s of the sensor clock], NaN if absent.
    timestamp_s, fraction_s : ndarray of float64, shape (n,)
        ``timestamp`` [FIT seconds] and ``fractional_timestamp`` [s], NaN if absent.
    components : ndarray of int64, shape (n, k)
        The 12-bit ``event_timestamp_12`` values of each message, in order.
    present : ndarray of bool, shape (n, k)
        Which of ``components`` the message holds.
    """
    n = counter_s.size
    full = np.isfinite(counter_s)
    # every beat in file order: the full counter of a message first, then its components
    slots = np.concatenate([full[:, None], present], axis=1)
    raw = np.zeros(slots.shape, dtype=np.int64)
    raw[full, 0] = np.rint(counter_s[full] * COUNTS_PER_S).astype(np.int64)
    raw[:, 1:] = components
    row_of = np.broadcast_to(np.arange(n)[:, None], slots.shape)[slots]
    is_full = np.zeros(slots.shape, dtype=bool)
    is_full[:, 0] = full
    is_full = is_full[slots]
    values = raw[slots]
    counts = _accumulated(values, is_full)
    beat = _dated(counts / COUNTS_PER_S, row_of, counter_s, timestamp_s, fraction_s)
    return _per_message(beat, row_of, n)


def _accumulated(values: np.ndarray, is_full: np.ndarray) -> np.ndarray:
    """The full counter of each beat: 12-bit values accumulated from the last full one.

    NaN before the first full value.
    """
    out = np.full(values.size, np.nan)
    if not is_full.any():
        return out
    group = np.cumsum(is_full) - 1  # -1: before the first full value
    prev = np.empty_like(values)
    prev[0] = 0
    prev[1:] = values[:-1]
    delta = np.where(is_full, 0, (values - prev) & ((1 << _COMPONENT_BITS) - 1))
    total = np.cumsum(delta)
    starts = np.flatnonzero(is_full)
    known = group >= 0
    g = group[known]
    out[known] = values[starts][g] + total[known] - total[starts][g]
    return out


def _dated(counter_s, row_of, anchor_counter_s, timestamp_s, fraction_s) -> np.ndarray:
    """Beat times [FIT seconds] from the last anchor message at or before each beat's message."""
    anchor = np.isfinite(anchor_counter_s) & np.isfinite(timestamp_s)
    n = anchor.size
    last = np.maximum.accumulate(np.where(anchor, np.arange(n), -1))[row_of]
    out = np.full(counter_s.size, np.nan)
    ok = last >= 0
    at = last[ok]
    since = counter_s[ok] - anchor_counter_s[at]
    since = np.where(since < -WRAP_S / 2, since + WRAP_S, since)  # the counter wrapped
    since = np.where(since < 0, np.nan, since)  # earlier than its anchor: no time (SDK error)
    out[ok] = timestamp_s[at] + np.nan_to_num(fraction_s[at]) + since
    return out


def _per_message(beat: np.ndarray, row_of: np.ndarray, n: int) -> np.ndarray:
    """Group the beats of each message into one tuple (``None`` for a message without beats)."""
    out = np.empty(n, dtype=object)
    out[:] = None
    if not beat.size:
        return out
    counts = np.bincount(row_of, minlength=n)
    width = int(counts.max())
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(beat.size) - start[row_of]
    matrix = np.full((n, width), np.nan)
    matrix[row_of, column] = beat
    has = counts > 0
    for size in np.unique(counts[has]).tolist():
        rows = np.flatnonzero(counts == size)
        values = matrix[rows, :size]
        out[rows] = row_tuples(values.tolist(), ~np.isnan(values))
    return out
