"""Heart-rate and perceived-exertion training impulses (TRIMP, sRPE, hrTSS).

References
----------
Banister EW. Modeling elite athletic performance. In: MacDougall, Wenger, Green (eds),
*Physiological Testing of Elite Athletes*. Human Kinetics, 1991.
Morton RH, Fitz-Clarke JR, Banister EW. Modeling human performance in running.
*J Appl Physiol* 1990;69(3):1171-1177 (sex-specific constants).
doi:10.1152/jappl.1990.69.3.1171.
Edwards S. *The Heart Rate Monitor Book*. Fleet Feet Press, 1993.
Lucia A et al. Tour de France versus Vuelta a Espana: which is harder?
*Med Sci Sports Exerc* 2003;35(5):872-878. doi:10.1249/01.MSS.0000064999.82036.B4.
Foster C et al. A new approach to monitoring exercise training.
*J Strength Cond Res* 2001;15(1):109-115. doi:10.1519/00124278-200102000-00019.
"""

from __future__ import annotations

import math

import numpy as np

# Banister weighting a·e^(b·x): (a, b) per sex and variant (Morton et al. 1990; GoldenCheetah
# keeps a = 0.64 for women). Sex not stated: the geometric mean of the men's and women's
# weights, a = sqrt(a_m·a_f), b = (b_m + b_f)/2, which lies between the two curves at every
# intensity, so the error against either is at most half their difference.
_TRIMP_CONSTANTS = {
    ("m", "morton"): (0.64, 1.92),
    ("m", "goldencheetah"): (0.64, 1.92),
    ("f", "morton"): (0.86, 1.67),
    ("f", "goldencheetah"): (0.64, 1.67),
    ("unspecified", "morton"): (math.sqrt(0.64 * 0.86), (1.92 + 1.67) / 2),
    ("unspecified", "goldencheetah"): (0.64, (1.92 + 1.67) / 2),
}

EDWARDS_WEIGHTS = (1.0, 2.0, 3.0, 4.0, 5.0)
LUCIA_WEIGHTS = (1.0, 2.0, 3.0)


def trimp_constants(sex: str | None, variant: str = "morton") -> tuple[float, float]:
    """Return the Banister weighting constants ``(a, b)``.

    Parameters
    ----------
    sex : {"m", "f", "unspecified"} or None
        Men ``0.64·e^(1.92x)``, women ``0.86·e^(1.67x)`` (Morton et al. 1990). Not stated
        (``"unspecified"``, None or anything else): the neutral ``0.742·e^(1.795x)``, the
        geometric mean of the two weights, between them at every intensity.
    variant : {"morton", "goldencheetah"}
        Women: Morton et al. (1990) ``a = 0.86``; GoldenCheetah keeps ``a = 0.64`` (the
        neutral constants then keep ``a = 0.64`` too).

    References
    ----------
    Morton RH, Fitz-Clarke JR, Banister EW. Modeling human performance in running.
    *J Appl Physiol* 1990;69(3):1171-1177. doi:10.1152/jappl.1990.69.3.1171.
    """
    text = str(sex).strip().lower()
    key_sex = (
        "f" if text in ("f", "female", "w") else "m" if text in ("m", "male") else "unspecified"
    )
    try:
        return _TRIMP_CONSTANTS[(key_sex, variant)]
    except KeyError:
        raise ValueError(f"unknown TRIMP constant variant {variant!r}") from None


def hr_reserve_fraction(heart_rate_bpm, hr_rest_bpm: float, hr_max_bpm: float):
    """Fractional heart-rate reserve ``x = (HR − HR_rest)/(HR_max − HR_rest)``, clamped to [0, 1].

    Parameters
    ----------
    heart_rate_bpm : numeric
        Heart rate [bpm].
    hr_rest_bpm, hr_max_bpm : float
        Resting and maximum heart rate [bpm].

    Returns
    -------
    numeric
        Fraction of heart-rate reserve [-]; NaN where HR is NaN or the reserve is not positive.
    """
    reserve = hr_max_bpm - hr_rest_bpm
    hr = np.asarray(heart_rate_bpm, dtype=float)
    if not np.isfinite(reserve) or reserve <= 0:
        return np.full_like(hr, np.nan) if hr.ndim else np.nan
    x = np.clip((hr - hr_rest_bpm) / reserve, 0.0, 1.0)
    return x if x.ndim else float(x)


def banister_weight(x, a: float, b: float):
    """Banister intensity weight per minute, ``x·a·e^(b·x)`` [TRIMP/min]."""
    x = np.asarray(x, dtype=float)
    weight = x * a * np.exp(b * x)
    return weight if weight.ndim else float(weight)


def banister_trimp(
    duration_min: float,
    heart_rate_bpm: float,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: str | None = "m",
    variant: str = "morton",
) -> float:
    """Average-HR Banister TRIMP, ``t·x·a·e^(b·x)`` (Banister 1991; Morton et al. 1990).

    This is GoldenCheetah's ``trimp_points`` when ``duration_min`` is the moving time
    and ``heart_rate_bpm`` the session's mean HR. HR below rest gives 0.

    Parameters
    ----------
    duration_min : float
        Session duration [min].
    heart_rate_bpm : float
        Mean heart rate [bpm].
    hr_rest_bpm, hr_max_bpm : float
        Resting and maximum heart rate [bpm].
    sex : {"m", "f", "unspecified"}
    variant : {"morton", "goldencheetah"}

    Returns
    -------
    float
        Training impulse [AU]; NaN when an input is missing.
    """
    a, b = trimp_constants(sex, variant)
    x = hr_reserve_fraction(heart_rate_bpm, hr_rest_bpm, hr_max_bpm)
    return float(duration_min) * banister_weight(x, a, b)


def banister_trimp_samples(
    dt_s,
    heart_rate_bpm,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: str | None = "m",
    variant: str = "morton",
) -> float:
    """Per-sample (integrated) Banister TRIMP, ``Σ Δt_i·x_i·a·e^(b·x_i)``.

    Larger than the average-HR form for interval sessions because the weight is
    convex: 30 min at 130 + 30 min at 175 bpm (rest 60, max 190, men) gives 121.9003
    per minute against 107.1131 from the mean heart rate (worked by hand from the formula).

    Parameters
    ----------
    dt_s : array-like
        Time credited to each sample [s].
    heart_rate_bpm : array-like
        Heart rate of each sample [bpm]; NaN samples contribute nothing.
    hr_rest_bpm, hr_max_bpm : float
    sex, variant : str
        See :func:`banister_trimp`.

    Returns
    -------
    float
        Training impulse [AU]; NaN when no sample has a heart rate.
    """
    a, b = trimp_constants(sex, variant)
    hr = np.asarray(heart_rate_bpm, dtype=float)
    dt = np.asarray(dt_s, dtype=float)
    valid = np.isfinite(hr) & np.isfinite(dt)
    if not valid.any():
        return float("nan")
    x = hr_reserve_fraction(hr[valid], hr_rest_bpm, hr_max_bpm)
    return float(np.sum(dt[valid] / 60.0 * banister_weight(x, a, b)))


def hr_zone_seconds(dt_s, heart_rate_bpm, hr_max_bpm: float, bounds_pct_max=(50, 60, 70, 80, 90)):
    """Seconds spent in each heart-rate zone defined in % of HR max.

    Parameters
    ----------
    dt_s, heart_rate_bpm : array-like
        Time credited to each sample [s] and its heart rate [bpm].
    hr_max_bpm : float
        Maximum heart rate [bpm].
    bounds_pct_max : sequence of float
        Lower bound of each zone [% HR max]; the last zone is open-ended. Time below
        the first bound is in no zone.

    Returns
    -------
    numpy.ndarray
        Seconds in each zone [s].
    """
    hr = np.asarray(heart_rate_bpm, dtype=float)
    dt = np.asarray(dt_s, dtype=float)
    bounds = np.asarray(bounds_pct_max, dtype=float)
    valid = np.isfinite(hr) & np.isfinite(dt)
    pct = 100.0 * hr[valid] / hr_max_bpm
    zone = np.searchsorted(bounds, pct, side="right") - 1  # -1 = below first zone
    in_zone = zone >= 0
    return np.bincount(zone[in_zone], weights=dt[valid][in_zone], minlength=len(bounds))


def edwards_trimp(minutes_in_zones, weights=EDWARDS_WEIGHTS) -> float:
    """Edwards zone TRIMP, ``Σ_z minutes_z·w_z`` with weights 1..5 (Edwards 1993).

    Parameters
    ----------
    minutes_in_zones : sequence of float
        Minutes in the zones 50-60, 60-70, 70-80, 80-90 and 90-100 % HR max [min].
    """
    return float(
        np.dot(np.asarray(minutes_in_zones, dtype=float), np.asarray(weights, dtype=float))
    )


def lucia_trimp(minutes_in_phases) -> float:
    """Lucia TRIMP, ``1·t(<VT1) + 2·t(VT1–VT2) + 3·t(>VT2)`` (Lucia et al. 2003).

    Parameters
    ----------
    minutes_in_phases : sequence of three floats
        Minutes below VT1, between VT1 and VT2 (RCP), and above VT2 [min].
    """
    return edwards_trimp(minutes_in_phases, LUCIA_WEIGHTS)


def lucia_phase_minutes(dt_s, heart_rate_bpm, vt1_bpm: float, vt2_bpm: float) -> np.ndarray:
    """Minutes below VT1, between VT1 and VT2, and above VT2 from an HR stream [min]."""
    seconds = hr_zone_seconds(dt_s, heart_rate_bpm, 100.0, (0.0, vt1_bpm, vt2_bpm))
    return seconds / 60.0


def session_rpe_load(rpe_0_10: float, duration_min: float) -> float:
    """Session-RPE load, CR-10 RPE × session duration (Foster et al. 2001) [AU]."""
    return float(rpe_0_10) * float(duration_min)


def hr_tss(
    trimp,
    lthr_bpm: float,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: str | None = "m",
    variant: str = "morton",
) -> float:
    """HR-based TSS: ``100·TRIMP / TRIMP(60 min at LTHR)`` (NaN without a usable LTHR).

    The open equivalent of TrainingPeaks' proprietary hrTSS (GoldenCheetah
    ``trimp_100_points``, Elevate/Strava "HRSS"): the session's Banister TRIMP as a
    percentage of an hour at the lactate-threshold heart rate.

    Parameters
    ----------
    trimp : numeric
        The session's Banister TRIMP [AU], computed with the same constants.
    lthr_bpm : float
        Lactate-threshold heart rate [bpm].

    References
    ----------
    GoldenCheetah, ``src/Metrics/TRIMPPoints.cpp`` (metric ``trimp_100_points``),
    https://github.com/GoldenCheetah/GoldenCheetah. On the GoldenCheetah OpenData example
    athlete (ride of 2005-06-25, LTHR 160 bpm) it gives 95.68633, which this function reproduces.
    """
    hour_at_threshold = banister_trimp(60.0, lthr_bpm, hr_rest_bpm, hr_max_bpm, sex, variant)
    impulse = np.asarray(trimp, dtype=float)
    if not np.isfinite(hour_at_threshold) or hour_at_threshold <= 0:
        out = np.full_like(impulse, np.nan)
    else:
        out = 100.0 * impulse / hour_at_threshold
    return out if out.ndim else float(out)
