"""Every disputed convention of the indicators, as one frozen parameter set.

The literature disagrees on many small choices (TRIMP constants for women,
CTL smoothing factor, TSB shown the same day or the next, EWMA seeding, SD
convention of monotony, ...). Each one is a named field below with a
documented default, and :func:`IndicatorParams.as_dict` is stored with every
result so that a number can always be traced back to the convention that
produced it. See ``../shared/guide/SCIENCE.md`` section 1 for the sources.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

TRIMP_CONSTANT_VARIANTS = ("morton", "goldencheetah")
TRIMP_FORMS = ("samples", "average")
NP_WARMUPS = ("full_window", "zero_padded")
PMC_ALPHAS = ("exponential", "inverse")
TSB_CONVENTIONS = ("next_day", "same_day")
EWMA_SEEDS = ("first_load", "zero")
LOAD_SOURCES = ("tss", "hrtss", "trimp", "srpe")
REST_DAY_RULES = ("device_data", "activity_span")
HABIT_METRICS = ("power", "hr_reserve", "speed")


@dataclass(frozen=True)
class IndicatorParams:
    """Conventions used by the session and daily indicators.

    Attributes
    ----------
    trimp_constants : {"morton", "goldencheetah"}
        Banister TRIMP weighting for women: Morton et al. (1990) ``0.86·e^(1.67x)``
        or GoldenCheetah's ``0.64·e^(1.67x)``. Men are ``0.64·e^(1.92x)`` in both;
        ``sex="unspecified"`` uses neutral constants between the two (``trimp_constants``).
    trimp_form : {"samples", "average"}
        Per-sample (integrated) TRIMP when the session has an HR stream, or the
        average-HR form on moving time (GoldenCheetah ``trimp_points``).
    sample_max_gap_s : float
        A gap between two samples longer than this is a pause: the earlier
        sample is credited with this many seconds at most [s].
    hr_zone_bounds_pct_max : tuple of float
        Lower bounds of the five HR zones in % of HR max (Edwards 1993).
    lucia_vt1_bpm, lucia_vt2_bpm : float or None
        Ventilatory-threshold heart rates for the Lucia TRIMP (Lucia et al. 2003);
        the Lucia TRIMP is only computed when both are set [bpm].
    np_window_s : float
        Rolling window of Normalized Power [s] (Allen & Coggan).
    np_warmup : {"full_window", "zero_padded"}
        NP over full 30-s windows only, or GoldenCheetah's zero-initialised
        buffer that averages every sample (constant 200 W gives 199.67 W).
    ctl_tau_d, atl_tau_d : float
        Time constants of chronic and acute training load [d].
    pmc_alpha : {"exponential", "inverse"}
        Smoothing factor ``1 − e^(−1/τ)`` (GoldenCheetah) or ``1/τ``
        (TrainingPeaks/WKO form).
    tsb_convention : {"next_day", "same_day"}
        ``"next_day"``: TSB_t = CTL_{t−1} − ATL_{t−1} (GoldenCheetah default, WKO
        ``shift(CTL − ATL, 1)``); ``"same_day"``: TSB_t = CTL_t − ATL_t.
    acwr_acute_d, acwr_chronic_d : int
        Acute and chronic windows of the acute:chronic workload ratio [d];
        the EWMA uses ``λ = 2/(N + 1)`` with the same N (Williams et al. 2017).
    ewma_seed : {"first_load", "zero"}
        EWMA start value: the first day's load (R package ``ACWR``) or zero.
    acwr_warmup_d : int
        No ACWR before this many days of history (the chronic window) [d].
    rolling_min_valid_fraction : float
        A rolling window (ACWR, monotony, baselines of hard days) needs at least
        this fraction of its days with known load; missing days are skipped,
        never read as zero.
    monotony_window_d : int
        Window of monotony and strain (Foster 1998) [d].
    monotony_ddof : int
        SD convention of monotony: 1 = sample SD (Excel ``STDEV``, most sport-science
        sheets), 0 = population SD. Foster (1998) does not say.
    ramp_rate_window_d : int
        Ramp rate is the CTL change over this many days [CTL points per window].
    hard_day_factor : float
        A day is hard when its load is at least this multiple of the mean daily
        load of the preceding ``hard_day_baseline_d`` days.
    hard_day_baseline_d : int
        Baseline window for hard days; no hard-day flag before it is warmed up [d].
    rest_day_max_load : float
        A known day whose load is at most this is a rest day [load units].
    rest_day_rule : {"device_data", "activity_span"}
        When a day without sessions counts as a rest day (load 0): only when the
        athlete has other device data that day (sleep or wellness), or on every day
        between the first and the last session (for athletes who record sessions only).
    model_missing_load_as_zero : bool
        The recursive models (CTL, ATL, EWMA-ACWR) need a value every day; when True a
        day without any data enters them as load 0 (GoldenCheetah's behaviour).
        When False the models hold their previous value over missing days. Either way
        they start on the first day with a known load (missing before it), and a day with
        sessions of unknown load is never 0: the models carry over it and show no value.
    load_priority : tuple of str
        Which load measure becomes a session's ``load``: the first available of
        TSS (power + FTP), hrTSS (HR + LTHR), Banister TRIMP (HR), session-RPE load.
        The chosen one is recorded per session in ``load_source``.
    habit_window_d : int
        Habit = the athlete's sessions of the same sport in this many preceding days [d].
    habit_min_sessions : int
        A habit needs at least this many earlier sessions.
    habit_intensity_priority : tuple of str
        Intensity measure compared with the habit, first available: ``"power"``
        (NP, else mean power), ``"hr_reserve"`` (mean HR as fraction of reserve),
        ``"speed"`` (mean moving speed).
    decoupling_warmup_s : float
        Start of the session excluded from decoupling and drift [s].
    decoupling_min_s : float
        Decoupling and drift need at least this much recording after warm-up [s].
    hrr_delay_s : float
        Heart-rate recovery delay after the session's HR peak [s] (Cole et al. 1999).
    sleep_need_h : float
        Sleep need used when the athlete has none recorded [h/night].
    sleep_min_valid_fraction : float
        Sleep debt over N nights needs at least this fraction of nights recorded;
        the debt of the recorded nights is scaled to N nights.
    baseline_window_d : int
        Rolling personal baseline of resting HR and lnRMSSD, excluding the current day [d].
    baseline_min_valid_d : int
        Warm-up: a baseline needs this many valid days inside its window [d].
    hrv_rolling_d, hrv_rolling_min_valid_d : int
        7-day rolling lnRMSSD and the valid days it needs (Plews et al. 2014: ≥ 3).
    """

    trimp_constants: str = "morton"
    trimp_form: str = "samples"
    sample_max_gap_s: float = 10.0
    hr_zone_bounds_pct_max: tuple[float, ...] = (50.0, 60.0, 70.0, 80.0, 90.0)
    lucia_vt1_bpm: float | None = None
    lucia_vt2_bpm: float | None = None
    np_window_s: float = 30.0
    np_warmup: str = "full_window"
    ctl_tau_d: float = 42.0
    atl_tau_d: float = 7.0
    pmc_alpha: str = "exponential"
    tsb_convention: str = "next_day"
    acwr_acute_d: int = 7
    acwr_chronic_d: int = 28
    ewma_seed: str = "first_load"
    acwr_warmup_d: int = 28
    rolling_min_valid_fraction: float = 0.7
    monotony_window_d: int = 7
    monotony_ddof: int = 1
    ramp_rate_window_d: int = 7
    hard_day_factor: float = 1.5
    hard_day_baseline_d: int = 28
    rest_day_max_load: float = 0.0
    rest_day_rule: str = "device_data"
    model_missing_load_as_zero: bool = True
    load_priority: tuple[str, ...] = LOAD_SOURCES
    habit_window_d: int = 90
    habit_min_sessions: int = 3
    habit_intensity_priority: tuple[str, ...] = HABIT_METRICS
    decoupling_warmup_s: float = 600.0
    decoupling_min_s: float = 1200.0
    hrr_delay_s: float = 60.0
    sleep_need_h: float = 8.0
    sleep_min_valid_fraction: float = 0.7
    baseline_window_d: int = 28
    baseline_min_valid_d: int = 14
    hrv_rolling_d: int = 7
    hrv_rolling_min_valid_d: int = 3

    def __post_init__(self) -> None:
        _check_choice("trimp_constants", self.trimp_constants, TRIMP_CONSTANT_VARIANTS)
        _check_choice("trimp_form", self.trimp_form, TRIMP_FORMS)
        _check_choice("np_warmup", self.np_warmup, NP_WARMUPS)
        _check_choice("pmc_alpha", self.pmc_alpha, PMC_ALPHAS)
        _check_choice("tsb_convention", self.tsb_convention, TSB_CONVENTIONS)
        _check_choice("ewma_seed", self.ewma_seed, EWMA_SEEDS)
        _check_choice("rest_day_rule", self.rest_day_rule, REST_DAY_RULES)
        for source in self.load_priority:
            _check_choice("load_priority", source, LOAD_SOURCES)
        for metric in self.habit_intensity_priority:
            _check_choice("habit_intensity_priority", metric, HABIT_METRICS)
        if not 0.0 < self.rolling_min_valid_fraction <= 1.0:
            raise ValueError("rolling_min_valid_fraction must be in (0, 1]")
        if not 0.0 < self.sleep_min_valid_fraction <= 1.0:
            raise ValueError("sleep_min_valid_fraction must be in (0, 1]")
        bounds = self.hr_zone_bounds_pct_max
        increasing = all(low < high for low, high in zip(bounds, bounds[1:]))
        if len(bounds) != 5 or not increasing:
            raise ValueError("hr_zone_bounds_pct_max must be five increasing % of HR max")
        if not (self.ctl_tau_d > 0 and self.atl_tau_d > 0):
            raise ValueError("ctl_tau_d and atl_tau_d must be positive")
        if not 1 <= self.acwr_acute_d < self.acwr_chronic_d:
            raise ValueError("acwr_acute_d must be at least 1 and shorter than acwr_chronic_d")
        if self.monotony_ddof not in (0, 1):
            raise ValueError("monotony_ddof must be 0 or 1")

    def as_dict(self) -> dict[str, Any]:
        """Return the parameters as plain JSON-friendly values (tuples become lists)."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
        }


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


DEFAULT_PARAMS = IndicatorParams()
