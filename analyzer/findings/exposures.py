"""The pre-specified exposures and their thresholds.

Each exposure is a daily series computed from the indicators' daily table
(one row per local date), read in its hazard window: a day offset from the
cramp's index day per cramp type (:mod:`analyzer.findings.exposure_spec`
gives the windows and why the cramp night's own sleep is never one).

Each exposure is tested as a binary exposure at the stated thresholds of
:class:`FindingsParams` (these tests form the findings' one Benjamini-Hochberg
family, in which the pre-specified primary hypotheses of
:data:`PRIMARY_HYPOTHESES` carry most of the weight); its underlying measure is
also estimated per standard deviation of the athlete's own days, in the
direction the hypothesis names (shorter sleep, lower TSB, lower HRV), as an
exploratory dose-response description beside it. The
choice of exposures follows the cramp literature: relative intensity and
duration (Schwellnus et al. *BJSM* 2011;45:650-656), unaccustomed load (ACWR
treated descriptively and acute load modelled with chronic load as a covariate,
Lolli et al. *BJSM* 2019;53:921-922), sleep (Grandner & Winkelman *PLoS One*
2017;12:e0178465), heat, and recently started medication (Garrison et al.
*Arch Intern Med* 2012;172:120-126).

This module lists the pre-specified exposures and primary hypotheses; what
one exposure is (:class:`~analyzer.findings.exposure_spec.Exposure`, with the
hazard windows) and the rules computing the daily values
(:mod:`analyzer.findings.exposure_rules`) are in their own modules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.findings.exposure_rules import (
    above,
    above_quantile,
    at_least,
    constant,
    hard_day,
    load_ratio,
    per_session,
    raw,
    session_hard_day,
    session_load_ratio,
)
from analyzer.findings.exposure_spec import (
    EXERCISE_DAY_BEFORE,
    EXERCISE_ONLY,
    LOAD,
    LOAD_MODEL_LAGS,
    SLEEP_LAGS,
    TRAINING_LAGS,
    Exposure,
)
from analyzer.findings.params import FindingsParams

SESSION_COLUMNS = ("intensity_rel_habit", "duration_rel_habit", "avg_temperature_c")


def short_sleep_threshold_min(params: FindingsParams, sleep_need_h: float | None) -> float:
    """Short sleep: asleep below ``max(floor, need - margin)`` [min]."""
    hours = params.short_sleep_floor_h
    if sleep_need_h is not None and np.isfinite(sleep_need_h):
        hours = max(hours, sleep_need_h - params.sleep_need_margin_h)
    return 60.0 * hours


#: The pre-specified primary hypotheses per cramp type (exposure keys; a key
#: ending in ``":"`` or ``" "`` is a prefix), chosen from the literature before
#: any data were seen: exercise-associated
#: cramps with sessions more intense or longer than habit (Schwellnus, Drew &
#: Collins, *BJSM* 2011;45:650-656) and in the heat (Maughan & Shirreffs,
#: *Sports Med* 2019;49:115-124); nocturnal cramps after a hard day
#: (exertion the day before), a short night (Grandner & Winkelman, *PLoS One*
#: 2017;12:e0178465) and after starting a medication, tested both in the
#: case-crossover and as a rate ratio (Garrison et al., *Arch Intern Med*
#: 2012;172:120-126). Dehydration and missing electrolytes, read from the
#: athlete's daily log, are primary for exercise-associated cramps too
#: (:data:`analyzer.findings.journal.PRIMARY`; evidence in that module). Every
#: other test is exploratory and carries less weight in
#: the Benjamini-Hochberg family (``FindingsParams.primary_share``).
PRIMARY_HYPOTHESES = {
    "exercise": (
        "high_intensity",
        "long_session",
        "heat",
        "not_hydrated",
        "no_electrolytes",
        "hot_long_no_electrolytes",
    ),
    "nocturnal": ("hard_day", "short_sleep", "medication_started:", "on_medication:"),
}


def is_primary(cramp_type: str, exposure_key: str) -> bool:
    """Whether a test is one of the pre-specified primary hypotheses."""
    for key in PRIMARY_HYPOTHESES.get(cramp_type, ()):
        if exposure_key == key or (key.endswith((":", " ")) and exposure_key.startswith(key)):
            return True
    return False


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def _per_sd(
    key: str,
    phrase: str,
    column: str,
    lags: dict[str, int],
    unit: str,
    direction: int = 1,
    covariates: tuple[str, ...] = (),
    requires: dict[str, tuple[str, ...]] | None = None,
    session: bool = False,
) -> Exposure:
    return Exposure(
        key,
        "continuous",
        phrase,
        lags,
        raw(column),
        direction,
        unit,
        covariates,
        requires=requires or {},
        session_values=per_session(raw(column)) if session else None,
    )


def binary_exposures(params: FindingsParams, sleep_need_h: float | None = None) -> list[Exposure]:
    """The pre-specified exposures: binary at stated thresholds, each with its per-SD twin.

    The binary test is the row's test (one Benjamini-Hochberg family); the
    per-SD estimate of the underlying measure (``Exposure.per_sd``) is
    reported beside it as a dose-response description.
    """
    p = params
    sleep_min = short_sleep_threshold_min(p, sleep_need_h)
    pct = lambda ratio: f"{(ratio - 1) * 100:.0f}%"  # noqa: E731
    return [
        Exposure(
            "hard_day",
            "binary",
            f"a load at least {pct(p.hard_day_load_ratio_min)} above your 4-week average",
            TRAINING_LAGS,
            hard_day(p.hard_day_load_ratio_min),
            label="a hard training day",
            requires=LOAD,
            session_values=session_hard_day(p.hard_day_load_ratio_min),
            per_sd=Exposure(
                "load_ratio_per_sd",
                "continuous",
                "load relative to the 4-week average",
                TRAINING_LAGS,
                load_ratio,
                unit="x average",
                session_values=session_load_ratio,
            ),
        ),
        Exposure(
            "high_intensity",
            "binary",
            f"a session at least {pct(p.intensity_rel_habit_min)} more intense than your "
            "90-day habit",
            TRAINING_LAGS,
            above("intensity_rel_habit", p.intensity_rel_habit_min, session=True),
            label="a session more intense than usual",
            session_values=per_session(above("intensity_rel_habit", p.intensity_rel_habit_min)),
            per_sd=_per_sd(
                "intensity_rel_habit_per_sd",
                "session intensity relative to habit",
                "intensity_rel_habit",
                TRAINING_LAGS,
                "x habit",
                session=True,
            ),
        ),
        Exposure(
            "long_session",
            "binary",
            f"a session at least {pct(p.duration_rel_habit_min)} longer than your 90-day habit",
            TRAINING_LAGS,
            above("duration_rel_habit", p.duration_rel_habit_min, session=True),
            label="a session longer than usual",
            session_values=per_session(above("duration_rel_habit", p.duration_rel_habit_min)),
            per_sd=_per_sd(
                "duration_rel_habit_per_sd",
                "session duration relative to habit",
                "duration_rel_habit",
                TRAINING_LAGS,
                "x habit",
                session=True,
            ),
        ),
        Exposure(
            "load_spike",
            "binary",
            f"a load spike (acute load over {p.acwr_min:g} times your chronic load, EWMA)",
            LOAD_MODEL_LAGS,
            above("acwr_ewma", p.acwr_min),
            label="a load spike",
            requires=LOAD,
            per_sd=_per_sd(
                "acute_load_per_sd",
                "acute load (ATL, chronic load CTL held fixed)",
                "atl",
                LOAD_MODEL_LAGS,
                "load units",
                covariates=("ctl",),
                requires=LOAD,
            ),
        ),
        Exposure(
            "very_negative_tsb",
            "binary",
            f"very negative form (training stress balance below {p.tsb_max:g})",
            LOAD_MODEL_LAGS,
            above("tsb", p.tsb_max, below=True),
            label="very negative form (TSB)",
            requires=LOAD,
            per_sd=_per_sd(
                "tsb_per_sd",
                "form (TSB)",
                "tsb",
                LOAD_MODEL_LAGS,
                "TSB points",
                direction=-1,
                requires=LOAD,
            ),
        ),
        Exposure(
            "high_monotony",
            "binary",
            f"monotonous training (7-day monotony above {p.monotony_min:g})",
            EXERCISE_DAY_BEFORE,
            above("monotony", p.monotony_min),
            label="monotonous training",
            requires=LOAD,
        ),
        Exposure(
            "high_strain",
            "binary",
            f"high training strain (top {100 * (1 - p.strain_quantile):.0f}% of your days)",
            EXERCISE_DAY_BEFORE,
            above_quantile("strain", p.strain_quantile),
            label="high training strain",
            requires=LOAD,
            per_sd=_per_sd(
                "strain_per_sd",
                "training strain",
                "strain",
                EXERCISE_DAY_BEFORE,
                "strain units",
                requires=LOAD,
            ),
        ),
        Exposure(
            "consecutive_hard_days",
            "binary",
            f"at least {p.consecutive_hard_days_min} hard days in a row",
            LOAD_MODEL_LAGS,
            at_least("consecutive_hard_days", p.consecutive_hard_days_min),
            label="several hard days in a row",
            requires=LOAD,
        ),
        Exposure(
            "short_sleep",
            "binary",
            f"less than {_hours(sleep_min)} of sleep",
            SLEEP_LAGS,
            above("sleep_asleep_min", sleep_min, below=True),
            label="a short night",
            per_sd=_per_sd(
                "sleep_per_sd", "sleep", "sleep_asleep_min", SLEEP_LAGS, "min", direction=-1
            ),
        ),
        Exposure(
            "sleep_debt",
            "binary",
            f"a sleep debt above {p.sleep_debt_7n_min_h:g} h over the last 7 nights",
            {"nocturnal": -1},
            above("sleep_debt_7n_h", p.sleep_debt_7n_min_h),
            label="a sleep debt",
            per_sd=_per_sd(
                "sleep_debt_per_sd",
                "7-night sleep debt",
                "sleep_debt_7n_h",
                {"nocturnal": -1},
                "h",
            ),
        ),
        Exposure(
            "raised_resting_hr",
            "binary",
            f"a morning resting heart rate more than {p.resting_hr_z_min:g} SD above your baseline",
            EXERCISE_ONLY,
            above("resting_hr_z", p.resting_hr_z_min),
            label="a raised resting heart rate",
            per_sd=_per_sd(
                "resting_hr_per_sd",
                "resting HR against baseline",
                "resting_hr_z",
                EXERCISE_ONLY,
                "z",
            ),
        ),
        Exposure(
            "lowered_hrv",
            "binary",
            f"an overnight HRV (lnRMSSD) more than {abs(p.hrv_z_max):g} SD below your baseline",
            EXERCISE_ONLY,
            above("hrv_lnrmssd_z", p.hrv_z_max, below=True),
            label="a lowered HRV",
            per_sd=_per_sd(
                "hrv_per_sd",
                "HRV against baseline",
                "hrv_lnrmssd_z",
                EXERCISE_ONLY,
                "z",
                direction=-1,
            ),
        ),
        Exposure(
            "heat",
            "binary",
            f"a hot session (top {100 * (1 - p.heat_quantile):.0f}% of your session temperatures)",
            TRAINING_LAGS,
            above_quantile("avg_temperature_c", p.heat_quantile, session=True),
            label="a hot session",
            session_values=per_session(above_quantile("avg_temperature_c", p.heat_quantile)),
            per_sd=_per_sd(
                "temperature_per_sd",
                "session temperature",
                "avg_temperature_c",
                TRAINING_LAGS,
                "°C",
                session=True,
            ),
        ),
    ]


def medication_exposures(
    medications: pd.DataFrame | None, days: np.ndarray, params: FindingsParams
) -> list[Exposure]:
    """One binary exposure per medication started inside the daily table's span.

    Exposed: index days from the start date up to ``medication_window_days``
    later. Applies to nocturnal cramps, where medication signals are reported
    (Garrison et al. 2012).
    """
    if medications is None or medications.empty or days.size == 0:
        return []
    out = []
    window = params.medication_window_days
    seen = set()
    for _, med in medications.iterrows():
        name = str(med.get("name") or "").strip()
        start = pd.to_datetime(med.get("start_date"), errors="coerce")
        if not name or pd.isna(start) or name.lower() in seen:
            continue
        start = np.datetime64(start.date(), "D")
        if not days[0] < start <= days[-1]:
            continue
        seen.add(name.lower())
        exposed = (days >= start) & (days < start + window)
        out.append(
            Exposure(
                f"medication_started:{name}",
                "binary",
                f"the first {window} days after starting {name}",
                {"nocturnal": 0},
                constant(exposed.astype(float)),
                label=f"the first {window} days of {name}",
            )
        )
    return out
