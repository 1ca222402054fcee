"""Simulate an athlete's months: sessions, nights, mornings, cramps and medications.

:func:`simulate_athlete` draws everything at the level of sessions and days
(fast: a few milliseconds per athlete-month), so the tests can check the
model's statistics over many seeds. The 1 Hz streams are generated later,
only when files are written (``streams.py`` and ``writers.py``), from a seed
stored with each session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.simulate.cramps import draw_cramps, night_exposures, session_exposures
from analyzer.simulate.journal import draw_journal
from analyzer.simulate.model import AthleteSpec
from analyzer.simulate.sleep import morning_wellness, simulate_nights
from analyzer.simulate.training import daily_trimp, plan_sessions


@dataclass
class AthleteHistory:
    """One simulated athlete over ``days`` days from local date ``start``.

    Attributes
    ----------
    sessions : DataFrame
        Planned sessions with exposures and ``p_cramp`` (see :mod:`cramps`).
    nights : DataFrame
        Main sleep per wake-up date with exposures and ``p_cramp``.
    wellness : DataFrame
        Morning resting HR and overnight RMSSD per wake-up date.
    cramps : DataFrame
        Every cramp drawn, with the component and probability behind it.
    medications : DataFrame
        The medication log (``name, kind, start_date, end_date, notes``).
    journal : DataFrame
        Each day's true state and daily-log answers (see :mod:`journal`).
    trimp_per_day : ndarray
        Planned Banister TRIMP per day (0 on rest days).
    """

    spec: AthleteSpec
    start: dt.date
    days: int
    seed: int
    sessions: pd.DataFrame
    nights: pd.DataFrame
    wellness: pd.DataFrame
    cramps: pd.DataFrame
    medications: pd.DataFrame
    trimp_per_day: np.ndarray
    journal: pd.DataFrame


def simulate_athlete(spec: AthleteSpec, start: dt.date, days: int, seed: int) -> AthleteHistory:
    """Draw ``days`` days of ``spec``'s life from ``start``; same seed, same history.

    Independent child generators (``numpy.random.Generator.spawn``) drive the
    training plan, the nights, the mornings, the cramps and the daily log, so
    changing one part of the model leaves the others' draws unchanged (the
    daily log's generator is the fifth child: the first four are those of a
    squad simulated before the daily log existed).
    """
    rng_plan, rng_sleep, rng_well, rng_cramp, rng_journal = np.random.default_rng(seed).spawn(5)
    sessions = plan_sessions(spec, start, days, rng_plan)
    trimp = daily_trimp(sessions, days)
    nights = simulate_nights(spec, start, days, rng_sleep)
    wellness = morning_wellness(spec, nights, trimp, rng_well)
    journal = draw_journal(spec, start, days, trimp > 0, rng_journal)
    sessions = session_exposures(spec, sessions, journal)
    nights = night_exposures(spec, nights, trimp)
    first = pd.Timestamp(start).tz_localize(spec.timezone).tz_convert("UTC")
    last = (
        (pd.Timestamp(start) + pd.Timedelta(days=days)).tz_localize(spec.timezone).tz_convert("UTC")
    )
    # Nights start the evening before the first wake date: keep only the period.
    cramps = draw_cramps(spec, sessions, nights, (first, last), rng_cramp)
    cramps = cramps[(cramps["start_utc"] >= first) & (cramps["start_utc"] < last)].reset_index(
        drop=True
    )
    return AthleteHistory(
        spec,
        start,
        days,
        seed,
        sessions,
        nights,
        wellness,
        cramps,
        medication_log(spec, start),
        trimp,
        journal,
    )


def medication_log(spec: AthleteSpec, start: dt.date) -> pd.DataFrame:
    """The athlete's medication log with calendar dates."""
    rows = []
    for course in spec.medications:
        end = None if course.end_day is None else start + dt.timedelta(days=course.end_day)
        rows.append(
            {
                "name": course.name,
                "kind": course.kind,
                "start_date": start + dt.timedelta(days=course.start_day),
                "end_date": end,
                "notes": course.notes,
            }
        )
    return pd.DataFrame(rows, columns=["name", "kind", "start_date", "end_date", "notes"])
