"""Estimating an athlete's physiology from their own recordings.

Load needs heart-rate reserve (HR rest and max), hrTSS needs a threshold heart rate and TSS
a threshold power; few people know theirs. Each function here gives the standard field
estimate from the data already imported, so that a new athlete gets a load on every
training day; a value the athlete sets always replaces the estimate
(:mod:`analyzer.indicators.athlete_settings`).

Every estimate works on each session's streams put on a 1-s grid (:func:`session_grids`):
a reading holds until the next one for at most ``hold_s`` seconds, a longer gap is a pause
(no value), and readings outside physiological limits are dropouts (no value).

* HR max (:func:`estimate_hr_max`): the highest heart rate *held* for ``sustain_s`` seconds
  in a session (a spike of one or two readings cannot be held), then the highest over
  sessions that another, independent session comes near (a session whose peak stands more
  than ``isolated_gap_bpm`` above every other is a recording artefact such as cadence lock;
  sessions overlapping in time are one recording and count once).
  Peak heart rates in hard training and races reach or exceed laboratory HR max
  (Semin et al. 2008); with only easy sessions the estimate is lower than the true maximum.
* HR rest (:func:`estimate_hr_rest`): the median of the device's daily resting HR. Without
  those, the heart rate during sessions only bounds it from above (nobody trains at rest),
  and usually far above, so the population mean of wearable-measured resting heart rate,
  :data:`POPULATION_HR_REST_BPM` (Quer et al. 2020), is used unless a session held a lower
  heart rate for a minute (:func:`estimate_hr_rest_from_sessions`).
* LTHR (:func:`estimate_lthr`): Friel's field test, the mean heart rate of the last 20 min
  of the hardest 30 min on record (McGehee et al. 2005 validated the 30-min test in
  runners); a lower bound unless the athlete raced or tested for 30 minutes.
* FTP (:func:`estimate_ftp`): 95 % of the best 20-min mean power (Allen & Coggan).

References
----------
Semin K, Stahlnecker AC, Heelan K, Brown GA, Shaw BS, Shaw I. Discrepancy between
training, competition and laboratory measures of maximum heart rate in NCAA division 2
distance runners. *J Sports Sci Med* 2008;7(4):455-460.
Boudet G, Garet M, Bedu M, Albuisson E, Chamoux A. Median maximal heart rate for heart rate
calibration in different conditions: laboratory, field and competition. *Int J Sports Med*
2002;23(4):290-297. doi:10.1055/s-2002-29081.
Achten J, Jeukendrup AE. Heart rate monitoring: applications and limitations.
*Sports Med* 2003;33(7):517-538. doi:10.2165/00007256-200333070-00004.
Quer G, Gouda P, Galarnyk M, Topol EJ, Steinhubl SR. Inter- and intraindividual variability
in daily resting heart rate and its associations with age, sex, sleep, BMI, and time of year:
retrospective, longitudinal cohort study of 92,457 adults. *PLoS One* 2020;15(2):e0227709.
doi:10.1371/journal.pone.0227709.
McGehee JC, Tanner CJ, Houmard JA. A comparison of methods for estimating the lactate
threshold. *J Strength Cond Res* 2005;19(3):553-558.
Friel J. *The Triathlete's Training Bible*, 4th ed. VeloPress, 2016 (the 30-minute test).
Allen H, Coggan A. *Training and Racing with a Power Meter*, 3rd ed. VeloPress, 2019
(FTP = 95 % of the best 20-min power).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from analyzer.indicators.session_streams import StreamSet

#: Heart rates outside these limits are dropouts or artefacts, not measurements [bpm].
HR_LIMITS_BPM = (30.0, 240.0)
#: Mean daily resting heart rate of 92,457 adults wearing a wrist tracker (Quer et al. 2020:
#: 65.5 ± 7.7 bpm; individual means ranged from 40 to 109 bpm) [bpm].
POPULATION_HR_REST_BPM = 65.0


@dataclass(frozen=True)
class EstimationRules:
    """The choices of the estimates, each with its documented default.

    Attributes
    ----------
    hold_s : float
        A reading holds until the next one for at most this long; a longer gap is a pause
        (the project's ``sample_max_gap_s``) [s].
    sustain_s : int
        HR max counts only a heart rate held this long [s].
    sustain_min_readings : int
        ... and measured at least this many times in that span (a single reading held
        over a gap of a sparse recording is not sustained).
    isolated_gap_bpm : float
        A session's peak more than this above every other session's is an artefact [bpm].
    rest_sustain_s : int
        HR rest from sessions: the lowest heart rate held this long [s].
    window_coverage : float
        A 20- or 30-min window counts when this fraction of its seconds has a value.
    lthr_test_s, lthr_tail_s : int
        Friel's test: the hardest ``lthr_test_s`` seconds, the mean HR of their last
        ``lthr_tail_s`` seconds [s].
    ftp_window_s : int
        Best-effort window of the FTP estimate [s].
    ftp_fraction : float
        FTP as a fraction of the best ``ftp_window_s`` mean power (Allen & Coggan: 0.95).
    """

    hold_s: float = 10.0
    sustain_s: int = 5
    sustain_min_readings: int = 3
    isolated_gap_bpm: float = 10.0
    rest_sustain_s: int = 60
    window_coverage: float = 0.9
    lthr_test_s: int = 1800
    lthr_tail_s: int = 1200
    ftp_window_s: int = 1200
    ftp_fraction: float = 0.95


DEFAULT_RULES = EstimationRules()


@dataclass(frozen=True)
class SessionGrid:
    """One session's stream on a 1-s grid: NaN where nothing was measured."""

    values: np.ndarray
    readings: np.ndarray  # True on the seconds that hold an actual reading


def session_grids(
    streams: StreamSet, channel: str, limits: tuple[float, float], hold_s: float
) -> list[SessionGrid | None]:
    """Each session's channel on a 1-s grid from its first sample (None without readings).

    A grid reaches at most ``streams.bound_s`` past the first sample (the session's recorded
    duration): readings after it, such as one with a damaged timestamp years away, are left
    out, so a grid's length and memory stay those of the session.

    Parameters
    ----------
    streams : StreamSet
        The athlete's sessions (:meth:`StreamSet.of_sessions`).
    channel : {"heart_rate_bpm", "power_w"}
    limits : (float, float)
        Readings outside ``[low, high]`` are dropouts and count as no value.
    hold_s : float
        A reading fills the following seconds up to the next reading, at most this long [s].
    """
    grids: list[SessionGrid | None] = []
    low, high = limits
    for i in range(streams.n):
        part = streams.slice(i)
        values, t_s = part[channel], part["t_s"]
        within = t_s <= max(float(streams.bound_s[i]), 0.0)
        valid = np.isfinite(values) & (values >= low) & (values <= high) & within
        if not valid.any():
            grids.append(None)
            continue
        second = np.round(t_s[valid]).astype(np.int64)
        second -= second.min()
        grids.append(_held_grid(second, values[valid], hold_s))
    return grids


def _held_grid(second: np.ndarray, values: np.ndarray, hold_s: float) -> SessionGrid:
    """Readings at whole seconds, each held forward until the next, at most ``hold_s``."""
    length = int(second.max()) + 1
    readings = np.zeros(length, dtype=bool)
    readings[second] = True
    source = np.full(length, -1, dtype=np.int64)
    source[second] = np.arange(second.size)  # the last reading of a second wins
    latest = np.maximum.accumulate(source)
    held_for = np.arange(length) - second[latest]
    grid = np.where(held_for <= hold_s, values[latest], np.nan)
    return SessionGrid(grid, readings)


def sustained_peak(grid: SessionGrid, sustain_s: int, min_readings: int) -> float:
    """Highest value the stream stays at or above for ``sustain_s`` seconds (NaN if none).

    The minimum over every ``sustain_s``-second window, maximised over windows that hold no
    gap and at least ``min_readings`` actual readings: a spike of fewer than ``sustain_s``
    seconds cannot raise it.
    """
    return _extreme_of_windows(grid, sustain_s, min_readings, highest=True)


def sustained_low(grid: SessionGrid, sustain_s: int, min_readings: int) -> float:
    """Lowest value the stream stays at or below for ``sustain_s`` seconds (NaN if none)."""
    return _extreme_of_windows(grid, sustain_s, min_readings, highest=False)


def _extreme_of_windows(grid: SessionGrid, width: int, min_readings: int, highest: bool) -> float:
    if grid.values.size < width:
        return float("nan")
    windows = sliding_window_view(grid.values, width)
    held = windows.min(axis=1) if highest else windows.max(axis=1)  # NaN when a gap is inside
    counts = np.convolve(grid.readings.astype(np.int64), np.ones(width, dtype=np.int64), "valid")
    usable = np.isfinite(held) & (counts >= min_readings)
    if not usable.any():
        return float("nan")
    return float(held[usable].max() if highest else held[usable].min())


def window_means(grid: SessionGrid, width: int, coverage: float) -> np.ndarray:
    """Mean of every ``width``-second window holding values on ``coverage`` of its seconds.

    Returns an array of ``len(grid) - width + 1`` means, NaN where coverage is too low
    (empty when the session is shorter than ``width``).
    """
    values = grid.values
    if values.size < width:
        return np.empty(0)
    known = np.isfinite(values)
    total = np.concatenate(([0.0], np.cumsum(np.where(known, values, 0.0))))
    count = np.concatenate(([0], np.cumsum(known)))
    sums = total[width:] - total[:-width]
    counts = count[width:] - count[:-width]
    enough = counts >= coverage * width
    return np.where(enough, sums / np.maximum(counts, 1), np.nan)


def friel_threshold_hr(grid: SessionGrid, test_s: int, tail_s: int, coverage: float) -> float:
    """Mean HR of the last ``tail_s`` seconds of the session's hardest ``test_s`` seconds.

    Friel's 30-minute test: the hardest 30 min is the window with the highest mean heart
    rate; its last 20 min give the lactate-threshold heart rate. NaN when the session has no
    covered ``test_s`` window.
    """
    means = window_means(grid, test_s, coverage)
    if means.size == 0 or not np.isfinite(means).any():
        return float("nan")
    start = int(np.nanargmax(means))
    tail = grid.values[start + test_s - tail_s : start + test_s]
    if np.isfinite(tail).sum() < coverage * tail_s:
        return float("nan")
    return float(np.nanmean(tail))


def best_window_mean(grid: SessionGrid, width: int, coverage: float) -> float:
    """Highest mean over a covered ``width``-second window (NaN if none)."""
    means = window_means(grid, width, coverage)
    return float(np.nanmax(means)) if means.size and np.isfinite(means).any() else float("nan")


def highest_supported(peaks, isolated_gap: float, groups=None) -> tuple[float, int]:
    """Highest value that an independent value comes within ``isolated_gap`` of.

    Values standing more than ``isolated_gap`` above all the others are dropped from the
    top one by one; a single value is returned as it is. Peaks of one group (sessions that
    overlap in time, :func:`analyzer.indicators.overlap.overlap_groups`) are one
    observation, their highest: the same recording imported twice cannot support itself.

    Parameters
    ----------
    peaks : array-like of float
    isolated_gap : float
    groups : array-like, optional
        A group label per peak; by default every peak is independent.

    Returns
    -------
    (value, n_dropped) : (float, int)
        NaN when ``peaks`` holds no finite value; ``n_dropped`` counts groups.
    """
    peaks = np.asarray(peaks, dtype=float)
    if groups is not None:
        labels = pd.factorize(np.asarray(groups))[0]
        highest = np.full(labels.max() + 1 if labels.size else 0, np.nan)
        np.fmax.at(highest, labels, peaks)
        peaks = highest
    values = np.sort(peaks[np.isfinite(peaks)])[::-1]
    dropped = 0
    while values.size - dropped >= 2 and values[dropped] - values[dropped + 1] > isolated_gap:
        dropped += 1
    if values.size == 0:
        return float("nan"), 0
    return float(values[dropped]), dropped


def estimate_hr_max(
    hr_grids: list[SessionGrid | None], rules: EstimationRules = DEFAULT_RULES, groups=None
) -> tuple[float, np.ndarray]:
    """HR max from the sessions' sustained peaks.

    Parameters
    ----------
    hr_grids : list
        Output of :func:`session_grids` for ``heart_rate_bpm``.
    rules : EstimationRules
    groups : array-like, optional
        Sessions overlapping in time share a label
        (:func:`analyzer.indicators.overlap.overlap_groups`) and count as one session in
        the artefact rule (:func:`highest_supported`).

    Returns
    -------
    (hr_max_bpm, used) : (float, numpy.ndarray of bool)
        The estimate [bpm] (NaN without heart-rate streams) and which sessions had a peak.
    """
    peaks = np.array(
        [
            np.nan
            if grid is None
            else sustained_peak(grid, rules.sustain_s, rules.sustain_min_readings)
            for grid in hr_grids
        ]
    )
    value, _ = highest_supported(peaks, rules.isolated_gap_bpm, groups)
    return value, np.isfinite(peaks)


def estimate_hr_max_from_summaries(
    max_heart_rate_bpm, rules: EstimationRules = DEFAULT_RULES, groups=None
) -> tuple[float, np.ndarray]:
    """HR max from the sessions' recorded maxima, for sessions without a stream.

    A device's session maximum may hold a spike, so the same artefact rule applies as to
    stream peaks (:func:`highest_supported`, with the same ``groups``).
    """
    peaks = np.asarray(max_heart_rate_bpm, dtype=float)
    low, high = HR_LIMITS_BPM
    peaks = np.where((peaks >= low) & (peaks <= high), peaks, np.nan)
    value, _ = highest_supported(peaks, rules.isolated_gap_bpm, groups)
    return value, np.isfinite(peaks)


def estimate_hr_rest(resting_hr_bpm) -> tuple[float, int]:
    """HR rest as the median of daily resting heart rates.

    Parameters
    ----------
    resting_hr_bpm : array-like
        The device's daily resting HR [bpm]; values outside :data:`HR_LIMITS_BPM`
        (vendors write 0 for "none") are ignored.

    Returns
    -------
    (hr_rest_bpm, n_days) : (float, int)
        NaN and 0 without daily values.
    """
    values = np.asarray(resting_hr_bpm, dtype=float)
    low, high = HR_LIMITS_BPM
    values = values[np.isfinite(values) & (values >= low) & (values <= high)]
    if values.size == 0:
        return float("nan"), 0
    return float(np.median(values)), int(values.size)


def estimate_hr_rest_from_sessions(
    hr_grids: list[SessionGrid | None], rules: EstimationRules = DEFAULT_RULES
) -> tuple[float, np.ndarray]:
    """HR rest from the lowest heart rate held for ``rest_sustain_s`` in any session.

    An upper bound of the resting heart rate (a session is not rest); the median of the
    sessions' lows would be higher still, so the lowest is taken.

    Returns
    -------
    (hr_rest_bpm, used) : (float, numpy.ndarray of bool)
    """
    lows = np.array(
        [
            np.nan
            if grid is None
            else sustained_low(grid, rules.rest_sustain_s, rules.sustain_min_readings)
            for grid in hr_grids
        ]
    )
    if not np.isfinite(lows).any():
        return float("nan"), np.isfinite(lows)
    return float(np.nanmin(lows)), np.isfinite(lows)


def estimate_lthr(
    hr_grids: list[SessionGrid | None], rules: EstimationRules = DEFAULT_RULES
) -> tuple[float, np.ndarray]:
    """LTHR by Friel's 30-minute test applied to the hardest 30 min on record.

    Returns
    -------
    (lthr_bpm, used) : (float, numpy.ndarray of bool)
        The highest per-session Friel value (NaN when no session lasts 30 min with heart
        rate) and which sessions were long enough to count.
    """
    values = np.array(
        [
            np.nan
            if grid is None
            else friel_threshold_hr(
                grid, rules.lthr_test_s, rules.lthr_tail_s, rules.window_coverage
            )
            for grid in hr_grids
        ]
    )
    if not np.isfinite(values).any():
        return float("nan"), np.isfinite(values)
    return float(np.nanmax(values)), np.isfinite(values)


def estimate_ftp(
    power_grids: list[SessionGrid | None], rules: EstimationRules = DEFAULT_RULES
) -> tuple[float, np.ndarray]:
    """FTP as ``ftp_fraction`` × the best ``ftp_window_s`` mean power (Allen & Coggan).

    Sessions whose power channel is zero throughout are left out (a sensor that was not
    there, not a ride at 0 W).

    Returns
    -------
    (ftp_w, used) : (float, numpy.ndarray of bool)
    """
    best = np.array(
        [
            np.nan
            if grid is None or not np.nanmax(grid.values) > 0
            else best_window_mean(grid, rules.ftp_window_s, rules.window_coverage)
            for grid in power_grids
        ]
    )
    if not np.isfinite(best).any():
        return float("nan"), np.isfinite(best)
    return rules.ftp_fraction * float(np.nanmax(best)), np.isfinite(best)
