"""The simulated daily log: each day's true hydration, electrolytes, alcohol, and what was logged.

:func:`draw_journal` draws one row per day of the period from the athlete's
:class:`~analyzer.simulate.model.JournalModel`: the true state of the day
(``not_hydrated``, which the cramp model uses), and the answers written in
the daily-log CSV (``sample_data/<athlete>/daily_log.csv``, the template's
columns), blank on the days the athlete did not log. Amounts are drawn to
look like a person's entries (fluid rounded to 0.1 L, coffee in cups of
about 80 mg of caffeine), never as model inputs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.io.daily_log import DAILY_LOG_COLUMNS  # the template's columns, in its order
from analyzer.simulate.model import AthleteSpec

_CAFFEINE_PER_CUP_MG = 80


def _yes_no(values: np.ndarray) -> list[str]:
    return ["yes" if v else "no" for v in values]


def draw_journal(
    spec: AthleteSpec,
    start: dt.date,
    days: int,
    training_days: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per day: the true state and the logged answers.

    Parameters
    ----------
    training_days : numpy.ndarray of bool
        Whether a session is planned on each day (electrolytes go with training).

    Returns
    -------
    pandas.DataFrame
        ``day``, ``date``, ``not_hydrated`` (true state), ``answered`` (the
        day was logged) and the :data:`DAILY_LOG_COLUMNS` as the athlete
        wrote them (text; empty on days not logged and for items skipped).
    """
    j = spec.journal
    not_hydrated = rng.random(days) < j.p_not_hydrated
    p_none = np.where(training_days, j.p_no_electrolytes_training, 0.9)
    no_electrolytes = rng.random(days) < p_none
    drinks = np.where(rng.random(days) < j.p_alcohol, rng.integers(1, 4, days), 0)
    cups = rng.integers(0, 4, days)
    fluid = np.where(not_hydrated, rng.normal(1.4, 0.35, days), rng.normal(2.6, 0.5, days))
    fluid = np.round(np.clip(fluid, 0.3, 6.0), 1)
    stretching = rng.choice([0, 0, 10, 15, 20], days)
    massage = rng.random(days) < 0.05
    ill = rng.random(days) < 0.03
    answered = rng.random(days) >= j.p_unanswered
    fluid_skipped = rng.random(days) < 0.25  # a day logged without measuring the fluid
    frame = pd.DataFrame(
        {
            "day": np.arange(days),
            "date": [start + dt.timedelta(days=int(d)) for d in range(days)],
            "not_hydrated": not_hydrated,
            "answered": answered,
            "hydrated": _yes_no(~not_hydrated),
            "fluid_l": [f"{v:.1f}" for v in fluid],
            "electrolytes": _yes_no(~no_electrolytes),
            "alcohol_drinks": [str(int(d)) for d in drinks],
            "caffeine_mg": [str(int(c * _CAFFEINE_PER_CUP_MG)) for c in cups],
            "stretching_min": [str(int(m)) for m in stretching],
            "massage": _yes_no(massage),
            "ill": _yes_no(ill),
            "notes": "",
        }
    )
    frame.loc[fluid_skipped, "fluid_l"] = ""
    frame.loc[~answered, list(DAILY_LOG_COLUMNS[1:])] = ""
    return frame


def daily_log_csv(journal: pd.DataFrame) -> pd.DataFrame:
    """The rows of the daily-log CSV: the logged days, in the template's columns."""
    logged = journal[journal["answered"]]
    out = logged[list(DAILY_LOG_COLUMNS)].copy()
    out["date"] = [d.isoformat() for d in logged["date"]]
    return out
