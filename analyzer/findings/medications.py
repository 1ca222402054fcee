"""Cramp rates before and after each medication start or stop.

For every start (and end) date of a logged medication inside the data span,
the cramps of each type are counted in the ``rate_window_days`` before and
after the change, and person-time is the number of days with any data in each
window (missing is not zero). The time on the drug bounds the windows: after a
start they end when the course ends, before a stop they begin when it began.
The rate ratio, its exact test and limits come from
:func:`analyzer.findings.rates.rate_ratio`. A before/after comparison is open
to regression to the mean (people start a treatment when cramps are worst),
which the method note says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.findings.casecrossover import day_axis
from analyzer.findings.events import CRAMP_TYPES
from analyzer.findings.exposures import covered_days
from analyzer.findings.params import FindingsParams
from analyzer.findings.rates import rate_ratio


def _changes(medications: pd.DataFrame, first: np.datetime64, last: np.datetime64):
    """Yield (name, verb, change day, other end of the course or None) for each start and stop.

    The other end bounds the comparison: after a start, the window ends when
    the course ends; before a stop, it begins when the course began.
    """
    for _, med in medications.iterrows():
        name = str(med.get("name") or "").strip() or "a medication"
        start, end = (
            pd.to_datetime(med.get(c), errors="coerce") for c in ("start_date", "end_date")
        )
        start = None if pd.isna(start) else np.datetime64(start.date(), "D")
        end = None if pd.isna(end) else np.datetime64(end.date(), "D")
        if start is not None and first < start <= last:
            yield name, "starting", start, end
        if end is not None and first < end <= last:
            yield name, "stopping", end, start


def medication_rate_ratios(
    daily: pd.DataFrame,
    cramps: pd.DataFrame,
    medications: pd.DataFrame | None,
    params: FindingsParams,
) -> pd.DataFrame:
    """Rate ratio after/before every medication start or stop, per cramp type.

    Parameters
    ----------
    daily : pandas.DataFrame
        Prepared daily table (``day`` column, see ``prepare_daily``).
    cramps : pandas.DataFrame
        Cramps with ``cramp_type`` and ``index_day`` (see ``cramp_index_days``).
    medications : pandas.DataFrame or None
        Canonical medications table.
    params : FindingsParams
        ``rate_window_days`` and ``confidence_level``.

    Returns
    -------
    pandas.DataFrame
        One row per change and cramp type with any cramp in the windows:
        ``medication``, ``change`` (e.g. "starting hydrochlorothiazide"),
        ``change_date``, ``cramp_type``, ``n_before``, ``days_before``,
        ``n_after``, ``days_after``, ``estimate``, ``ci_low``, ``ci_high``, ``p_value``.
    """
    columns = [
        "medication",
        "change",
        "change_date",
        "cramp_type",
        "n_before",
        "days_before",
        "n_after",
        "days_after",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
    ]
    days = day_axis(daily)
    if medications is None or medications.empty or days.size < 2:
        return pd.DataFrame(columns=columns)
    covered = covered_days(daily)
    window = params.rate_window_days
    rows = []
    for name, verb, day, other_end in _changes(medications, days[0], days[-1]):
        lo, hi = day - window, day + window
        if other_end is not None and verb == "starting":
            hi = min(hi, other_end)
        if other_end is not None and verb == "stopping":
            lo = max(lo, other_end)
        before = (days >= lo) & (days < day)
        after = (days >= day) & (days < hi)
        t_before, t_after = int((before & covered).sum()), int((after & covered).sum())
        if t_before == 0 or t_after == 0:
            continue
        for cramp_type in CRAMP_TYPES:
            mine = cramps.loc[cramps["cramp_type"] == cramp_type, "index_day"].to_numpy()
            mine = mine.astype("datetime64[D]")
            on_covered = np.isin(mine, days[covered])
            n_b = int(((mine >= lo) & (mine < day) & on_covered).sum())
            n_a = int(((mine >= day) & (mine < hi) & on_covered).sum())
            if n_b + n_a == 0:
                continue
            rr = rate_ratio(n_b, t_before, n_a, t_after, level=params.confidence_level)
            rows.append(
                dict(
                    medication=name,
                    change=f"{verb} {name}",
                    change_date=str(day),
                    cramp_type=cramp_type,
                    n_before=n_b,
                    days_before=t_before,
                    n_after=n_a,
                    days_after=t_after,
                    estimate=rr.estimate,
                    ci_low=rr.ci_low,
                    ci_high=rr.ci_high,
                    p_value=rr.p_value,
                )
            )
    return pd.DataFrame(rows, columns=columns)
