"""Every disputed convention of the indicators, as one frozen parameter set.

The literature disagrees on many small choices (TRIMP constants for women,
CTL smoothing factor, TSB shown the same day or the next, EWMA seeding, SD
convention of monotony, ...). Each one is a named field below with a
documented default, and :func:`IndicatorParams.as_dict` is stored with every
result so that a number can always be traced back to the convention that
produced it. Each field also carries its label, help, unit and allowed values for people
(:func:`analyzer.parameters.describe`); the sources are cited in the modules that use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from analyzer.parameters import check_choices, parameter

LOAD_SOURCES = ("tss", "hrtss", "trimp", "srpe")
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

    trimp_constants: str = parameter(
        "morton",
        "TRIMP weighting for women",
        "Banister TRIMP weights each minute by how hard it was; for women, Morton et al. "
        "(1990) use 0.86·e^(1.67x), GoldenCheetah 0.64·e^(1.67x).",
        choices={
            "morton": "Morton et al. 1990 (0.86·e^1.67x)",
            "goldencheetah": "GoldenCheetah (0.64·e^1.67x)",
        },
        basic=True,
    )
    trimp_form: str = parameter(
        "samples",
        "TRIMP from",
        "From every heart-rate sample (more for interval sessions), or from the session's "
        "average heart rate on moving time (GoldenCheetah's trimp_points).",
        choices={"samples": "every heart-rate sample", "average": "the session's average"},
        basic=True,
    )
    sample_max_gap_s: float = parameter(
        10.0,
        "Longest gap between samples",
        "A longer gap in a recording is a pause: the sample before it counts this long at most.",
        unit="s",
    )
    hr_zone_bounds_pct_max: tuple[float, ...] = parameter(
        (50.0, 60.0, 70.0, 80.0, 90.0),
        "Heart-rate zone lower bounds",
        "Lower bounds of the five zones of the Edwards TRIMP (Edwards 1993).",
        unit="% of HR max",
    )
    lucia_vt1_bpm: float | None = parameter(
        None,
        "First ventilatory threshold heart rate",
        "With the second one, enables the Lucia TRIMP (Lucia et al. 2003); from a lab test.",
        unit="bpm",
    )
    lucia_vt2_bpm: float | None = parameter(
        None,
        "Second ventilatory threshold heart rate",
        "With the first one, enables the Lucia TRIMP (Lucia et al. 2003); from a lab test.",
        unit="bpm",
    )
    np_window_s: float = parameter(
        30.0, "Normalized Power window", "Rolling window of Normalized Power (Allen & Coggan).", "s"
    )
    np_warmup: str = parameter(
        "full_window",
        "Normalized Power start",
        "Average only complete 30-s windows (a steady 200 W gives 200 W), or start from a "
        "zero-filled window as GoldenCheetah does (199.67 W).",
        choices={
            "full_window": "complete windows only",
            "zero_padded": "zero-padded (GoldenCheetah)",
        },
        basic=True,
    )
    ctl_tau_d: float = parameter(
        42.0,
        "Fitness (CTL) time constant",
        "How slowly chronic training load follows the daily load.",
        "days",
        basic=True,
    )
    atl_tau_d: float = parameter(
        7.0,
        "Fatigue (ATL) time constant",
        "How slowly acute training load follows the daily load.",
        "days",
        basic=True,
    )
    pmc_alpha: str = parameter(
        "exponential",
        "Fitness and fatigue smoothing",
        "Daily smoothing factor of CTL and ATL: 1 − e^(−1/τ) (GoldenCheetah) or 1/τ "
        "(TrainingPeaks/WKO form).",
        choices={"exponential": "1 − e^(−1/τ) (GoldenCheetah)", "inverse": "1/τ (TrainingPeaks)"},
        basic=True,
    )
    tsb_convention: str = parameter(
        "next_day",
        "Form (TSB) from",
        "Yesterday's fitness minus fatigue (GoldenCheetah, WKO), or today's.",
        choices={"next_day": "yesterday's CTL − ATL", "same_day": "today's CTL − ATL"},
        basic=True,
    )
    acwr_acute_d: int = parameter(
        7, "Acute window of the workload ratio", "Acute window of ACWR.", "days", basic=True
    )
    acwr_chronic_d: int = parameter(
        28,
        "Chronic window of the workload ratio",
        "Chronic window of ACWR; its EWMA uses λ = 2/(N + 1) (Williams et al. 2017).",
        "days",
        basic=True,
    )
    ewma_seed: str = parameter(
        "first_load",
        "Workload-ratio EWMA start",
        "Start the exponentially weighted averages from the first day's load (R package ACWR) "
        "or from zero.",
        choices={"first_load": "the first day's load", "zero": "zero"},
        basic=True,
    )
    acwr_warmup_d: int = parameter(
        28, "Workload-ratio warm-up", "No ratio before this much history.", "days"
    )
    rolling_min_valid_fraction: float = parameter(
        0.7,
        "Known days a window needs",
        "Fraction of a rolling window's days (workload ratio, monotony, hard days) that must "
        "have a known load; missing days are skipped, never read as zero.",
    )
    monotony_window_d: int = parameter(
        7, "Monotony window", "Window of monotony and strain (Foster 1998).", "days"
    )
    monotony_ddof: int = parameter(
        1,
        "Monotony standard deviation",
        "Sample SD (Excel STDEV, most sport-science sheets) or population SD; Foster (1998) "
        "does not say.",
        choices={1: "sample SD", 0: "population SD"},
        basic=True,
    )
    ramp_rate_window_d: int = parameter(
        7, "Ramp rate window", "Ramp rate is the change of fitness (CTL) over this window.", "days"
    )
    hard_day_factor: float = parameter(
        1.5,
        "Hard day: load at least",
        "A day is hard when its load is at least this many times the mean daily load of the "
        "baseline window before it.",
        "× baseline",
    )
    hard_day_baseline_d: int = parameter(
        28, "Hard day baseline", "Baseline window of hard days; no flag before it fills.", "days"
    )
    rest_day_max_load: float = parameter(
        0.0, "Rest day: load at most", "A known day with at most this load is a rest day.", "load"
    )
    rest_day_rule: str = parameter(
        "device_data",
        "Day without sessions",
        "A day without sessions is a rest day (load 0) only when the devices recorded "
        "something else that day (sleep, wellness), or on every day between the first and last "
        "session (for athletes who record sessions only); otherwise it is missing.",
        choices={
            "device_data": "rest when the devices recorded something else",
            "activity_span": "rest on every day between sessions",
        },
        basic=True,
    )
    model_missing_load_as_zero: bool = parameter(
        True,
        "Days without any data in fitness and fatigue",
        "CTL, ATL and the EWMA need a value every day: a day without any data enters as load "
        "0 (GoldenCheetah), or they hold their value. Before the first known load and on "
        "training days of unknown load they show no value either way.",
        basic=True,
    )
    load_priority: tuple[str, ...] = parameter(
        LOAD_SOURCES,
        "Load measure, first available",
        "Which measure becomes a session's load: TSS (power and FTP), hrTSS (heart rate and "
        "threshold heart rate), Banister TRIMP (heart rate, rest and max), session-RPE load.",
        choices={"tss": "TSS", "hrtss": "hrTSS", "trimp": "TRIMP", "srpe": "session RPE"},
    )
    habit_window_d: int = parameter(
        90,
        "Habit window",
        "A session is compared with the same sport's sessions in this many days before it.",
        "days",
    )
    habit_min_sessions: int = parameter(
        3, "Habit needs", "Earlier sessions a habit needs.", "sessions"
    )
    habit_intensity_priority: tuple[str, ...] = parameter(
        HABIT_METRICS,
        "Intensity compared with habit, first available",
        "Power (NP, else mean power), heart rate as a fraction of reserve, or moving speed.",
        choices={"power": "power", "hr_reserve": "heart-rate reserve", "speed": "speed"},
    )
    decoupling_warmup_s: float = parameter(
        600.0,
        "Decoupling warm-up",
        "Start of a session left out of aerobic decoupling and cardiac drift.",
        "s",
    )
    decoupling_min_s: float = parameter(
        1200.0,
        "Decoupling needs",
        "Recording after the warm-up that decoupling and drift need.",
        "s",
    )
    hrr_delay_s: float = parameter(
        60.0,
        "Heart-rate recovery delay",
        "Heart-rate recovery is the drop this long after the session's peak (Cole et al. 1999).",
        "s",
    )
    sleep_need_h: float = parameter(
        8.0,
        "Sleep need when not set",
        "Sleep need of an athlete who has not set theirs; sleep debt counts against it.",
        "h/night",
    )
    sleep_min_valid_fraction: float = parameter(
        0.7,
        "Recorded nights sleep debt needs",
        "Fraction of the nights that sleep debt needs recorded; the debt of the recorded "
        "nights is scaled to the whole window.",
    )
    baseline_window_d: int = parameter(
        28,
        "Resting HR and HRV baseline window",
        "Personal baseline of resting heart rate and HRV, the current day left out.",
        "days",
        basic=True,
    )
    baseline_min_valid_d: int = parameter(
        14, "Baseline needs", "Valid days a baseline needs inside its window.", "days"
    )
    hrv_rolling_d: int = parameter(
        7, "HRV rolling window", "Rolling mean of ln RMSSD (Plews et al. 2014).", "days"
    )
    hrv_rolling_min_valid_d: int = parameter(
        3,
        "HRV rolling mean needs",
        "Valid days the rolling HRV needs (Plews et al. 2014: 3).",
        "days",
    )

    #: Values recorded beside the parameters in a daily table's ``attrs["indicator_params"]``
    #: (not parameters): name -> (label, unit).
    recorded: ClassVar[Mapping[str, tuple[str, str]]] = MappingProxyType(
        {"sleep_need_h_used": ("Sleep need used (yours when set, else the default)", "h/night")}
    )

    def __post_init__(self) -> None:
        check_choices(self)
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

    def as_dict(self) -> dict[str, Any]:
        """Return the parameters as plain JSON-friendly values (tuples become lists)."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
        }


DEFAULT_PARAMS = IndicatorParams()
