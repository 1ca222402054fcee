"""The pre-specified parameters of the cramp findings, with documented defaults.

Every threshold, window and convention the findings use lives here, so that a
result can always say exactly how it was computed (``FindingsParams.as_dict``
is stored with every result). Changing a value after looking at the results
turns a pre-specified analysis into a fishing trip: the report prints them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class FindingsParams:
    """Parameters of the case-crossover analysis, epochs and rate ratios.

    Attributes
    ----------
    stratum_scheme : {"block", "month"}
        Time strata for referent selection. ``"block"``: fixed 28-day blocks
        counted from Monday 1970-01-05 (the practical choice for a personal
        diary, SCIENCE.md section 3.1); ``"month"``: calendar months
        (Janes, Sheppard & Lumley 2005).
    stratum_days : int
        Length of a ``"block"`` stratum [days].
    same_weekday : bool
        Referents must also fall on the event's weekday.
    washout_days : int
        Referent days within this many days of another cramp of the same type
        are skipped, besides that cramp's own day (the hazard windows of other
        events) [days]. 0 skips only the other cramps' days.
    night_cutoff_hour : int
        A nocturnal cramp before this local hour belongs to the night ending
        that morning; at or after it, to the night ending the next morning [h].
    descriptive_below_events : int
        Rows with fewer events are labelled ``descriptive_only``.
    binary_test : {"exact", "auto"}
        ``"exact"``: every binary exposure gets the exact conditional test and
        exact limits (default: in the simulation study the likelihood-ratio
        test was anti-conservative in the far tail for rare exposures, which
        inflates the chance of a false finding after Benjamini-Hochberg);
        ``"auto"``: likelihood-ratio test and Wald limits from
        ``exact_below_events`` events on.
    exact_below_events : int
        With ``binary_test="auto"``, binary exposures with fewer events use the
        exact conditional test and exact confidence limits.
    confidence_level : float
        Level of every confidence interval.
    primary_share : float
        Share of the Benjamini-Hochberg family's weight given to the
        pre-specified primary hypotheses (``analyzer.findings.exposures.
        PRIMARY_HYPOTHESES``); the exploratory tests share the rest. Weighted
        BH (Genovese, Roeder & Wasserman 2006) with weights fixed in advance
        keeps the chance of any false finding under no effect at most 5 %,
        and spends most of it where the literature points (SCIENCE.md 3.6:
        "pre-register a small set of hypotheses"). The conventional 4:1 split
        of primary and secondary error budgets; ``None``: every test weighs
        the same (plain BH).
    hard_day_load_ratio_min : float
        A hard day: the day's load at least this many times the mean load of
        the 28 days before it.
    intensity_rel_habit_min, duration_rel_habit_min : float
        A session counts as unusually intense / long above these ratios to the
        athlete's 90-day habit.
    acwr_min : float
        Load spike: EWMA acute:chronic workload ratio above this (Gabbett 2016's
        "danger zone" number, used descriptively, not as a validated risk zone).
    tsb_max : float
        Very negative form: training stress balance below this.
    monotony_min : float
        High monotony (Foster 1998): above this.
    strain_quantile, heat_quantile : float
        High strain / heat: above this quantile of the athlete's own days.
    consecutive_hard_days_min : int
        At least this many hard days in a row.
    short_sleep_floor_h, sleep_need_margin_h : float
        Short sleep: asleep less than ``max(floor, need - margin)`` hours
        (``floor`` alone when the athlete's sleep need is unknown).
    sleep_debt_7n_min_h : float
        High sleep debt: more than this over 7 nights [h].
    resting_hr_z_min, hrv_z_max : float
        Raised resting HR / lowered lnRMSSD against the personal baseline [z].
    medication_window_days : int
        A medication counts as "recently started" for this many days from its
        start date [days].
    rate_window_days : int
        Rate ratios compare this many days before and after a medication start
        or stop [days].
    epoch_lag_min_days, epoch_lag_max_days : int
        Event-triggered averages run over these lags around the cramps [days].
    n_permutations : int
        Circular shifts for the epoch null bands.
    seed : int
        Seed of every random draw (results are reproducible).
    """

    stratum_scheme: str = "block"
    stratum_days: int = 28
    same_weekday: bool = False
    washout_days: int = 0
    night_cutoff_hour: int = 12
    descriptive_below_events: int = 10
    binary_test: str = "exact"
    exact_below_events: int = 10
    confidence_level: float = 0.95
    primary_share: float | None = 0.8
    hard_day_load_ratio_min: float = 1.5
    intensity_rel_habit_min: float = 1.15
    duration_rel_habit_min: float = 1.5
    acwr_min: float = 1.5
    tsb_max: float = -30.0
    monotony_min: float = 2.0
    strain_quantile: float = 0.9
    heat_quantile: float = 0.9
    consecutive_hard_days_min: int = 3
    short_sleep_floor_h: float = 6.0
    sleep_need_margin_h: float = 1.0
    sleep_debt_7n_min_h: float = 7.0
    resting_hr_z_min: float = 1.0
    hrv_z_max: float = -1.0
    medication_window_days: int = 14
    rate_window_days: int = 90
    epoch_lag_min_days: int = -14
    epoch_lag_max_days: int = 2
    n_permutations: int = 1000
    seed: int = 20261124

    def __post_init__(self) -> None:
        if self.stratum_scheme not in ("block", "month"):
            raise ValueError(
                f"stratum_scheme must be 'block' or 'month', not {self.stratum_scheme!r}"
            )
        if self.binary_test not in ("exact", "auto"):
            raise ValueError(f"binary_test must be 'exact' or 'auto', not {self.binary_test!r}")
        if self.stratum_days < 2:
            raise ValueError("stratum_days must be at least 2")
        if self.primary_share is not None and not 0 < self.primary_share < 1:
            raise ValueError("primary_share must lie strictly between 0 and 1 (or be None)")
        if not 0.5 < self.confidence_level < 1:
            raise ValueError("confidence_level must lie between 0.5 and 1")
        if self.epoch_lag_min_days > self.epoch_lag_max_days:
            raise ValueError("epoch_lag_min_days must not exceed epoch_lag_max_days")

    def as_dict(self) -> dict:
        """Return the parameters as a plain dict (stored with every result)."""
        return asdict(self)
