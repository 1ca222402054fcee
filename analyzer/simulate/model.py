"""The simulated athlete: physiology, training habits, climate and the cramp risk model.

Everything the simulator draws is governed by the frozen dataclasses below,
so an athlete is fully described by one :class:`AthleteSpec` and a seed.
The cramp risk model is stated here in one place (see :class:`CrampModel`);
the exposures it uses are defined by the functions at the end of the module,
which the tests reuse to check that simulated statistics match the model.

References
----------
Banister EW et al. A systems model of training for athletic performance.
  Aust J Sports Med 1975;7 — TRIMP; sex constants from Morton RH,
  Fitz-Clarke JR, Banister EW. J Appl Physiol 1990;69(3):1171-1177.
Schwellnus MP, Drew N, Collins M. Br J Sports Med 2011;45(8):650-656 —
  exercise-associated cramps track intensity above the athlete's habit.
Grandner MA, Winkelman JW. PLoS One 2017;12(6):e0178465 — nocturnal leg
  cramps and short sleep.
Garrison SR et al. Arch Intern Med 2012;172(2):120-126 — diuretics and
  nocturnal leg cramps (sequence ratio 1.47; planted larger here so that a
  six-month diary can show it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.indicators.streaks import hard_day_flags

#: Days of training history that define an athlete's "habit".
HABIT_WINDOW_DAYS = 90
#: Fewer earlier sessions than this in the habit window: habit unknown, not exposed.
HABIT_MIN_SESSIONS = 8
#: A session is "well above habitual intensity" when its mean heart-rate-reserve
#: fraction exceeds the habit-window mean by at least this much.
INTENSITY_MARGIN_HRR = 0.12
#: ... or "well above habitual duration" when it lasts this many times the habit mean.
DURATION_RATIO = 1.5
#: A day is "hard" when its TRIMP is at least this multiple of the mean daily
#: TRIMP (rest days count as 0) of the previous :data:`HARD_DAY_WINDOW_DAYS` days:
#: the project's one definition (``analyzer.indicators.streaks.hard_day_flags``,
#: ``IndicatorParams.hard_day_factor``, ``FindingsParams.hard_day_load_ratio_min``),
#: so the findings engine tests the pattern that was planted.
HARD_DAY_RATIO = 1.5
HARD_DAY_WINDOW_DAYS = 28
#: A night is "short" when the athlete sleeps this many hours less than they need.
SHORT_NIGHT_DEFICIT_H = 1.0


@dataclass(frozen=True)
class Physiology:
    """Physiological constants of one athlete (the ``athletes`` table plus what streams need)."""

    sex: str  # "f" or "m"
    hr_rest_bpm: float
    hr_max_bpm: float
    lthr_bpm: float
    ftp_w: float
    threshold_speed_mps: float  # running speed at lactate threshold
    mass_kg: float
    sleep_need_h: float
    hrv_rmssd_ms: float  # rested overnight RMSSD

    @property
    def lthr_hrr(self) -> float:
        """Lactate-threshold heart rate as a fraction of heart-rate reserve."""
        return (self.lthr_bpm - self.hr_rest_bpm) / (self.hr_max_bpm - self.hr_rest_bpm)


@dataclass(frozen=True)
class TrainingHabits:
    """How an athlete trains: sports, weekly rhythm, session mix and load blocks.

    ``session_mix`` maps a session kind (keys of
    :data:`analyzer.simulate.training.SESSION_KINDS`) to its share of sessions.
    Every ``block_weeks`` weeks the last week is a load spike (durations times
    ``spike_factor``) followed by a recovery week at ``0.6`` of normal volume.
    """

    sports: tuple[str, ...]  # "running", "cycling", "swimming"
    sessions_per_week: float
    base_duration_min: float
    session_mix: dict[str, float]
    block_weeks: int = 4
    spike_factor: float = 1.35
    start_hour_local: float = 7.0
    evening_share: float = 0.4  # share of sessions in the evening (18:00)


@dataclass(frozen=True)
class Climate:
    """Daily air temperature: annual sinusoid peaking on ``warmest_doy`` plus noise."""

    mean_c: float
    amplitude_c: float
    warmest_doy: int  # 200 in the northern hemisphere, 20 in the southern
    noise_c: float = 2.5


@dataclass(frozen=True)
class MedicationCourse:
    """A course of a drug or supplement, in days from the simulation start."""

    name: str
    kind: str  # medication, supplement, other
    start_day: int
    end_day: int | None  # last day taken; None = still taking it
    nocturnal_odds_ratio: float = 1.0  # effect on the nightly cramp odds
    notes: str = ""


@dataclass(frozen=True)
class CrampModel:
    """The stated cramp risk model.

    Exercise-associated cramps (EAMC), per session::

        logit P(cramp in session) = logit(p_session)
            + ln(or_intensity) * above_habit_intensity
            + ln(or_duration)  * above_habit_duration
            + ln(or_heat)      * (air temperature >= heat_threshold_c)

    Nocturnal calf cramps, per night (wake date ``d``)::

        logit P(cramp in night d) = logit(p_night)
            + ln(or_hard_day)    * hard_day(d - 1)
            + ln(or_short_night_before) * short_night(d - 1)
            + sum of ln(medication odds ratio) over courses taken on d - 1

    With every odds ratio at 1 (the null control) both components still draw
    cramps, at a constant probability per session and per night, so the
    findings engine has exercise and nocturnal cramps to compare and must find
    nothing. Random cramps (optional): a homogeneous Poisson process in
    time with ``random_per_day`` events per day, independent of everything;
    each event's context is whatever the athlete was doing at that moment
    (mostly at rest, which the findings engine does not compare).
    """

    p_session: float = 0.0
    or_intensity: float = 1.0
    or_duration: float = 1.0
    or_heat: float = 1.0
    heat_threshold_c: float = 28.0
    p_night: float = 0.0
    or_hard_day: float = 1.0
    or_short_night_before: float = 1.0
    random_per_day: float = 0.0


@dataclass(frozen=True)
class JournalModel:
    """The athlete's daily log: what they did each day and how often they wrote it down.

    Each day has a true state, drawn independently of everything else:
    ``not hydrated`` with probability ``p_not_hydrated``, no electrolytes with
    ``p_no_electrolytes_training`` on training days (and mostly none on rest
    days), alcohol with ``p_alcohol``. The log writes it down except on a
    share ``p_unanswered`` of the days, left blank (not logged). Exercise
    cramps, per session, also depend on the true hydration of the session's
    day::

        + ln(or_not_hydrated) * not_hydrated(day of the session)

    so a day the athlete forgot to log still carries its risk, as in life.
    """

    p_unanswered: float = 0.15
    p_not_hydrated: float = 0.25
    p_no_electrolytes_training: float = 0.5
    p_alcohol: float = 0.2
    or_not_hydrated: float = 1.0


@dataclass(frozen=True)
class AthleteSpec:
    """Everything that defines a simulated athlete."""

    athlete_id: str
    display_name: str
    timezone: str
    physiology: Physiology
    habits: TrainingHabits
    climate: Climate
    cramps: CrampModel
    medications: tuple[MedicationCourse, ...] = field(default_factory=tuple)
    journal: JournalModel = field(default_factory=JournalModel)
    device: str = "fr955"
    description: str = ""


def logistic(logit: np.ndarray) -> np.ndarray:
    """Inverse logit."""
    return 1.0 / (1.0 + np.exp(-logit))


def logit(p: float) -> float:
    """Log-odds of a probability in (0, 1)."""
    return float(np.log(p / (1.0 - p)))


def banister_trimp(duration_min: np.ndarray, hrr: np.ndarray, sex: str) -> np.ndarray:
    """Banister TRIMP ``t * x * a * exp(b * x)`` with x the heart-rate-reserve fraction.

    Men ``a = 0.64, b = 1.92``; women ``a = 0.86, b = 1.67`` (Morton,
    Fitz-Clarke & Banister 1990).
    """
    a, b = (0.86, 1.67) if sex == "f" else (0.64, 1.92)
    x = np.clip(np.asarray(hrr, dtype=float), 0.0, 1.0)
    return np.asarray(duration_min, dtype=float) * x * a * np.exp(b * x)


def habit_exposures(sessions: pd.DataFrame) -> pd.DataFrame:
    """Flag sessions well above the athlete's habit of the previous 90 days.

    Parameters
    ----------
    sessions : DataFrame
        One row per session with ``day`` (int, days from start),
        ``mean_hrr`` (mean heart-rate-reserve fraction) and ``duration_s``.

    Returns
    -------
    DataFrame
        Columns ``habit_hrr``, ``habit_duration_s`` (means over sessions of
        the :data:`HABIT_WINDOW_DAYS` days before the session's day; NaN with
        fewer than :data:`HABIT_MIN_SESSIONS` sessions), ``above_habit_intensity``
        and ``above_habit_duration`` (False when the habit is unknown).
    """
    day = sessions["day"].to_numpy()
    hrr = sessions["mean_hrr"].to_numpy(dtype=float)
    dur = sessions["duration_s"].to_numpy(dtype=float)
    # Sessions of days [day - 90, day): a window over the day-sorted rows.
    order = np.argsort(day, kind="stable")
    day_s, hrr_s, dur_s = day[order], hrr[order], dur[order]
    lo = np.searchsorted(day_s, day_s - HABIT_WINDOW_DAYS, side="left")
    hi = np.searchsorted(day_s, day_s, side="left")
    cum_hrr = np.concatenate([[0.0], np.cumsum(hrr_s)])
    cum_dur = np.concatenate([[0.0], np.cumsum(dur_s)])
    count = hi - lo
    known = count >= HABIT_MIN_SESSIONS
    with np.errstate(invalid="ignore", divide="ignore"):
        habit_hrr = np.where(known, (cum_hrr[hi] - cum_hrr[lo]) / count, np.nan)
        habit_dur = np.where(known, (cum_dur[hi] - cum_dur[lo]) / count, np.nan)
    out = pd.DataFrame(index=sessions.index)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    out["habit_hrr"] = habit_hrr[inverse]
    out["habit_duration_s"] = habit_dur[inverse]
    out["above_habit_intensity"] = known[inverse] & (hrr >= out["habit_hrr"] + INTENSITY_MARGIN_HRR)
    out["above_habit_duration"] = known[inverse] & (dur >= DURATION_RATIO * out["habit_duration_s"])
    return out


def hard_days(daily_trimp: np.ndarray) -> np.ndarray:
    """Flag hard days: TRIMP >= 1.5 x the mean daily TRIMP of the previous 28 days.

    ``daily_trimp`` holds one value per day (0 on rest days, which count in
    the mean). The rule is the indicators' own
    (:func:`analyzer.indicators.streaks.hard_day_flags`), applied to the
    planned TRIMP; the first 28 days, whose baseline is not yet known, are not hard.
    """
    flags = hard_day_flags(
        np.asarray(daily_trimp, dtype=float), HARD_DAY_RATIO, HARD_DAY_WINDOW_DAYS
    )
    return (flags == 1.0).to_numpy()


def medication_log_odds(courses: tuple[MedicationCourse, ...], days: np.ndarray) -> np.ndarray:
    """Sum of ``ln(odds ratio)`` of the courses being taken on each day."""
    days = np.asarray(days)
    total = np.zeros(len(days))
    for course in courses:
        end = np.inf if course.end_day is None else course.end_day
        taking = (days >= course.start_day) & (days <= end)
        total += np.log(course.nocturnal_odds_ratio) * taking
    return total


def planted_effects(spec: AthleteSpec) -> list[dict]:
    """The non-null effects of the athlete's cramp model, one entry per exposure."""
    m = spec.cramps
    effects = [
        ("above_habit_intensity", "session", m.or_intensity, m.p_session),
        ("above_habit_duration", "session", m.or_duration, m.p_session),
        ("hot_session", "session", m.or_heat, m.p_session),
        ("not_hydrated_day", "session", spec.journal.or_not_hydrated, m.p_session),
        ("hard_day_before", "night", m.or_hard_day, m.p_night),
        ("short_night_before", "night", m.or_short_night_before, m.p_night),
    ]
    out = [
        {"exposure": name, "unit": unit, "odds_ratio": ratio, "baseline_probability": p}
        for name, unit, ratio, p in effects
        if p > 0 and ratio != 1.0
    ]
    for course in spec.medications:
        if course.nocturnal_odds_ratio != 1.0:
            out.append(
                {
                    "exposure": f"taking {course.name}",
                    "unit": "night",
                    "odds_ratio": course.nocturnal_odds_ratio,
                    "baseline_probability": m.p_night,
                }
            )
    if not out and (m.p_session > 0 or m.p_night > 0):
        out.append(
            {
                "exposure": "none (constant probability per session and per night)",
                "unit": "session, night",
                "probability_per_session": m.p_session,
                "probability_per_night": m.p_night,
            }
        )
    if m.random_per_day > 0:
        out.append(
            {
                "exposure": "none (homogeneous Poisson process)",
                "unit": "day",
                "rate_per_day": m.random_per_day,
            }
        )
    return out
