"""The pre-specified exposures, their thresholds and hazard windows.

Each exposure is a daily series computed from the indicators' daily table
(one row per local date). Its hazard window is a day offset (``lag``) from the
cramp's index day (see :mod:`analyzer.findings.events`):

* exercise-associated cramps: the session day itself (lag 0) for training and
  the morning's resting HR / HRV, the night before the session for sleep
  (the sleep row of the same date, since a night belongs to its wake-up date);
* nocturnal cramps: the previous day (lag -1) for training, resting HR and
  HRV, and the night before the cramp night for sleep (lag -1: the night that
  ended the morning before). The cramp night's own sleep is never an exposure:
  a cramp that wakes you shortens that night, so a short cramp night is as
  likely a consequence as a cause (Allen RE, Kirby KA. Nocturnal leg cramps.
  *Am Fam Physician* 2012;86(4):350-355: cramps "can cause severe insomnia").
  It is shown only in the event-triggered averages, labelled as possibly a
  consequence.

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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.findings.params import FindingsParams

SESSION_COLUMNS = ("intensity_rel_habit", "duration_rel_habit", "avg_temperature_c")


@dataclass(frozen=True)
class Exposure:
    """One pre-specified exposure.

    Attributes
    ----------
    key : str
        Identifier, e.g. ``"load_spike"`` or ``"sleep_asleep_min_per_sd"``.
    kind : {"binary", "continuous"}
        Binary exposures are 0/1; continuous ones are scaled per SD.
    phrase : str
        How a sentence names exposed days (binary) or the measure (continuous).
    lags : dict of str to int
        Hazard-window offset from the index day per cramp type [days]; a cramp
        type missing here does not use this exposure.
    values : callable
        ``values(daily) -> numpy.ndarray``: the daily exposure (``NaN`` missing).
    direction : int
        Continuous: +1 per SD higher, -1 per SD lower.
    unit : str
        Unit of one SD in sentences (continuous).
    covariates : tuple of str
        Daily columns held fixed in the model (continuous, per SD).
    per_sd : Exposure or None
        Continuous twin of a binary exposure (the underlying measure per SD),
        reported beside it as a dose-response description.
    label : str
        Short plain name for labels, tables and plots (e.g. "a hard training day").
    session_values : callable or None
        ``session_values(units, daily) -> numpy.ndarray``: the exposure of each
        session (:func:`analyzer.findings.sessions.session_units`), read instead
        of the day when exercise cramps are compared session by session.
    requires : dict of str to tuple of str
        Per cramp type, daily columns that must be known on the day read: a day
        without them is neither case nor referent for this exposure. For
        nocturnal cramps a load-model value (TSB, ACWR...) carried over a day
        without any device data is not an observation of that day. Exercise
        cramps need no such rule for the load models: their case and referent
        days are training days, observed by definition, and the models at the
        end of the day before are the state the session started from, whatever
        that day held (a day without data enters the models by the indicators'
        rest-day rule, as the Fitness page shows it).
    """

    key: str
    kind: str
    phrase: str
    lags: dict[str, int]
    values: Callable[[pd.DataFrame], np.ndarray] = field(repr=False)
    direction: int = 1
    unit: str = ""
    covariates: tuple[str, ...] = ()
    per_sd: Exposure | None = None
    label: str = ""
    requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    session_values: Callable[[pd.DataFrame, pd.DataFrame], np.ndarray] | None = field(
        default=None, repr=False
    )

    def daily_values(self, daily: pd.DataFrame, cramp_type: str | None = None) -> np.ndarray:
        """``values(daily)``, missing on days lacking an input ``cramp_type`` requires.

        Without ``cramp_type``, every cramp type's requirement applies (the strictest reading).
        """
        values = np.array(self.values(daily), dtype=float)
        types = self.requires if cramp_type is None else [cramp_type]
        for name in {n for t in types for n in self.requires.get(t, ())}:
            values[np.isnan(_col(daily, name))] = np.nan
        return values

    def cache_key(self, cramp_type: str) -> str:
        """Key of this exposure's daily values for ``cramp_type`` (they differ by ``requires``)."""
        return f"{self.key}@{cramp_type}" if self.requires else self.key


def _col(daily: pd.DataFrame, name: str) -> np.ndarray:
    if name not in daily.columns:
        return np.full(len(daily), np.nan)
    return pd.to_numeric(daily[name], errors="coerce").to_numpy(dtype=float)


def training_days(daily: pd.DataFrame) -> np.ndarray:
    """True on days with at least one recorded session, whether or not its load is known.

    Falls back on ``load > 0`` for a daily table without ``session_count``.
    """
    if "session_count" in daily.columns:
        return np.nan_to_num(_col(daily, "session_count")) > 0
    return np.nan_to_num(_col(daily, "load")) > 0


def covered_days(daily: pd.DataFrame) -> np.ndarray:
    """Boolean mask of days with any device data, from the daily table's ``coverage``.

    Accepts a numeric coverage (covered when > 0), a boolean, or text (covered
    when not empty and not ``"none"``); without the column, a day is covered
    when any numeric indicator is present.
    """
    if "coverage" in daily.columns:
        cov = daily["coverage"]
        numeric = pd.to_numeric(cov, errors="coerce")
        if numeric.notna().any():
            return numeric.fillna(0).to_numpy() > 0
        text = cov.astype("object").where(cov.notna(), "").astype(str).str.strip().str.lower()
        return ~text.isin(["", "none", "nan", "false", "0", "missing"]).to_numpy()
    numeric = daily.drop(columns=[c for c in ("day", "date") if c in daily.columns])
    numeric = numeric.apply(pd.to_numeric, errors="coerce")
    return numeric.notna().any(axis=1).to_numpy()


def _rest_day(daily: pd.DataFrame) -> np.ndarray:
    """True on days with device data but no session: not exposed to session measures."""
    return covered_days(daily) & ~training_days(daily)


def _binary(values: np.ndarray, exposed: np.ndarray) -> np.ndarray:
    out = np.where(exposed, 1.0, 0.0)
    out[np.isnan(values)] = np.nan
    return out


def _above(column: str, threshold: float, session: bool = False, below: bool = False):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = _col(daily, column)
        with np.errstate(invalid="ignore"):
            out = _binary(x, x < threshold if below else x > threshold)
        if session:
            out[np.isnan(x) & _rest_day(daily)] = 0.0
        return out

    return values


def _above_quantile(column: str, quantile: float, session: bool = False):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = _col(daily, column)
        finite = x[np.isfinite(x)]
        if finite.size < 10:
            return np.full(x.size, np.nan)
        return _above(column, float(np.quantile(finite, quantile)), session)(daily)

    return values


def _at_least(column: str, threshold: float):
    def values(daily: pd.DataFrame) -> np.ndarray:
        x = _col(daily, column)
        with np.errstate(invalid="ignore"):
            return _binary(x, x >= threshold)

    return values


def _load_ratio(daily: pd.DataFrame) -> np.ndarray:
    """The day's load over the mean load of the 28 days before it (21 of them with data)."""
    load = pd.Series(_col(daily, "load"))
    chronic = load.shift(1).rolling(28, min_periods=21).mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chronic > 0, (load / chronic).to_numpy(), np.nan)


def _hard_day(threshold: float):
    def values(daily: pd.DataFrame) -> np.ndarray:
        ratio = _load_ratio(daily)
        with np.errstate(invalid="ignore"):
            return _binary(ratio, ratio >= threshold)

    return values


def _raw(column: str):
    return lambda daily: _col(daily, column)


def _session(rule):
    """A daily rule applied to the session table instead (same columns)."""
    return lambda units, daily: rule(units)


def _chronic_load(daily: pd.DataFrame) -> np.ndarray:
    """Mean daily load of the 28 days before each day (21 of them with data)."""
    load = pd.Series(_col(daily, "load"))
    return load.shift(1).rolling(28, min_periods=21).mean().to_numpy()


def _session_load_ratio(units: pd.DataFrame, daily: pd.DataFrame) -> np.ndarray:
    """The day's load up to and including each session over the 28-day mean before the day."""
    chronic = _chronic_load(daily)[units["pos"].to_numpy()]
    so_far = units["load_so_far"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chronic > 0, so_far / chronic, np.nan)


def _session_hard_day(threshold: float):
    def values(units: pd.DataFrame, daily: pd.DataFrame) -> np.ndarray:
        ratio = _session_load_ratio(units, daily)
        with np.errstate(invalid="ignore"):
            return _binary(ratio, ratio >= threshold)

    return values


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


#: Inputs of the training-load models: a day whose load is unknown (no device data)
#: gives no CTL, ATL, TSB, ACWR, monotony or strain observation, whatever the models carry.
#: The load models need a known load on the day read for nocturnal cramps (see ``Exposure``).
LOAD = {"nocturnal": ("load",)}

TRAINING_LAGS = {"exercise": 0, "nocturnal": -1}
#: The load models (ACWR, TSB, monotony, strain, hard-day streaks) at the end of the day
#: before: their value on the cramp's own day would include sessions after the cramp.
LOAD_MODEL_LAGS = {"exercise": -1, "nocturnal": -1}
EXERCISE_DAY_BEFORE = {"exercise": -1}
#: Sleep that precedes the cramp: the night before the session (same wake-up date) for
#: exercise cramps, the night before the cramp night for nocturnal cramps.
SLEEP_LAGS = {"exercise": 0, "nocturnal": -1}
EXERCISE_ONLY = {"exercise": 0}


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
        _raw(column),
        direction,
        unit,
        covariates,
        requires=requires or {},
        session_values=_session(_raw(column)) if session else None,
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
            _hard_day(p.hard_day_load_ratio_min),
            label="a hard training day",
            requires=LOAD,
            session_values=_session_hard_day(p.hard_day_load_ratio_min),
            per_sd=Exposure(
                "load_ratio_per_sd",
                "continuous",
                "load relative to the 4-week average",
                TRAINING_LAGS,
                _load_ratio,
                unit="x average",
                session_values=_session_load_ratio,
            ),
        ),
        Exposure(
            "high_intensity",
            "binary",
            f"a session at least {pct(p.intensity_rel_habit_min)} more intense than your "
            "90-day habit",
            TRAINING_LAGS,
            _above("intensity_rel_habit", p.intensity_rel_habit_min, session=True),
            label="a session more intense than usual",
            session_values=_session(_above("intensity_rel_habit", p.intensity_rel_habit_min)),
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
            _above("duration_rel_habit", p.duration_rel_habit_min, session=True),
            label="a session longer than usual",
            session_values=_session(_above("duration_rel_habit", p.duration_rel_habit_min)),
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
            _above("acwr_ewma", p.acwr_min),
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
            _above("tsb", p.tsb_max, below=True),
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
            _above("monotony", p.monotony_min),
            label="monotonous training",
            requires=LOAD,
        ),
        Exposure(
            "high_strain",
            "binary",
            f"high training strain (top {100 * (1 - p.strain_quantile):.0f}% of your days)",
            EXERCISE_DAY_BEFORE,
            _above_quantile("strain", p.strain_quantile),
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
            _at_least("consecutive_hard_days", p.consecutive_hard_days_min),
            label="several hard days in a row",
            requires=LOAD,
        ),
        Exposure(
            "short_sleep",
            "binary",
            f"less than {_hours(sleep_min)} of sleep",
            SLEEP_LAGS,
            _above("sleep_asleep_min", sleep_min, below=True),
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
            _above("sleep_debt_7n_h", p.sleep_debt_7n_min_h),
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
            _above("resting_hr_z", p.resting_hr_z_min),
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
            _above("hrv_lnrmssd_z", p.hrv_z_max, below=True),
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
            _above_quantile("avg_temperature_c", p.heat_quantile, session=True),
            label="a hot session",
            session_values=_session(_above_quantile("avg_temperature_c", p.heat_quantile)),
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


def _constant(values: np.ndarray):
    """An exposure whose daily values do not depend on the daily table (a medication log)."""
    return lambda daily: values


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
                _constant(exposed.astype(float)),
                label=f"the first {window} days of {name}",
            )
        )
    return out
