"""Cramp rates while taking each medication, against days off it in the same calendar months.

A before/after comparison around a start date is confounded by season:
nocturnal leg cramps are about twice as common in summer as in winter
(new quinine prescriptions and searches for "leg cramps" roughly double from
winter low to summer high: Garrison SR et al. *CMAJ* 2015;187(4):248-253), so
a drug started in spring looks harmful and one started in autumn protective. Here the whole course
is the exposure ("on the medication"), and each cramp is compared only with
days of the same calendar month of the year, in any year of the data:
conditional Poisson regression on daily counts with month-of-year strata,
which equals a time-stratified conditional logistic model with every day of
the stratum as a control (Armstrong BG, Gasparrini A, Tobias A. Conditional
Poisson models: a flexible alternative to conditional logistic case
cross-over analysis. *BMC Med Res Methodol* 2014;14:122,
doi:10.1186/1471-2288-14-122). It is also the self-controlled case series of
pharmacoepidemiology with the risk period the course and season as the
adjustment (Whitaker HJ, Farrington CP, Spiessens B, Musonda P. Tutorial in
biostatistics: the self-controlled case series method. *Stat Med*
2006;25(10):1768-1797, doi:10.1002/sim.2302).

Person-time is counted on the days a cramp could have happened
(:func:`analyzer.findings.exposure_rules.at_risk`): training days for
exercise-associated cramps, which cannot happen without a session, and nights
with device data for nocturnal cramps. Each such cramp is one matched set:
``k`` days at risk on the drug and ``n`` days at risk in its calendar month
(all years), ``a`` = 1 if the cramp fell on the drug. The exact conditional
test and limits of :func:`analyzer.findings.exact.exact_binary_test` then
give the rate ratio; with a single stratum this is the classical exact
rate-ratio test (Breslow NE, Day NE. *Statistical Methods in Cancer Research
II*, IARC 1987, ch. 2). Only a month with days at risk both on and off the
drug and at least one cramp informs it; when no month does, the row says the
two cannot be compared, with the counts, instead of printing a ratio.

Nocturnal cramps count against the drug taken the day before their night's
wake-up date (a drug taken on day d acts on the night ending on d + 1), and
a night's calendar month is that of its wake-up date, as everywhere else. So
with less than a year of data a course covering whole calendar months is
compared only through the nights at its ends (the night after its last dose
falls in the next month), and the counts in the sentence show how few they
are. A course without an end date lasts to the end of the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.findings.casecrossover import day_axis
from analyzer.findings.events import CRAMP_TYPES
from analyzer.findings.exact import exact_binary_test
from analyzer.findings.exposure_rules import at_risk
from analyzer.findings.params import FindingsParams

#: Offset from the day the drug is taken to the cramp's index day, per cramp type [days].
DOSE_TO_INDEX_DAYS = {"exercise": 0, "nocturnal": 1}

RATE_COLUMNS = [
    "medication",
    "change",
    "start_date",
    "end_date",
    "cramp_type",
    "n_on",
    "days_on",
    "n_off",
    "days_off",
    "n_compared",
    "n_on_all",
    "days_on_all",
    "n_off_all",
    "days_off_all",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
]


def _courses(medications: pd.DataFrame) -> dict[str, list[tuple]]:
    """Courses per medication name, by start: (start, end) days, ``None`` = still taking it."""
    out: dict[str, list[tuple]] = {}
    for _, med in medications.iterrows():
        name = str(med.get("name") or "").strip()
        start, end = (
            pd.to_datetime(med.get(c), errors="coerce") for c in ("start_date", "end_date")
        )
        if not name or pd.isna(start):
            continue
        start = np.datetime64(start.date(), "D")
        end = None if pd.isna(end) else np.datetime64(end.date(), "D")
        out.setdefault(name, []).append((start, end))
    return {name: sorted(courses, key=lambda c: c[0]) for name, courses in out.items()}


def _taking(days: np.ndarray, courses: list[tuple]) -> np.ndarray:
    """True on the days inside a course; an open course runs to the end of ``days``."""
    on = np.zeros(days.size, bool)
    for start, end in courses:
        on |= (days >= start) & ((days <= end) if end is not None else True)
    return on


def _month_of_year(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[M]").astype(np.int64) % 12


def season_adjusted_rate(
    days: np.ndarray,
    at_risk: np.ndarray,
    on: np.ndarray,
    cramp_days: np.ndarray,
    level: float = 0.95,
) -> dict:
    """Rate ratio on/off an exposure within calendar-month-of-year strata.

    Parameters
    ----------
    days : numpy.ndarray of datetime64[D]
        Gap-free day axis; each day's calendar month is its stratum.
    at_risk : numpy.ndarray of bool
        Days a cramp could have happened on (person-time).
    on : numpy.ndarray of bool
        Days exposed.
    cramp_days : numpy.ndarray of datetime64[D]
        Day of each cramp on the same axis; cramps outside it or on days not
        at risk are left out.
    level : float
        Confidence level.

    Returns
    -------
    dict
        ``n_on``/``n_off`` cramps and ``days_on``/``days_off`` at risk in the
        compared months (days both on and off the exposure, and a cramp);
        ``n_compared`` cramps in them; the same counts over every day at risk
        (``n_on_all``, ``days_on_all``, ``n_off_all``, ``days_off_all``);
        ``estimate``, ``ci_low``, ``ci_high``, ``p_value`` and ``status``
        (``"ok"``, or ``"not_comparable"`` when no month is compared).
    """
    month = _month_of_year(days)
    on_days = np.bincount(month, weights=at_risk & on, minlength=12)
    all_days = np.bincount(month, weights=at_risk, minlength=12)
    where = np.searchsorted(days, cramp_days)
    inside = (where < days.size) & (days[np.minimum(where, days.size - 1)] == cramp_days)
    where = where[inside]
    where = where[at_risk[where]]
    c_month = month[where]
    a, k, n = on[where].astype(int), on_days[c_month], all_days[c_month]
    with_cramps = np.bincount(c_month, minlength=12) > 0
    compared = (on_days > 0) & (on_days < all_days) & with_cramps
    used = compared[c_month]
    out = dict(
        n_on=int(a[used].sum()),
        days_on=int(on_days[compared].sum()),
        n_off=int((1 - a[used]).sum()),
        days_off=int((all_days - on_days)[compared].sum()),
        n_compared=int(used.sum()),
        n_on_all=int(a.sum()),
        days_on_all=int(on_days.sum()),
        n_off_all=int((1 - a).sum()),
        days_off_all=int((all_days - on_days).sum()),
        estimate=np.nan,
        ci_low=np.nan,
        ci_high=np.nan,
        p_value=np.nan,
    )
    if not used.any():
        return dict(out, status="not_comparable")
    exact = exact_binary_test(a[used], k[used], n[used], level=level)
    return dict(
        out,
        estimate=exact.estimate,
        ci_low=exact.ci_low,
        ci_high=exact.ci_high,
        p_value=exact.p_value,
        status="ok",
    )


def medication_rate_ratios(
    daily: pd.DataFrame,
    cramps: pd.DataFrame,
    medications: pd.DataFrame | None,
    params: FindingsParams,
) -> pd.DataFrame:
    """Season-adjusted rate ratio while taking each medication, per cramp type.

    Parameters
    ----------
    daily : pandas.DataFrame
        Prepared daily table (``day`` column, see ``prepare_daily``).
    cramps : pandas.DataFrame
        Cramps with ``cramp_type`` and ``index_day`` (see ``cramp_index_days``).
    medications : pandas.DataFrame or None
        Canonical medications table.
    params : FindingsParams
        ``confidence_level``.

    Returns
    -------
    pandas.DataFrame
        One row per medication and cramp type with at least one cramp on a day
        at risk, whose course covers some days at risk and leaves some out:
        :data:`RATE_COLUMNS` (``change`` reads "taking X").
    """
    axis = day_axis(daily)
    if medications is None or medications.empty or axis.size < 2:
        return pd.DataFrame(columns=RATE_COLUMNS)
    lags = {t: np.timedelta64(DOSE_TO_INDEX_DAYS[t], "D") for t in CRAMP_TYPES}
    risk = {t: at_risk(daily, t) for t in CRAMP_TYPES}
    index_days = {
        t: cramps.loc[cramps["cramp_type"] == t, "index_day"].to_numpy().astype("datetime64[D]")
        for t in CRAMP_TYPES
    }
    rows = []
    for name, taken in _courses(medications).items():
        ends = [end for _, end in taken]
        for cramp_type in CRAMP_TYPES:
            on = _taking(axis - lags[cramp_type], taken)
            mine, at = index_days[cramp_type], risk[cramp_type]
            if not (on & at).any() or (on | ~at).all() or not np.isin(mine, axis[at]).any():
                continue
            rate = season_adjusted_rate(axis, at, on, mine, params.confidence_level)
            rows.append(
                dict(
                    medication=name,
                    change=f"taking {name}",
                    start_date=str(taken[0][0]),
                    end_date=None if any(end is None for end in ends) else str(max(ends)),
                    cramp_type=cramp_type,
                    **rate,
                )
            )
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def rate_rows(rates: pd.DataFrame) -> list[dict]:
    """Findings rows of the season-adjusted rate ratios (in the one Benjamini-Hochberg family).

    ``n_events`` counts the cramps compared (in months with days both on and
    off the drug); ``n_referents`` the days off it in those months.
    """
    rows = []
    for _, r in rates.iterrows():
        rows.append(
            dict(
                status=r["status"],
                cramp_type=r["cramp_type"],
                exposure=f"on_medication:{r['medication']}",
                label=f"taking {r['medication']}",
                kind="rate_ratio",
                phrase=r["change"],
                estimate=r["estimate"],
                ci_low=r["ci_low"],
                ci_high=r["ci_high"],
                p_value=r["p_value"],
                n_events=int(r["n_compared"]),
                n_referents=int(r["days_off"]),
                exposed_events=int(r["n_on"]),
                lag_days=DOSE_TO_INDEX_DAYS[r["cramp_type"]],
                per_sd_measure="",
                sd=np.nan,
                unit="",
                method="exact conditional Poisson test, month-of-year strata (rate ratio)",
                n_on=r["n_on"],
                days_on=r["days_on"],
                n_off=r["n_off"],
                days_off=r["days_off"],
                n_on_all=r["n_on_all"],
                days_on_all=r["days_on_all"],
                n_off_all=r["n_off_all"],
                days_off_all=r["days_off_all"],
            )
        )
    return rows


#: Findings about a medication: the case-crossover start window and the course's rate ratio.
MEDICATION_PREFIXES = ("on_medication:", "medication_started:")


def medication_note(findings: pd.DataFrame) -> str | None:
    """The "discuss with your doctor" note, when a medication finding is clear and harmful.

    Keyed on the adjusted evidence (``clear``), never on a raw p-value: with
    dozens of comparisons one in twenty reaches p < 0.05 by chance.
    """
    if findings.empty:
        return None
    signal = findings.loc[
        findings["exposure"].str.startswith(MEDICATION_PREFIXES)
        & (findings["estimate"] > 1)
        & (findings["evidence"] == "clear")
    ]
    if signal.empty:
        return None
    names = sorted({key.split(":", 1)[1] for key in signal["exposure"]})
    return (
        f"Cramps were more frequent while taking or after starting {', '.join(names)}. Some "
        "medications are associated with cramps: please discuss this with your doctor, and do "
        "not stop or change a medication on the basis of this report."
    )
