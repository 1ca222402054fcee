"""The pre-specified parameters of the cramp findings, with documented defaults.

Every threshold, window and convention the findings use lives here, so that a
result can always say exactly how it was computed (``FindingsParams.as_dict``
is stored with every result). Changing a value after looking at the results
turns a pre-specified analysis into a fishing trip: the report prints them all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from analyzer.parameters import check_choices, parameter


@dataclass(frozen=True)
class FindingsParams:
    """Parameters of the case-crossover analysis, epochs and rate ratios.

    Attributes
    ----------
    stratum_scheme : {"block", "month"}
        Time strata for referent selection. ``"block"``: fixed 28-day blocks
        counted from Monday 1970-01-05 (every stratum equally long, so a
        personal diary's cramps all get a full set of referents); ``"month"``:
        calendar months (Janes, Sheppard & Lumley 2005).
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
        and spends most of it where the literature points, on a small set of
        hypotheses fixed before any data are seen. The conventional 4:1 split
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
    tag_min_answers : int
        An athlete's own yes/no item of the daily log is compared only when
        each answer (yes and no) was given on at least this many days; fewer
        and an estimate would rest on a handful of days [days].
    epoch_lag_min_days, epoch_lag_max_days : int
        Event-triggered averages run over these lags around the cramps [days].
    n_permutations : int
        Draws of pseudo-cramps (each cramp on one of its own control days) for
        the epoch null bands.
    seed : int
        Seed of every random draw (results are reproducible).
    """

    stratum_scheme: str = parameter(
        "block",
        "Control days come from",
        "Each cramp is compared with ordinary days of the same period: fixed 28-day blocks, "
        "or calendar months (Janes, Sheppard & Lumley 2005).",
        choices={"block": "fixed blocks of days", "month": "calendar months"},
    )
    stratum_days: int = parameter(28, "Block length", "Length of a block of control days.", "days")
    same_weekday: bool = parameter(
        False, "Same weekday only", "Control days must fall on the cramp's weekday."
    )
    washout_days: int = parameter(
        0,
        "Days kept clear of other cramps",
        "Control days this close to another cramp of the same type are skipped, besides that "
        "cramp's own day.",
        "days",
    )
    night_cutoff_hour: int = parameter(
        12,
        "Night cramps before this hour",
        "A night cramp before this local hour belongs to the night ending that morning; later, "
        "to the night ending the next morning.",
        "h",
    )
    descriptive_below_events: int = parameter(
        10,
        "Descriptive only below",
        "Comparisons with fewer cramps are labelled descriptive only.",
        "cramps",
    )
    binary_test: str = parameter(
        "exact",
        "Test for yes/no exposures",
        "The exact conditional test and exact limits for every yes/no exposure, or the "
        "likelihood-ratio test and Wald limits from enough cramps on.",
        choices={"exact": "always exact", "auto": "exact for few cramps only"},
    )
    exact_below_events: int = parameter(
        10,
        "Exact test below",
        "With 'exact for few cramps only', yes/no exposures with fewer cramps use the exact test.",
        "cramps",
    )
    confidence_level: float = parameter(
        0.95, "Confidence level", "Level of every confidence interval."
    )
    primary_share: float | None = parameter(
        0.8,
        "Weight of the hypotheses named in advance",
        "Share of the Benjamini-Hochberg weight given to the primary hypotheses from the "
        "literature (Genovese, Roeder & Wasserman 2006); the exploratory comparisons share the "
        "rest. Empty: every comparison weighs the same.",
    )
    hard_day_load_ratio_min: float = parameter(
        1.5,
        "Hard day: load at least",
        "A hard day's load is at least this many times the mean of the 28 days before it.",
        "× baseline",
    )
    intensity_rel_habit_min: float = parameter(
        1.15,
        "Unusually intense session: above",
        "Session intensity relative to the athlete's 90-day habit in that sport.",
        "× habit",
    )
    duration_rel_habit_min: float = parameter(
        1.5,
        "Unusually long session: above",
        "Session duration relative to the athlete's 90-day habit in that sport.",
        "× habit",
    )
    acwr_min: float = parameter(
        1.5,
        "Load spike: workload ratio above",
        "EWMA acute:chronic workload ratio (Gabbett 2016's number, used descriptively, not as "
        "a validated risk zone).",
    )
    tsb_max: float = parameter(
        -30.0, "Very negative form: below", "Training stress balance (TSB).", "load"
    )
    monotony_min: float = parameter(2.0, "High monotony: above", "Training monotony (Foster 1998).")
    strain_quantile: float = parameter(
        0.9, "High strain: above quantile", "Of the athlete's own days."
    )
    heat_quantile: float = parameter(
        0.9, "Heat: above quantile", "Of the athlete's own session temperatures."
    )
    consecutive_hard_days_min: int = parameter(
        3, "Hard days in a row: at least", "Consecutive hard days.", "days"
    )
    short_sleep_floor_h: float = parameter(
        6.0,
        "Short sleep: below",
        "Asleep less than the larger of this and the sleep need minus the margin below.",
        "h",
    )
    sleep_need_margin_h: float = parameter(
        1.0, "Short sleep: margin below need", "See 'Short sleep: below'.", "h"
    )
    sleep_debt_7n_min_h: float = parameter(
        7.0, "High sleep debt: above", "Sleep debt over 7 nights.", "h"
    )
    resting_hr_z_min: float = parameter(
        1.0, "Raised resting heart rate: above", "Against the personal baseline.", "SD"
    )
    hrv_z_max: float = parameter(
        -1.0, "Lowered HRV: below", "ln RMSSD against the personal baseline.", "SD"
    )
    medication_window_days: int = parameter(
        14, "Medication recently started: within", "Days from the start date.", "days"
    )
    tag_min_answers: int = parameter(
        5,
        "Own yes/no items: compared with each answer on at least",
        "An item of your own in the daily log is compared only when both yes and no were "
        "logged on at least this many days.",
        "days",
    )
    epoch_lag_min_days: int = parameter(
        -14, "Averages around cramps from", "First day of the event-triggered averages.", "days"
    )
    epoch_lag_max_days: int = parameter(
        2, "Averages around cramps to", "Last day of the event-triggered averages.", "days"
    )
    n_permutations: int = parameter(
        1000,
        "Permutations",
        "Draws of pseudo-cramps, each cramp moved to one of its own control days, for the "
        "bands around the averages.",
    )
    seed: int = parameter(20261124, "Random seed", "Every random draw uses it: results repeat.")

    def __post_init__(self) -> None:
        check_choices(self)
        if self.stratum_days < 2:
            raise ValueError("stratum_days must be at least 2")
        if self.primary_share is not None and not 0 < self.primary_share < 1:
            raise ValueError("primary_share must lie strictly between 0 and 1 (or be None)")
        if not 0.5 < self.confidence_level < 1:
            raise ValueError("confidence_level must lie between 0.5 and 1")
        if self.tag_min_answers < 1:
            raise ValueError("tag_min_answers must be at least 1")
        if self.epoch_lag_min_days > self.epoch_lag_max_days:
            raise ValueError("epoch_lag_min_days must not exceed epoch_lag_max_days")

    def as_dict(self) -> dict:
        """Return the parameters as a plain dict (stored with every result)."""
        return asdict(self)
