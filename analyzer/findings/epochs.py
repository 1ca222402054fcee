"""Event-triggered (superposed epoch) averages of one series, with circular-shift bands.

    SEA(l) = mean_i y(t_i + l),   l = lag_min .. lag_max  (days from the index day)

Null bands keep the autocorrelation of the series and the spacing of the
events: the whole series is shifted circularly by a random offset and the
average recomputed (Chree C. *Phil Trans R Soc A* 1913, the superposed
epoch method; Adams JB, Mann ME, Ammann CM. *Nature*
2003;426:274-278, doi:10.1038/nature02101). This module holds that one-series
tool, the indicators shown around the cramps and which lags come after the
cramp; the analysis of every indicator around a person's cramps draws its
pseudo-events from the days each cramp could have fallen on instead
(:mod:`analyzer.findings.epoch_family`), since a circular shift would put
exercise cramps on rest days. Reported here:

* pointwise bands: 2.5 and 97.5 percentiles of the null average at each lag;
* a family-wise band: null mean +/- the 95th percentile over permutations of
  ``max_l |SEA_null(l) - null mean(l)|``, so that looking at every lag at once
  still holds the 5% error rate (no lag-shopping).

Missing days are ignored in each average (``nanmean``); events whose window
leaves the series are dropped from the observed average.

Lags at or after the cramp are marked ``possibly_consequence``: for nocturnal
cramps everything from the cramp night on (a cramp that wakes you shortens
that night and may raise that morning's resting heart rate), for exercise
cramps the days after the cramp's day. They describe what followed the cramps,
not what preceded them, and are never tested as exposures.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

#: Daily indicators shown around the cramps, with a plain name for captions.
EPOCH_INDICATORS = {
    "load": "daily training load",
    "acwr_ewma": "acute:chronic load ratio (EWMA)",
    "tsb": "form (TSB)",
    "monotony": "training monotony",
    "intensity_rel_habit": "session intensity relative to habit",
    "sleep_asleep_min": "sleep duration [min]",
    "sleep_debt_7n_h": "7-night sleep debt [h]",
    "resting_hr_z": "resting HR against baseline [z]",
    "hrv_lnrmssd_z": "HRV against baseline [z]",
    "avg_temperature_c": "session temperature [°C]",
}


def _circular_sums(y: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sum_i y[(t_i + k) mod n]`` and the matching count of non-missing values, for every k.

    One FFT cross-correlation gives the epoch sums of all circular shifts at
    once: shifting the series by ``s`` and reading lag ``l`` is offset
    ``l - s`` here.
    """
    n = y.size
    missing = np.isnan(y)
    spikes = np.fft.rfft(np.bincount(events, minlength=n).astype(float))
    sums = np.fft.irfft(np.conj(spikes) * np.fft.rfft(np.where(missing, 0.0, y)), n)
    counts = np.fft.irfft(np.conj(spikes) * np.fft.rfft((~missing).astype(float)), n)
    return sums, np.rint(counts)


def event_triggered_average(
    series, event_positions, lags, n_permutations: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Superposed epoch average of one daily series with null bands.

    Parameters
    ----------
    series : array_like
        Daily values on a gap-free day axis (``NaN`` where missing).
    event_positions : array_like of int
        Day positions of the events in ``series``.
    lags : array_like of int
        Offsets from the events [days].
    n_permutations : int
        Random circular shifts for the null distribution.
    seed : int
        Seed of ``numpy.random.default_rng``.
    level : float
        Coverage of the bands.

    Returns
    -------
    pandas.DataFrame
        One row per lag: ``lag_days``, ``mean``, ``n_events``, ``null_mean``,
        ``pointwise_low``, ``pointwise_high``, ``familywise_low``,
        ``familywise_high``, ``outside_pointwise``, ``outside_familywise``.
    """
    y = np.asarray(series, dtype=float)
    lags = np.asarray(lags, dtype=np.int64)
    events = np.asarray(event_positions, dtype=np.int64)
    n = y.size
    events = events[(events >= 0) & (events < n)]
    inside = events[(events + lags.min() >= 0) & (events + lags.max() < n)]
    windows = y[inside[:, None] + lags[None, :]]
    n_used = np.sum(~np.isnan(windows), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.where(n_used > 0, np.nansum(windows, axis=0) / n_used, np.nan)
    null = np.full((n_permutations, lags.size), np.nan)
    if events.size and n > 1:
        sums, counts = _circular_sums(y, events)
        shifts = np.random.default_rng(seed).integers(1, n, size=n_permutations)
        offsets = (lags[None, :] - shifts[:, None]) % n
        with np.errstate(invalid="ignore", divide="ignore"):
            null = np.where(counts[offsets] > 0, sums[offsets] / counts[offsets], np.nan)
    alpha = 1 - level
    # numpy's nan-aware percentile loops over columns; use it only when needed.
    percentile = np.nanpercentile if np.isnan(null).any() else np.percentile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        null_mean = np.nanmean(null, axis=0)
        low, high = percentile(null, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
        band = percentile(np.nanmax(np.abs(null - null_mean), axis=1), 100 * level)
    return pd.DataFrame(
        {
            "lag_days": lags,
            "mean": observed,
            "n_events": n_used,
            "null_mean": null_mean,
            "pointwise_low": low,
            "pointwise_high": high,
            "familywise_low": null_mean - band,
            "familywise_high": null_mean + band,
            "outside_pointwise": (observed < low) | (observed > high),
            "outside_familywise": np.abs(observed - null_mean) > band,
        }
    )


def possibly_consequence(cramp_type: str, lags: np.ndarray) -> np.ndarray:
    """True at lags whose values are measured at or after the cramp.

    Nocturnal cramps: lag 0 and later (the index day is the night's wake-up
    date, so lag 0 holds the cramp night's sleep and that morning's
    measurements). Exercise cramps: lag 1 and later (lag 0 is the cramp's own
    day, whose morning measurements and session came before it).
    """
    first_after = 0 if cramp_type == "nocturnal" else 1
    return np.asarray(lags) >= first_after
