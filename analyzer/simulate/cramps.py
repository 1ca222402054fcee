"""Cramp events drawn from the stated risk model of :class:`~analyzer.simulate.model.CrampModel`.

Three independent components, each documented on ``CrampModel``:
exercise-associated cramps per session, nocturnal calf cramps per night, and
(for the null control) a homogeneous Poisson process in time. Every drawn
cramp keeps the probability it was drawn with and the exposures behind it,
which the truth file records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.simulate.model import (
    AthleteSpec,
    habit_exposures,
    hard_days,
    logistic,
    logit,
    medication_log_odds,
)

_EXERCISE_MUSCLES = {
    "running": (("calf", "hamstring", "quadriceps", "foot"), (0.5, 0.25, 0.2, 0.05)),
    "cycling": (("quadriceps", "calf", "hamstring"), (0.45, 0.3, 0.25)),
    "swimming": (("calf", "foot", "hamstring"), (0.5, 0.35, 0.15)),
}
_RELIEFS = ("stretching", "massage", "walking", "none")
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def session_exposures(
    spec: AthleteSpec, sessions: pd.DataFrame, journal: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Add habit, heat and hydration exposures and the per-session cramp probability ``p_cramp``.

    ``journal`` (:func:`analyzer.simulate.journal.draw_journal`) gives each
    day's true hydration; without it no session is on a day not hydrated.
    """
    model = spec.cramps
    out = pd.concat([sessions, habit_exposures(sessions)], axis=1)
    out["hot"] = (out["air_temp_c"] >= model.heat_threshold_c) & (out["sport"] != "swimming")
    days = out["day"].to_numpy(dtype=int)
    out["not_hydrated_day"] = (
        journal["not_hydrated"].to_numpy(dtype=bool)[days]
        if journal is not None
        else np.zeros(len(out), dtype=bool)
    )
    if model.p_session <= 0:
        out["p_cramp"] = 0.0
        return out
    log_odds = (
        logit(model.p_session)
        + np.log(model.or_intensity) * out["above_habit_intensity"]
        + np.log(model.or_duration) * out["above_habit_duration"]
        + np.log(model.or_heat) * out["hot"]
        + np.log(spec.journal.or_not_hydrated) * out["not_hydrated_day"]
    )
    out["p_cramp"] = logistic(log_odds.to_numpy(dtype=float))
    return out


def night_exposures(
    spec: AthleteSpec, nights: pd.DataFrame, trimp_per_day: np.ndarray
) -> pd.DataFrame:
    """Add ``hard_day_before``, ``short_night_before``, ``medication_log_or`` and ``p_cramp``.

    ``short_night_before`` is the night ending the morning before (wake date
    ``d - 1``): a cramp shortens the night it wakes you from, so a pattern
    planted on the cramp night's own sleep could not be told from that
    consequence; the first night, whose night before is unknown, is not exposed.
    """
    model = spec.cramps
    out = nights.copy()
    short = out["short_night"].to_numpy(dtype=bool)
    out["short_night_before"] = np.concatenate([[False], short[:-1]])
    hard = hard_days(trimp_per_day)
    day = out["day"].to_numpy()
    out["hard_day_before"] = np.where(day >= 1, hard[np.maximum(day - 1, 0)], False)
    out["trimp_day_before"] = np.where(day >= 1, trimp_per_day[np.maximum(day - 1, 0)], np.nan)
    out["medication_log_or"] = medication_log_odds(spec.medications, day - 1)
    if model.p_night <= 0:
        out["p_cramp"] = 0.0
        return out
    log_odds = (
        logit(model.p_night)
        + np.log(model.or_hard_day) * out["hard_day_before"]
        + np.log(model.or_short_night_before) * out["short_night_before"]
        + out["medication_log_or"]
    )
    out["p_cramp"] = logistic(log_odds.to_numpy(dtype=float))
    return out


def draw_cramps(
    spec: AthleteSpec,
    sessions: pd.DataFrame,
    nights: pd.DataFrame,
    period: tuple[pd.Timestamp, pd.Timestamp],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw every cramp of the period; ``sessions``/``nights`` carry ``p_cramp``.

    Returns one row per cramp with the canonical cramp columns (``start_utc``,
    ``muscle``, ``side``, ``severity_0_10``, ``duration_s``, ``context``,
    ``relief``, ``notes``) plus ``component``, ``session_id``, ``night`` and
    ``p_cramp`` for the truth file.
    """
    rows = _exercise_cramps(sessions, rng) + _night_cramps(nights, rng)
    rows += _random_cramps(spec.cramps.random_per_day, sessions, nights, period, rng)
    cramps = pd.DataFrame(
        rows,
        columns=[
            "start_utc",
            "muscle",
            "context",
            "component",
            "session_id",
            "night",
            "p_cramp",
        ],
    )
    cramps["start_utc"] = pd.to_datetime(cramps["start_utc"], utc=True)  # also when there are none
    n = len(cramps)
    cramps["side"] = rng.choice(["left", "right", "both"], size=n, p=[0.45, 0.45, 0.1])
    night = (cramps["context"] == "night").to_numpy()
    cramps["severity_0_10"] = np.clip(np.round(rng.normal(5.5, 1.5, n) + 1.0 * night), 1, 10)
    cramps["duration_s"] = np.round(np.exp(rng.normal(np.log(60.0), 0.7, n)) * (1 + 1.5 * night))
    cramps["relief"] = rng.choice(_RELIEFS, size=n, p=[0.6, 0.2, 0.15, 0.05])
    cramps["notes"] = ""
    return cramps.sort_values("start_utc", kind="stable").reset_index(drop=True)


def _exercise_cramps(sessions: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    hit = rng.random(len(sessions)) < sessions["p_cramp"].to_numpy()
    rows = []
    for _, s in sessions[hit].iterrows():
        duration = pd.Timedelta(seconds=s["duration_s"])
        if rng.random() < 0.85:  # late in the session, when fatigue builds
            at, context = s["start_utc"] + duration * rng.uniform(0.4, 0.98), "exercise"
        else:
            at, context = (
                s["start_utc"] + duration + pd.Timedelta(minutes=rng.uniform(2, 30)),
                "after_exercise",
            )
        muscles, shares = _EXERCISE_MUSCLES[s["sport"]]
        rows.append(
            _row(
                at,
                str(rng.choice(muscles, p=shares)),
                context,
                "exercise_model",
                s["session_id"],
                None,
                s["p_cramp"],
            )
        )
    return rows


def _night_cramps(nights: pd.DataFrame, rng: np.random.Generator) -> list[dict]:
    hit = rng.random(len(nights)) < nights["p_cramp"].to_numpy()
    rows = []
    for _, n in nights[hit].iterrows():
        span = n["end_utc"] - n["start_utc"]
        at = (
            n["start_utc"]
            + pd.Timedelta(minutes=30)
            + (span - pd.Timedelta(minutes=45)) * rng.uniform()
        )
        muscle = "calf" if rng.random() < 0.85 else "foot"
        rows.append(_row(at, muscle, "night", "nocturnal_model", None, n["night"], n["p_cramp"]))
    return rows


def _random_cramps(
    rate_per_day: float,
    sessions: pd.DataFrame,
    nights: pd.DataFrame,
    period: tuple[pd.Timestamp, pd.Timestamp],
    rng: np.random.Generator,
) -> list[dict]:
    if rate_per_day <= 0:
        return []
    start, end = period
    span_s = (end - start).total_seconds()
    count = rng.poisson(rate_per_day * span_s / 86400.0)
    times = start + pd.to_timedelta(np.sort(rng.uniform(0.0, span_s, count)), unit="s")
    rows = []
    for at in times:
        context, session_id, night = _context_at(at, sessions, nights)
        muscle = str(rng.choice(["calf", "hamstring", "quadriceps", "foot"]))
        rows.append(_row(at, muscle, context, "random", session_id, night, np.nan))
    return rows


def _unix_s(times: pd.Series | pd.Timestamp) -> np.ndarray:
    """Seconds since the Unix epoch of tz-aware timestamps."""
    return np.asarray((times - _EPOCH) // pd.Timedelta(seconds=1), dtype="int64")


def _context_at(at: pd.Timestamp, sessions: pd.DataFrame, nights: pd.DataFrame) -> tuple:
    """What the athlete was doing at ``at``: in a session, just after one, asleep, or at rest."""
    t = int(_unix_s(at))
    start = _unix_s(sessions["start_utc"])
    end = start + sessions["duration_s"].to_numpy().astype("int64")
    inside = np.flatnonzero((start <= t) & (t < end))
    if inside.size:
        return "exercise", sessions["session_id"].iloc[inside[0]], None
    after = np.flatnonzero((end <= t) & (t < end + 3600))
    if after.size:
        return "after_exercise", sessions["session_id"].iloc[after[0]], None
    asleep = np.flatnonzero((_unix_s(nights["start_utc"]) <= t) & (t < _unix_s(nights["end_utc"])))
    if asleep.size:
        return "night", None, nights["night"].iloc[asleep[0]]
    return "rest", None, None


def _row(at, muscle, context, component, session_id, night, p) -> dict:
    return {
        "start_utc": pd.Timestamp(at).floor("s"),
        "muscle": muscle,
        "context": context,
        "component": component,
        "session_id": session_id,
        "night": night,
        "p_cramp": float(p),
    }
