"""Exposures from the daily log: dehydration, electrolytes, alcohol and the athlete's own items.

Each is a binary exposure read from the daily table's daily-log columns
(:mod:`analyzer.indicators.journal`), compared in the same case-crossover
design as the others:

* exercise-associated cramps, on the training day (lag 0): a day logged as
  not hydrated (``not_hydrated``, with the fluid drunk per SD as its
  dose-response twin), a day logged without electrolytes
  (``no_electrolytes``), and a hot, long session on a day without
  electrolytes (``hot_long_no_electrolytes``: the same "hot" and "long" rules
  as the ``heat`` and ``long_session`` exposures, heat times duration);
* nocturnal cramps, the day before the night (lag -1): not hydrated that day
  (``not_hydrated``) and alcohol that evening (``alcohol``);
* each of the athlete's own yes/no items (``tag:<name>``), exploratory, on the
  training day and the day before a night, when both answers were given on
  at least ``FindingsParams.tag_min_answers`` days.

**Only logged days are compared.** A day without an answer is missing (NaN)
for that exposure, so it is neither a case nor a referent: the matched
windows drop it (:func:`analyzer.findings.casecrossover.exposure_windows`).
Counting an unanswered day as "no" would fill the referents with days whose
true answer is unknown and bias the odds ratio towards 1 when, as with a
journal answered on the days one remembers, the unanswered days differ.

Why these, and why dehydration and electrolytes are primary hypotheses for
exercise-associated cramps: they are what athletes most often blame, the
product's brief names them, and the evidence is mixed rather than absent.
Exertional "heat cramps" with large sweat and salt losses are supported by
industrial medical records, an intervention trial and field studies (Maughan
& Shirreffs 2019); among 10,553 Ironman medical-tent records, dehydration was
more common with cramps (OR 1.63, 95% CI 1.49-1.78; Johnson et al., a
conference abstract); prospective cohorts of endurance athletes found no
difference in serum electrolytes or body-mass change (Schwellnus et al. 2011;
Miller et al. 2022 review the debate). Testing them, pre-specified, on the
athlete's own days is how the product answers "do I cramp on the days I don't
drink enough?" without overstating either side.

References
----------
.. [1] Maughan RJ, Shirreffs SM. Muscle cramping during exercise: causes,
   solutions, and questions remaining. Sports Med 2019;49(Suppl 2):115-124.
   doi:10.1007/s40279-019-01162-1.
.. [2] Schwellnus MP, Drew N, Collins M. Increased running speed and previous
   cramps rather than dehydration or serum sodium changes predict
   exercise-associated muscle cramping: a prospective cohort study in 210
   Ironman triathletes. Br J Sports Med 2011;45(8):650-656.
   doi:10.1136/bjsm.2010.078535.
.. [3] Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP. An
   evidence-based review of the pathophysiology, treatment, and prevention of
   exercise-associated muscle cramps. J Athl Train 2022;57(1):5-15.
   doi:10.4085/1062-6050-0696.20.
.. [4] Johnson K, Connolly C, Nilssen P, Miller T, Hiller WD. Kona Ironman
   medical records 1989-2019. Int J Exerc Sci Conf Proc 8(10) (abstract).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.findings.exposure_spec import Exposure
from analyzer.findings.exposures import binary_exposures
from analyzer.findings.params import FindingsParams
from analyzer.indicators.journal import PREFIX, TAG_PREFIX, logged_days

#: The daily-log exposures that are pre-specified primary hypotheses, per cramp type.
PRIMARY = {"exercise": ("not_hydrated", "no_electrolytes", "hot_long_no_electrolytes")}

_EXERCISE = {"exercise": 0}
_DAY_BEFORE_NIGHT = {"nocturnal": -1}
_BOTH = {"exercise": 0, "nocturnal": -1}


def _log(daily: pd.DataFrame, item: str) -> np.ndarray:
    column = PREFIX + item
    if column not in daily.columns:
        return np.full(len(daily), np.nan)
    return pd.to_numeric(daily[column], errors="coerce").to_numpy(dtype=float)


def answered(daily: pd.DataFrame, column: str, exposed_answer: float) -> np.ndarray:
    """1 where ``column`` holds ``exposed_answer``, 0 where it holds the other, NaN unanswered."""
    x = pd.to_numeric(daily[column], errors="coerce").to_numpy(dtype=float)
    out = np.where(x == exposed_answer, 1.0, 0.0)
    out[np.isnan(x)] = np.nan
    return out


def _answer(item: str, exposed_answer: float):
    return lambda daily: (
        answered(daily, PREFIX + item, exposed_answer)
        if PREFIX + item in daily.columns
        else np.full(len(daily), np.nan)
    )


def all_of(*values: np.ndarray) -> np.ndarray:
    """Logical AND of 0/1 exposures with NaN unknown: 0 if any is 0, else NaN if any unknown."""
    stacked = np.vstack(values)
    out = np.where(np.all(stacked == 1, axis=0), 1.0, np.nan)
    out[np.any(stacked == 0, axis=0)] = 0.0
    return out


def _hot_long_without_electrolytes(params: FindingsParams):
    rules = {e.key: e for e in binary_exposures(params)}

    def values(daily: pd.DataFrame) -> np.ndarray:
        no_electrolytes = _answer("electrolytes", 0.0)(daily)
        out = all_of(
            rules["heat"].values(daily), rules["long_session"].values(daily), no_electrolytes
        )
        out[np.isnan(no_electrolytes)] = np.nan  # only days with electrolytes logged
        return out

    return values


def item_exposures(params: FindingsParams) -> list[Exposure]:
    """The pre-specified daily-log exposures (see the module notes)."""
    return [
        Exposure(
            "not_hydrated",
            "binary",
            "too little to drink (logged as not hydrated)",
            _BOTH,
            _answer("hydrated", 0.0),
            label="too little to drink",
            per_sd=Exposure(
                "fluid_per_sd",
                "continuous",
                "fluid drunk",
                _BOTH,
                lambda daily: _log(daily, "fluid_l"),
                direction=-1,
                unit="L",
            ),
        ),
        Exposure(
            "no_electrolytes",
            "binary",
            "no electrolytes (logged: no salt tablets, sports drink or mix)",
            _EXERCISE,
            _answer("electrolytes", 0.0),
            label="no electrolytes",
        ),
        Exposure(
            "hot_long_no_electrolytes",
            "binary",
            "a hot, long session and no electrolytes",
            _EXERCISE,
            _hot_long_without_electrolytes(params),
            label="a hot, long session without electrolytes",
        ),
        Exposure(
            "alcohol",
            "binary",
            "alcohol (logged)",
            _DAY_BEFORE_NIGHT,
            _answer("alcohol", 1.0),
            label="alcohol the evening before",
        ),
    ]


def tag_exposures(daily: pd.DataFrame, params: FindingsParams) -> list[Exposure]:
    """One exploratory exposure per own yes/no item answered both ways often enough."""
    out = []
    for column in sorted(c for c in daily.columns if c.startswith(TAG_PREFIX)):
        values = pd.to_numeric(daily[column], errors="coerce")
        n_yes, n_no = int((values == 1).sum()), int((values == 0).sum())
        if min(n_yes, n_no) < params.tag_min_answers:
            continue
        name = column[len(TAG_PREFIX) :]
        out.append(
            Exposure(
                f"tag:{name}",
                "binary",
                f"'{name}' answered yes",
                _BOTH,
                lambda daily, c=column: answered(daily, c, 1.0),
                label=f"'{name}'",
            )
        )
    return out


#: The daily-log item each exposure needs answered on some day to be compared at all.
NEEDS = {
    "not_hydrated": "hydrated",
    "no_electrolytes": "electrolytes",
    "hot_long_no_electrolytes": "electrolytes",
    "alcohol": "alcohol",
}


def journal_exposures(daily: pd.DataFrame, params: FindingsParams) -> list[Exposure]:
    """The daily-log exposures whose item the athlete answered on some day, and own items."""
    answered_items = {
        column[len(PREFIX) :]
        for column in daily.columns
        if column.startswith(PREFIX) and daily[column].notna().any()
    }
    items = [e for e in item_exposures(params) if NEEDS[e.key] in answered_items]
    return items + tag_exposures(daily, params)


def journal_notes(daily: pd.DataFrame, params: FindingsParams) -> list[str]:
    """How many days the daily log covers, item by item, and the rule for unanswered days."""
    counts = logged_days(daily)
    if counts.get("any", 0) == 0:
        return []
    items = ", ".join(
        f"{name.replace('_', ' ')} on {counts[name]}"
        for name in ("hydrated", "electrolytes", "alcohol", "fluid_l")
        if counts.get(name)
    )
    tags = [c[len(TAG_PREFIX) :] for c in daily.columns if c.startswith(TAG_PREFIX)]
    tested = {e.key[len("tag:") :] for e in tag_exposures(daily, params)}
    untested = [t for t in tags if t not in tested]
    notes = [
        f"Daily log: {counts['any']} of {len(daily)} days hold an answer"
        + (f" ({items})" if items else "")
        + ". Each item is compared only on the days that answer it; a day without an answer "
        "is neither a cramp day nor a control day for that item, never counted as a 'no'."
    ]
    if untested:
        notes.append(
            f"{len(untested)} of your own yes/no item(s) were answered each way on fewer than "
            f"{params.tag_min_answers} days and are not compared: "
            + ", ".join(f"'{t}'" for t in untested[:6])
            + ("..." if len(untested) > 6 else "")
            + "."
        )
    return notes
