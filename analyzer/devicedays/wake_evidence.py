"""Monitoring evidence that a wearer was awake, for epochs the device did not score.

Devices that do not stage sleep (vivomove HR) score an epoch ``awake`` only
when they see movement and keep an unscored raw record for every other
minute of the day, also while the wearer sits or lies still awake. The
device's own monitoring messages (WELLNESS files) tell such minutes apart
from sleep in two ways, both read here from the day-level samples
(``t_utc``, ``kind``, ``value``) the nights are assembled with:

- **steps**: a minute in which the ``walking`` or ``running`` step counter
  rose is a minute on one's feet, never sleep (:func:`stepping_times_ns`);
- **heart rate**: during sleep heart rate falls to its lowest level of the
  day and stays near it; a stretch whose heart rate stays well above that
  level is quiet wakefulness (:func:`raised_heart_rate`).

References
----------
.. [1] Garmin FIT SDK, Profile.xlsx: ``monitoring`` (global 55) ``cycles``
   (sub-field ``steps`` = cycles x 2 for walking and running), a counter per
   ``activity_type`` that restarts at local midnight.
.. [2] Trinder J, Kleiman J, Carrington M, et al. Autonomic activity during
   human sleep as a function of time and sleep stage. *J Sleep Res*
   2001;10(4):253-264 (heart rate falls at sleep onset and stays low
   through the night).
.. [3] Walch O, Huang Y, Forger D, Goldstein C. Sleep stage prediction with
   raw acceleration and photoplethysmography heart rate data derived from a
   consumer wearable device. *Sleep* 2019;42(12):zsz180.
   doi:10.1093/sleep/zsz180 (wrist heart rate beside movement separates
   sleep from still wakefulness).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Step counters (``steps:<activity type>`` samples) whose rise means the wearer was on foot.
STEP_KINDS = ("steps:walking", "steps:running")
#: Heart rates outside this range [bpm] are no reading (the device writes 0 without contact).
VALID_HR_BPM = (25.0, 230.0)
#: The heart rate of an epoch: the median of the readings this far on each side [s].
HR_HALF_WINDOW_S = 15 * 60
#: An epoch's heart rate is read at the nearest reading at most this far from its start [s].
HR_NEAREST_S = 5 * 60
#: Fewest readings in that window for the median to count.
HR_MIN_READINGS = 5
#: The sleeping level: the lowest mean heart rate over this long [s] ...
HR_LOW_WINDOW_S = 30 * 60
#: ... within this far on each side [s] (a day around the epoch).
HR_LOW_SPAN_S = 12 * 3600
#: An epoch whose heart rate is more than this above the sleeping level [bpm] is awake.
#: No published threshold exists for this rule. 15 bpm was read off the one wearer and
#: device of the shared vivomove HR month (June 2021): 95 % of core-night minutes lie
#: within 13-19 bpm of the day's low, 95 % of daytime minutes 17-28 bpm or more above
#: it; mean sleep there is 6.3 h at 10 bpm, 8.1 h at 15 and 9.2 h at 20. Expect it to
#: cut sleep whose heart rate stays high for hours (after late exercise, alcohol, heat
#: or illness: about 3.5 h on that month's 4 June) and to miss quiet wakefulness of a
#: wearer with a low awake heart rate (beta-blockers). Check it on other wearers.
HR_AWAKE_MARGIN_BPM = 15.0

_NS = 1_000_000_000


def stepping_times_ns(samples: pd.DataFrame) -> np.ndarray:
    """Times [int64 ns, sorted] of the samples at which a walking or running step counter rose.

    Each counter is read in time order (one value per time): a value above
    the one before means steps in that minute. The counter restarts at local
    midnight, so a value below the one before counts when it is above zero.
    Daily summaries repeat the counter without a rise and are not counted;
    the first value of a counter has nothing to compare with and is not
    counted either.
    """
    out = []
    for kind in STEP_KINDS:
        rows = samples[(samples["kind"] == kind) & samples["value"].notna()]
        if len(rows) < 2:
            continue
        t = pd.DatetimeIndex(rows["t_utc"]).as_unit("ns").asi8
        value = rows["value"].to_numpy(dtype="float64")
        order = np.lexsort((value, t))
        t, value = t[order], value[order]
        last = np.ones(t.size, dtype=bool)
        last[:-1] = t[1:] != t[:-1]  # one value per time: the largest
        t, value = t[last], value[last]
        previous = value[:-1]
        rose = (value[1:] > previous) | ((value[1:] < previous) & (value[1:] > 0))
        out.append(t[1:][rose])
    return np.sort(np.concatenate(out)) if out else np.zeros(0, np.int64)


def stepping_epochs(start_ns: np.ndarray, end_ns: np.ndarray, samples: pd.DataFrame) -> np.ndarray:
    """Whether each epoch ``[start, end)`` touches a minute of steps (:func:`stepping_times_ns`).

    A monitoring message stands at a minute boundary and reports the steps
    of the minute around it; which side is not documented, so the epochs
    overlapping the minute before and the minute after the message both count.
    """
    t = stepping_times_ns(samples)
    if not t.size:
        return np.zeros(start_ns.size, dtype=bool)
    minute = 60 * _NS
    # any stepping time in (start - 1 min, end + 1 min)
    first_after = np.searchsorted(t, start_ns - minute, side="right")
    first_reaching = np.searchsorted(t, end_ns + minute, side="left")
    return first_reaching > first_after


def raised_heart_rate(start_ns: np.ndarray, samples: pd.DataFrame) -> np.ndarray:
    """Whether each epoch's heart rate is well above the wearer's sleeping level around it.

    Read at the heart-rate reading nearest the epoch's start (at most
    :data:`HR_NEAREST_S` away): the heart rate is the median of the readings
    within :data:`HR_HALF_WINDOW_S` of it (at least :data:`HR_MIN_READINGS`);
    the sleeping level is the lowest :data:`HR_LOW_WINDOW_S` mean within
    :data:`HR_LOW_SPAN_S` of it (the lowest stretch of the day, which for a
    wearer who sleeps with the device is sleep, [2]_). An epoch more than
    :data:`HR_AWAKE_MARGIN_BPM` above that level is awake. Epochs without
    enough readings are never raised (missing is not evidence).
    """
    raised = np.zeros(start_ns.size, dtype=bool)
    rows = samples[samples["kind"] == "heart_rate"]
    value = rows["value"].to_numpy(dtype="float64")
    ok = (value >= VALID_HR_BPM[0]) & (value <= VALID_HR_BPM[1])
    if ok.sum() < HR_MIN_READINGS or not start_ns.size:
        return raised
    hr = pd.Series(value[ok], index=pd.DatetimeIndex(rows["t_utc"].to_numpy()[ok]))
    hr = hr.groupby(level=0).mean().sort_index()  # one reading per time (files overlap)
    around = hr.rolling(pd.Timedelta(seconds=2 * HR_HALF_WINDOW_S), center=True)
    epoch_hr = around.median().where(around.count() >= HR_MIN_READINGS)
    low = hr.rolling(pd.Timedelta(seconds=HR_LOW_WINDOW_S), center=True)
    low_mean = low.mean().where(low.count() >= HR_MIN_READINGS)
    span = pd.Timedelta(seconds=2 * HR_LOW_SPAN_S)
    level = low_mean.rolling(span, center=True, min_periods=1).min()
    t = hr.index.as_unit("ns").asi8
    right = np.clip(np.searchsorted(t, start_ns), 0, t.size - 1)
    left = np.clip(right - 1, 0, t.size - 1)
    nearest = np.where(np.abs(t[left] - start_ns) < np.abs(t[right] - start_ns), left, right)
    close = np.abs(t[nearest] - start_ns) <= HR_NEAREST_S * _NS
    excess = epoch_hr.to_numpy()[nearest] - level.to_numpy()[nearest]
    raised[close] = excess[close] > HR_AWAKE_MARGIN_BPM  # NaN (too few readings): False
    return raised
