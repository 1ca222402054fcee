"""The method note and the record of conventions that accompany every result."""

from __future__ import annotations

from analyzer.findings.params import FindingsParams


def _strata(params: FindingsParams) -> str:
    base = (
        "the same calendar month"
        if params.stratum_scheme == "month"
        else f"the same fixed {params.stratum_days}-day block"
    )
    return base + (" and the same weekday" if params.same_weekday else "")


def method_note(params: FindingsParams) -> str:
    """Plain-language description of how the findings were computed."""
    return (
        "Each cramp is compared with the same athlete's own control days (a time-stratified "
        f"case-crossover design): control days come from {_strata(params)}, skipping "
        + (
            "the days of other cramps"
            if params.washout_days == 0
            else f"days within {params.washout_days} day(s) of another cramp"
        )
        + " and days without data. "
        "Items of the daily log (drinking enough, electrolytes, alcohol the evening before a "
        "night, your own yes/no items) are compared only on the days that answer them: a day "
        "without an answer is neither a cramp day nor a control day for that item. "
        "Exercise-associated cramps are compared through the session they happened in with the "
        "sessions of other training days (when the sessions are known; else day by day): the "
        "session's own intensity, length and heat, the day's load up to and including that "
        "session, and the load models as of the day before, so nothing after the cramp counts; "
        "a cramp within 10 minutes of its session's end is taken to have ended it and is left "
        "out of the session-length comparison only. Nocturnal cramps "
        "belong to the night ending that morning and are compared on the previous day's "
        "training and the sleep of the night before; the cramp night's own sleep, which a cramp "
        "can cut short, is only shown around the cramps, labelled as possibly a consequence. "
        "Odds ratios come from conditional logistic regression (binary exposures at stated "
        "thresholds, with the exact conditional test and "
        "exact confidence limits"
        + (
            ""
            if params.binary_test == "exact"
            else f" below {params.exact_below_events} cramps and likelihood-ratio tests above"
        )
        + "; each measure is also described per standard deviation in the table, as an "
        "exploratory description outside the tested family and never in the sentences). "
        "The cramp rate while taking each medication is compared with days off it in the same "
        "calendar months of any year (exact conditional Poisson test, month-of-year strata), so "
        "a drug started in spring is not credited with summer's cramps; months entirely on or "
        "off it tell nothing, and with less than a year of data that may be all of them. Each "
        "medication's first days are also compared in the case-crossover. All p-values "
        "shown together are adjusted with the Benjamini-Hochberg procedure"
        + (
            ""
            if params.primary_share is None
            else ", weighted so that the few primary hypotheses named in advance (sessions more "
            "intense or longer than usual, heat, and, from the daily log, too little to drink, no "
            "electrolytes or a hot long session without them for exercise cramps; a hard day, a "
            "short night or a new medication for nocturnal cramps) share "
            f"{params.primary_share:.0%} of the error budget and the exploratory comparisons the "
            "rest"
        )
        + ". Each finding says how strong its evidence is: clear (adjusted p below 0.05), "
        "suggestive (p below 0.05 only before the adjustment, as about one comparison in twenty "
        "is by chance), none, or descriptive only (fewer than "
        f"{params.descriptive_below_events} cramps). "
        "Event-triggered averages show each indicator from "
        f"{-params.epoch_lag_min_days} days before to {params.epoch_lag_max_days} days after "
        f"the cramps against {params.n_permutations} draws of pseudo-cramps, each cramp moved to "
        "another day it could have fallen on (its own control days: same season, training days "
        "for exercise cramps). The family-wise 95% band covers every curve shown at once "
        "(indicators and cramp types, max-T); only an average outside it before the cramps is "
        "listed as a finding, one outside its pointwise band only is exploratory, and the days "
        "from the cramp on are shown but never tested. These are associations in one person's "
        "data, not causes: "
        "cramps may be logged more readily on hard days, a cramp can change what you do next, "
        "and before/after comparisons are open to regression to the mean."
    )


def conventions(params: FindingsParams, timezone: str, sleep_need_h: float | None) -> dict:
    """Every convention and parameter used, as a JSON-ready dict."""
    return {
        "design": "time-stratified case-crossover (Maclure 1991; Janes, Sheppard & Lumley 2005)",
        "strata": _strata(params),
        "model": "conditional logistic regression, Newton-Raphson; binary exposures: "
        + (
            "exact conditional test and exact limits"
            if params.binary_test == "exact"
            else f"exact conditional test below {params.exact_below_events} events, "
            "likelihood-ratio test and Wald limits above"
        ),
        "p_value_two_sided": "likelihood-ratio test; exact tests use the minimum-likelihood "
        "convention of scipy.stats.binomtest",
        "multiple_comparisons": (
            "Benjamini-Hochberg across every test in the findings table"
            + (
                ""
                if params.primary_share is None
                else ", weighted (Genovese, Roeder & Wasserman 2006): primary hypotheses share "
                f"{params.primary_share:g} of the weight, exploratory tests the rest"
            )
        ),
        "night_assignment": "a night belongs to its local wake-up date; nocturnal cramps before "
        f"{params.night_cutoff_hour}:00 belong to the night ending that morning",
        "hazard_windows": "exercise cramps: the cramp's session (intensity, length, heat), the "
        "day's load up to it, the load models and the night before as of the day before / that "
        "morning; nocturnal "
        "cramps: the previous day (sleep: the night before the cramp night; the cramp night's "
        "own sleep may be a consequence and is not tested)",
        "continuous_scaling": "per SD of the athlete's own days (ddof=1)",
        "timezone": timezone,
        "sleep_need_h": sleep_need_h,
        "parameters": params.as_dict(),
    }
