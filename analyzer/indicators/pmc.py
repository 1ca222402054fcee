"""Fitness-fatigue models: Banister impulse-response and the Performance Manager (CTL/ATL/TSB).

References
----------
Calvert TW, Banister EW, Savage MV, Bach T. A systems model of the effects of training on
physical performance. *IEEE Trans Syst Man Cybern* 1976;SMC-6(2):94-102.
Clarke DC, Skiba PF. Rationale and resources for teaching the mathematical modeling of
athletic training and performance. *Adv Physiol Educ* 2013;37(2):134-152.
Coggan A. The science of the Performance Manager (TrainingPeaks); GoldenCheetah
``src/Metrics/PMCData.cpp`` (``α = 1 − e^(−1/τ)``, SB shown the next day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def smoothing_alpha(tau_d: float, convention: str = "exponential") -> float:
    """Daily smoothing factor of an exponentially weighted load.

    Parameters
    ----------
    tau_d : float
        Time constant [d].
    convention : {"exponential", "inverse"}
        ``1 − e^(−1/τ)`` (GoldenCheetah) or ``1/τ`` (TrainingPeaks/WKO form).
    """
    if convention == "exponential":
        return float(1.0 - np.exp(-1.0 / tau_d))
    if convention == "inverse":
        return float(1.0 / tau_d)
    raise ValueError(f"convention must be 'exponential' or 'inverse'; got {convention!r}")


def ewma(load, alpha: float, seed: float | None = 0.0, missing_as_zero: bool = True) -> np.ndarray:
    """Exponentially weighted moving average ``E_t = E_{t−1} + α(L_t − E_{t−1})``.

    Parameters
    ----------
    load : array-like
        Daily load, one value per consecutive day; NaN = no data that day.
    alpha : float
        Smoothing factor in (0, 1].
    seed : float or None
        ``E_{−1}``, the value before the first day. ``None`` seeds with the first
        day's load (``E_0 = L_0``, as the R package ``ACWR`` does).
    missing_as_zero : bool
        NaN days enter as load 0 (True) or leave the average unchanged (False).

    Returns
    -------
    numpy.ndarray
        The average after each day.
    """
    values = np.asarray(load, dtype=float)
    if missing_as_zero:
        values = np.nan_to_num(values, nan=0.0)
    # A plain loop over Python floats: a few hundred ns a day, and it spares the
    # dashboard importing scipy.signal (1.5-3.6 s) for a one-line recurrence.
    out = []
    previous = np.nan if seed is None else float(seed)
    for value in values.tolist():
        if previous != previous:  # NaN: no average yet
            current = value
        elif value != value:  # NaN day: the average stays
            current = previous
        else:
            current = previous + alpha * (value - previous)
        out.append(current)
        previous = current
    return np.array(out, dtype=float)


def performance_manager(
    load,
    ctl_tau_d: float = 42.0,
    atl_tau_d: float = 7.0,
    alpha_convention: str = "exponential",
    tsb_convention: str = "next_day",
    missing_as_zero: bool = True,
) -> pd.DataFrame:
    """Chronic and acute training load and training stress balance.

    ``CTL_t = CTL_{t−1} + α_C(L_t − CTL_{t−1})``, likewise ATL with ``α_A``, both
    starting from 0 the day before the first day.

    Parameters
    ----------
    load : array-like or pandas.Series
        Daily load, one value per consecutive day.
    ctl_tau_d, atl_tau_d : float
        Time constants [d].
    alpha_convention : {"exponential", "inverse"}
        See :func:`smoothing_alpha`.
    tsb_convention : {"next_day", "same_day"}
        ``"next_day"``: ``TSB_t = CTL_{t−1} − ATL_{t−1}`` (GoldenCheetah, WKO; 0 on the
        first day); ``"same_day"``: ``TSB_t = CTL_t − ATL_t``.
    missing_as_zero : bool
        See :func:`ewma`.

    Returns
    -------
    pandas.DataFrame
        Columns ``ctl``, ``atl``, ``tsb`` [load units], index of ``load`` when it is a Series.
    """
    index = load.index if isinstance(load, pd.Series) else None
    ctl = ewma(load, smoothing_alpha(ctl_tau_d, alpha_convention), 0.0, missing_as_zero)
    atl = ewma(load, smoothing_alpha(atl_tau_d, alpha_convention), 0.0, missing_as_zero)
    balance = ctl - atl
    if tsb_convention == "next_day":
        tsb = np.concatenate(([0.0], balance[:-1])) if balance.size else balance
    elif tsb_convention == "same_day":
        tsb = balance
    else:
        raise ValueError(f"tsb_convention must be 'next_day' or 'same_day'; got {tsb_convention!r}")
    return pd.DataFrame({"ctl": ctl, "atl": atl, "tsb": tsb}, index=index)


def banister_performance(
    load,
    p0: float,
    k1: float,
    tau1_d: float,
    k2: float,
    tau2_d: float,
    same_day: bool = True,
) -> np.ndarray:
    """Banister fitness-fatigue model ``p = p0 + k1·g − k2·h`` (Calvert et al. 1976).

    ``g_t = g_{t−1}·e^(−1/τ1) + w_t`` and ``h_t = h_{t−1}·e^(−1/τ2) + w_t``.

    Parameters
    ----------
    load : array-like
        Daily training impulse ``w`` (NaN = 0).
    p0 : float
        Baseline performance.
    k1, tau1_d : float
        Fitness gain and time constant [d].
    k2, tau2_d : float
        Fatigue gain and time constant [d].
    same_day : bool
        True: today's load affects today's performance (dorem package, Clarke & Skiba
        spreadsheet; needed to reproduce their published fit). False: only from the next
        day (the classic sum over ``s < t``).

    Returns
    -------
    numpy.ndarray
        Modelled performance each day.
    """
    w = np.nan_to_num(np.asarray(load, dtype=float), nan=0.0)
    fitness = _impulse_response(w, tau1_d)
    fatigue = _impulse_response(w, tau2_d)
    if not same_day:
        fitness = np.concatenate(([0.0], fitness[:-1] * np.exp(-1.0 / tau1_d)))
        fatigue = np.concatenate(([0.0], fatigue[:-1] * np.exp(-1.0 / tau2_d)))
    return p0 + k1 * fitness - k2 * fatigue


def _impulse_response(w: np.ndarray, tau_d: float) -> np.ndarray:
    decay = np.exp(-1.0 / tau_d)
    out = np.empty(w.size)
    previous = 0.0
    for i, value in enumerate(w):
        previous = previous * decay + value
        out[i] = previous
    return out


def ramp_rate(ctl, window_d: int = 7) -> np.ndarray:
    """CTL change over the last ``window_d`` days, ``CTL_t − CTL_{t−window}`` (NaN before)."""
    values = np.asarray(ctl, dtype=float)
    out = np.full(values.size, np.nan)
    if values.size > window_d:
        out[window_d:] = values[window_d:] - values[:-window_d]
    return out
