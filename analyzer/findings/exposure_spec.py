"""What one exposure is, and when it is read: the hazard windows.

:class:`Exposure` is the unit the findings test: a daily series (binary or a
measure scaled per SD) with a hazard-window offset from the cramp's index day
per cramp type, the daily columns a day must have for it to count for a
cramp type, and optionally its per-SD twin and its per-session values. The
pre-specified exposures themselves, with the literature behind each, are in
:mod:`analyzer.findings.exposures`; the rules computing their values in
:mod:`analyzer.findings.exposure_rules`.

The hazard window is a day offset (``lag``) from the cramp's index day (see
:mod:`analyzer.findings.events`):

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

The constants below are these windows, as the pre-specified exposures use them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.findings.exposure_rules import daily_column

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
            values[np.isnan(daily_column(daily, name))] = np.nan
        return values

    def cache_key(self, cramp_type: str) -> str:
        """Key of this exposure's daily values for ``cramp_type`` (they differ by ``requires``)."""
        return f"{self.key}@{cramp_type}" if self.requires else self.key
