"""One set of limits for each value a person logs: the readers and the dashboard forms share it.

A value outside its limits is refused, never clipped: the log reader names the
file, row, column, value and :attr:`Limit.expected`, and the form cannot be
submitted with it (its widget takes :attr:`Limit.low` and :attr:`Limit.high`).
The limits are bounds of plausibility, chosen so that a slip of the keyboard
(millilitres typed as litres, minutes as seconds) is caught while every real
entry passes; where a unit has a natural bound (minutes in a day) that bound
is used.

References
----------
.. [1] Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP. An
   evidence-based review of the pathophysiology, treatment, and prevention
   of exercise-associated muscle cramps. J Athl Train 2022;57(1):5-15.
   doi:10.4085/1062-6050-0696.20. PMID 34185846. (Cramps last seconds to minutes.)
.. [2] EFSA Panel on Dietetic Products, Nutrition and Allergies. Scientific
   opinion on the safety of caffeine. EFSA J 2015;13(5):4102.
   doi:10.2903/j.efsa.2015.4102. (Up to 400 mg a day raises no safety concern
   for healthy adults.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """The accepted range of one logged value.

    Attributes
    ----------
    column : str
        The column (and form field) it applies to, with its unit in the name.
    low, high : float
        Smallest and largest accepted value, in the column's unit.
    expected : str
        What an accepted value is, in words (ends an error message:
        "... (expected <expected>)").
    low_open : bool
        True when ``low`` itself is refused (a duration must be more than 0).
    step : float
        The natural increment of a form widget for this value.
    why : str
        Why the bounds are where they are.
    """

    column: str
    low: float
    high: float
    expected: str
    low_open: bool = False
    step: float = 1.0
    why: str = ""

    def accepts(self, value: float) -> bool:
        """Whether ``value`` (a number) lies inside the limits."""
        if math.isnan(value):
            return False
        too_low = value <= self.low if self.low_open else value < self.low
        return not too_low and value <= self.high

    @property
    def form_min(self) -> float:
        """The smallest value a form widget offers.

        ``low`` itself, or when it is open one unit above it (at most one step):
        a 5-second cramp can be typed in the form as in the log.
        """
        return self.low + min(self.step, 1.0) if self.low_open else self.low


CRAMP_SEVERITY = Limit(
    "severity_0_10",
    0.0,
    10.0,
    "a number from 0 (no pain) to 10 (worst)",
    why="the scale's own ends",
)
CRAMP_DURATION = Limit(
    "duration_s",
    0.0,
    3600.0,
    "seconds, more than 0 and at most 3600",
    low_open=True,
    step=10.0,
    why="cramps last seconds to minutes (Miller et al. 2022); an hour is a typing error",
)
FLUID = Limit(
    "fluid_l",
    0.0,
    20.0,
    "litres drunk that day, from 0 to 20",
    step=0.25,
    why="20 L in a day catches millilitres typed as litres (500 for 0.5)",
)
ALCOHOL = Limit(
    "alcohol_drinks",
    0.0,
    40.0,
    "a number of drinks from 0 to 40",
    why="40 drinks catches a volume (ml) typed as a count",
)
CAFFEINE = Limit(
    "caffeine_mg",
    0.0,
    2000.0,
    "milligrams of caffeine from 0 to 2000",
    step=10.0,
    why="five times the 400 mg a day that raises no safety concern for adults (EFSA 2015); "
    "more is a unit slip",
)
STRETCHING = Limit(
    "stretching_min",
    0.0,
    1440.0,
    "minutes from 0 to 1440 (a day)",
    step=5.0,
    why="a day has 1440 minutes",
)

SWEAT_LOSS = Limit(
    "sweat_loss_l",
    0.0,
    20.0,
    "litres of sweat lost that day, from 0 to 20",
    step=0.1,
    why="20 L in a day catches millilitres read as litres",
)

#: Every logged value's limits, by column name.
LIMITS: dict[str, Limit] = {
    limit.column: limit
    for limit in (
        CRAMP_SEVERITY,
        CRAMP_DURATION,
        FLUID,
        ALCOHOL,
        CAFFEINE,
        STRETCHING,
        SWEAT_LOSS,
    )
}
