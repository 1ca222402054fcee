"""Medication rates count the days a cramp could happen on, and say when nothing compares.

* Exercise-associated cramps cannot happen without a session: the person-time
  on and off a drug is training days, not calendar days.
* A course without an end date lasts to the end of the data, so an exercise
  cramp months after the start is a cramp while taking it.
* Nocturnal cramps count nights with data; the night after a dose is on the
  drug, in the calendar month of its wake-up date.
* When no calendar month has days both on and off the drug and a cramp, the
  row says the two cannot be compared, with the counts, and gives no ratio.

The daily tables here are built by hand (a date, a coverage flag and a session
count a day); the oracle of the single-stratum rate ratio is the binomial test
of ``scipy.stats`` on counts taken with pandas from the same dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.casecrossover import prepare_daily
from analyzer.findings.events import cramp_index_days
from analyzer.findings.medications import medication_rate_ratios
from analyzer.findings.sentences import rate_sentence

FAST = FindingsParams(n_permutations=20)


def _daily(covered: pd.DatetimeIndex, training: list[str]) -> pd.DataFrame:
    """One row per covered date; a session on the ``training`` dates."""
    sessions = covered.isin(pd.to_datetime(training)).astype(float)
    return pd.DataFrame(
        {
            "date": covered.strftime("%Y-%m-%d"),
            "coverage": np.ones(len(covered)),
            "session_count": sessions,
            "load": np.where(sessions > 0, 80.0, 0.0),
        }
    )


def _cramps(when: list[str], context: str) -> pd.DataFrame:
    start = pd.to_datetime(pd.Series(when)).dt.tz_localize("UTC")
    return pd.DataFrame({"start_utc": start, "context": context})


def _drug(start: str, end: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {"name": ["drug"], "kind": ["medication"], "start_date": [start], "end_date": [end]}
    )


def _rates(daily, cramps, meds) -> pd.DataFrame:
    events = cramp_index_days(cramps, "UTC")
    return medication_rate_ratios(prepare_daily(daily), events, meds, FindingsParams())


def _row(rates: pd.DataFrame, cramp_type: str) -> dict:
    return rates.set_index("cramp_type").loc[cramp_type].to_dict() | {"cramp_type": cramp_type}


def test_exercise_person_time_is_training_days_and_an_open_course_runs_to_the_end():
    # Three years of data, training on Tuesdays and Saturdays; the drug is started
    # on 2021-06-08 and never stopped. February is the only month with cramps:
    # one in February 2021 (off it), one in February 2022 (on it, eight months on).
    # Tuesdays and Saturdays: 9 in February 2020, 8 in February 2021 and 8 in 2022.
    covered = pd.date_range("2020-01-01", "2022-12-31", freq="D")
    training = covered[covered.day_of_week.isin([1, 5])]
    february = training[training.month == 2]
    on_days = int((february >= "2021-06-08").sum())
    off_days = int((february < "2021-06-08").sum())
    cramp_on = str(february[february.year == 2022][2].date())
    cramp_off = str(february[february.year == 2021][1].date())
    daily = _daily(covered, list(training.strftime("%Y-%m-%d")))
    cramps = _cramps([f"{cramp_off} 17:00", f"{cramp_on} 17:00"], "exercise")
    row = _row(_rates(daily, cramps, _drug("2021-06-08", None)), "exercise")

    assert (row["n_on"], row["n_off"]) == (1, 1)
    assert (row["days_on"], row["days_off"]) == (on_days, off_days) == (8, 17)
    assert row["end_date"] is None
    oracle = stats.binomtest(1, 2, on_days / (on_days + off_days))
    assert row["estimate"] == pytest.approx((1 / on_days) / (1 / off_days), rel=1e-6)
    assert row["p_value"] == pytest.approx(oracle.pvalue, rel=1e-6)


def test_an_exercise_cramp_on_the_drug_in_a_month_without_training_off_it_is_not_compared():
    # The shape QA met: a month of wellness data with no training at all just
    # after the start, scattered sessions in other years, one exercise cramp
    # while the course (no end date) is ongoing, one long before it.
    june = pd.date_range("2021-06-01", "2021-06-30", freq="D")
    sessions = ["2015-08-15", "2015-08-29", "2018-06-14", "2021-07-20", "2022-02-07", "2023-08-26"]
    covered = june.union(pd.to_datetime(sessions))
    daily = _daily(covered, sessions)
    cramps = _cramps(["2018-06-14 17:10", "2022-02-07 18:00"], "exercise")
    meds = _drug("2021-06-08", None)
    row = _row(_rates(daily, cramps, meds), "exercise")

    assert row["status"] == "not_comparable"
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_high"]) and np.isnan(row["p_value"])
    assert (row["n_on_all"], row["days_on_all"]) == (1, 3)  # 2021-07-20, 2022-02-07, 2023-08-26
    assert (row["n_off_all"], row["days_off_all"]) == (1, 3)
    sentence = rate_sentence(row | {"phrase": "taking drug", "evidence": "descriptive_only"})
    assert "cannot be compared" in sentence
    assert "1 in 3 training days on it, 1 in 3 training days off it" in sentence
    assert "No exercise" not in sentence

    res = analyze_athlete(daily, cramps, meds, params=FAST)
    finding = res.findings.set_index(["cramp_type", "exposure"]).loc[
        ("exercise", "on_medication:drug")
    ]
    assert np.isnan(finding["estimate"]) and np.isnan(finding["p_value"])
    assert "cannot be compared" in finding["sentence"]


def test_the_night_after_the_last_dose_is_one_night_on_it_and_reads_so():
    # A drug taken through May only; data and all seven nocturnal cramps in June.
    # The night after the last dose (ending June 1, a June night) is the only night
    # on it with data: June compares 1 night on it with 29 off it.
    covered = pd.date_range("2021-06-01", "2021-06-30", freq="D")
    daily = _daily(covered, [])
    nights = ["2021-06-03", "2021-06-07", "2021-06-11", "2021-06-14"]
    nights += ["2021-06-18", "2021-06-21", "2021-06-26"]
    cramps = _cramps([f"{d} 02:00" for d in nights], "night")
    row = _row(_rates(daily, cramps, _drug("2021-05-01", "2021-05-31")), "nocturnal")

    assert (row["n_on"], row["days_on"], row["n_off"], row["days_off"]) == (0, 1, 7, 29)
    # One stratum: the classical exact test, Clopper-Pearson limits of the on-share.
    oracle = stats.binomtest(0, 7, 1 / 30)
    share = oracle.proportion_ci(0.95, method="exact").high
    assert row["estimate"] == 0 and row["p_value"] == pytest.approx(oracle.pvalue)
    assert row["ci_high"] == pytest.approx(share / (1 - share) * 29, rel=1e-4)
    sentence = rate_sentence(row | {"phrase": "taking drug", "evidence": "descriptive_only"})
    assert "(0 in 1 night on it, 7 in 29 nights off it)" in sentence
    assert "1 nights" not in sentence and "days on it" not in sentence


def test_months_on_and_off_the_drug_without_a_cramp_in_them_compare_nothing():
    # Ten days on the drug in March 2024 (a month with days off it too), every
    # nocturnal cramp in June and September: no month has both states and a cramp.
    covered = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    daily = _daily(covered, [])
    cramps = _cramps(["2024-06-05 03:00", "2024-06-20 03:00", "2024-09-09 03:00"], "night")
    row = _row(_rates(daily, cramps, _drug("2024-03-10", "2024-03-19")), "nocturnal")

    assert row["status"] == "not_comparable" and np.isnan(row["estimate"])
    assert (row["n_on_all"], row["days_on_all"], row["n_off_all"]) == (0, 10, 3)
    assert (row["n_compared"], row["days_on"], row["days_off"]) == (0, 0, 0)
    sentence = rate_sentence(row | {"phrase": "taking drug", "evidence": "descriptive_only"})
    assert (
        "cannot be compared" in sentence and "0 in 10 nights on it, 3 in 356 nights off" in sentence
    )


def test_compared_counts_leave_out_cramps_of_months_all_on_or_all_off_and_say_so():
    # Two years of nights; the drug is taken through March 2025, so the nights ending
    # 2025-03-02 .. 04-01 follow a dose. March compares (2024 and the night ending
    # 2025-03-01 off it); a cramp in June 2025 (all off) is left out, and said so.
    covered = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    daily = _daily(covered, [])
    cramps = _cramps(["2024-03-05 03:00", "2025-03-12 03:00", "2025-06-20 03:00"], "night")
    row = _row(_rates(daily, cramps, _drug("2025-03-01", "2025-03-31")), "nocturnal")

    assert (row["n_on"], row["days_on"], row["n_off"], row["days_off"]) == (1, 30, 1, 32)
    assert (row["n_on_all"], row["n_off_all"]) == (1, 2)
    oracle = stats.binomtest(1, 2, 30 / 62)
    assert row["estimate"] == pytest.approx((1 / 30) / (1 / 32), rel=1e-6)
    assert row["p_value"] == pytest.approx(oracle.pvalue, rel=1e-6)
    sentence = rate_sentence(row | {"phrase": "taking drug", "evidence": "descriptive_only"})
    assert "1 in 30 nights on it, 1 in 32 nights off it" in sentence
    assert "not compared: 1 while off it, in months without nights on it" in sentence


def test_the_report_says_under_the_medications_what_cannot_be_compared():
    from analyzer.findings.report import render_markdown, report_document

    sessions = ["2018-06-14", "2021-07-20", "2022-02-07", "2023-08-26"]
    covered = pd.date_range("2021-06-01", "2021-06-30", freq="D").union(pd.to_datetime(sessions))
    daily = _daily(covered, sessions)
    cramps = _cramps(["2018-06-14 17:10", "2022-02-07 18:00"], "exercise")
    meds = _drug("2021-06-08", None)
    res = analyze_athlete(daily, cramps, meds, params=FAST)
    doc = report_document(res, {"athlete_id": "qa", "timezone": "UTC"}, daily, meds)
    timeline = render_markdown(doc).split("## Medication timeline", 1)[1]
    assert "cannot be compared" in timeline
    assert "1 in 3 training days on it, 1 in 1 training day off it" in timeline
