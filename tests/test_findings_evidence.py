"""Words match the evidence; referent days only where data exist.

* every finding carries an ``evidence`` level and its sentence opens with what it means;
* the summary says what stands out, or that nothing does after N comparisons;
* exercise-cramp referents are days with a session, whether or not the load is known
  (so that an athlete with no HR rest/max set keeps every exercise cramp);
* days without device data give no TSB/CTL observations (they are not referents);
* the medication note follows adjusted evidence, not a raw p-value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.athlete import athlete_windows
from analyzer.findings.casecrossover import prepare_daily
from analyzer.findings.events import cramp_index_days
from analyzer.findings.evidence import (
    EVIDENCE_OPENERS,
    evidence_level,
    fmt_p,
    summary_text,
)
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

FAST = FindingsParams(n_permutations=100)


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    return synthetic_daily(730, seed=23)


@pytest.mark.parametrize(
    ("p", "q", "n", "level"),
    [
        (0.001, 0.01, 40, "clear"),
        (0.001, 0.2, 40, "suggestive"),
        (0.2, 0.6, 40, "none"),
        (None, None, 40, "none"),
        (0.0001, 0.001, 9, "descriptive_only"),
        (0.049, 0.0499, 10, "clear"),
        (0.05, 0.05, 10, "none"),
    ],
)
def test_evidence_levels(p, q, n, level):
    assert evidence_level(p, q, n) == level


def test_small_p_values_read_below_one_in_a_thousand_never_zero():
    assert fmt_p(0.0) == "< 0.001"
    assert fmt_p(3e-9) == "< 0.001"
    assert fmt_p(0.0042) == "0.004"
    assert fmt_p(0.2216) == "0.22"
    assert fmt_p(None) == "–" and fmt_p(float("nan")) == "–"


def test_every_sentence_opens_with_its_evidence(daily):
    cramps = planted_cramps(daily, 40, "nocturnal", "hard_day", 4.0, seed=3)
    f = analyze_athlete(daily, cramps, params=FAST).findings
    assert set(f["evidence"]) <= {"clear", "suggestive", "none", "descriptive_only"}
    for _, row in f.loc[f["status"] == "ok"].iterrows():
        assert row["sentence"].startswith(EVIDENCE_OPENERS[row["evidence"]]), row["sentence"]
    q, p = f["p_adjusted"], f["p_value"]
    assert (f.loc[q < 0.05, "evidence"] == "clear").all()
    assert (f.loc[(q >= 0.05) & (p < 0.05), "evidence"] == "suggestive").all()
    top = f.iloc[0]
    assert top["exposure"] == "hard_day" and top["evidence"] == "clear"


def test_summary_names_what_stands_out(daily):
    cramps = planted_cramps(daily, 40, "nocturnal", "hard_day", 4.0, seed=3)
    res = analyze_athlete(daily, cramps, params=FAST)
    assert res.summary.startswith("What stands out after allowing for all ")
    assert "a hard training day" in res.summary
    assert "not proof of a cause" in res.summary


def test_summary_of_no_effect_says_nothing_stands_out(daily):
    for seed in range(6):
        cramps = planted_cramps(daily, 40, "nocturnal", None, seed=100 + seed)
        res = analyze_athlete(daily, cramps, params=FAST)
        if not (res.findings["evidence"] == "clear").any():
            n = int(res.findings["p_value"].notna().sum())
            assert res.summary.startswith(f"Nothing stands out: none of the {n} comparisons")
            return
    pytest.fail("six no-effect athletes all had a clear finding")


def test_summary_with_few_or_no_cramps():
    empty = pd.DataFrame(columns=["p_value", "evidence", "cramp_type"])
    assert summary_text(empty, {}) == "No cramps are logged yet, so there is nothing to compare."
    assert summary_text(empty, {"other": 3}).startswith("Nothing can be compared yet")
    few = pd.DataFrame(
        {"p_value": [0.01], "evidence": ["descriptive_only"], "cramp_type": ["nocturnal"]}
    )
    text = summary_text(few, {"nocturnal": 6})
    assert text.startswith("Too few cramps to tell a pattern from chance yet (0 exercise")
    assert "6 nocturnal cramps" in text
    one = summary_text(few, {"nocturnal": 1, "exercise": 1})
    assert "(1 exercise-associated cramp, 1 nocturnal cramp;" in one, one


def _clear_row(**values) -> pd.DataFrame:
    row = dict(
        p_value=0.001,
        p_adjusted=0.01,
        evidence="clear",
        cramp_type="exercise",
        exposure="heat",
        label="a hot session",
        kind="odds_ratio",
        estimate=3.0,
        ci_low=1.5,
        ci_high=6.0,
        n_events=12,
    )
    return pd.DataFrame([row | values])


def test_summary_words_an_infinite_ratio_as_no_upper_limit():
    every = summary_text(_clear_row(estimate=np.inf, ci_low=2.5, ci_high=np.inf), {"exercise": 12})
    assert "came only with a hot session, so the ratio has no upper limit" in every, every
    assert "(95% lower limit 2.5; 12 cramps)" in every
    open_ended = summary_text(_clear_row(ci_high=np.inf), {"exercise": 12})
    assert "3.0 times as likely with a hot session (95% CI from 1.5, no upper limit" in open_ended
    rate = summary_text(
        _clear_row(kind="rate_ratio", label="taking X", estimate=np.inf, ci_high=np.inf),
        {"nocturnal": 12},
    )
    assert "came only while taking X" in rate
    for text in (every, open_ended, rate):
        assert "inf" not in text.replace("infinite", ""), text
        assert "no upper limit times" not in text


def _without_load(daily: pd.DataFrame) -> pd.DataFrame:
    """The same athlete with no HR rest/max set: sessions recorded, their load unknown."""
    out = daily.copy()
    training = out["session_count"] > 0
    cols = ["ctl", "atl", "tsb", "acwr_ewma", "acwr_rolling_uncoupled", "monotony", "strain"]
    out.loc[training, "load"] = np.nan
    out.loc[:, cols + ["consecutive_hard_days"]] = np.nan
    return out


def test_exercise_cramps_are_compared_when_load_is_unknown(daily):
    cramps = planted_cramps(daily, 40, "exercise", "long_session", 5.0, seed=8)
    res = analyze_athlete(_without_load(daily), cramps, params=FAST)
    f = res.findings.set_index("exposure")
    assert res.n_cramps == {"exercise": 40}
    assert f.loc["long_session", "n_events"] == 40
    assert f.loc["long_session", "evidence"] == "clear"
    # The exposures that need a load have nothing to compare, and say so.
    assert f.loc["hard_day", "status"] == "no_events"
    assert not any("days without a recorded session" in note for note in res.notes)


def test_exercise_cramp_on_a_day_without_a_session_is_not_compared(daily):
    rest = daily.index[(daily["session_count"] == 0) & (daily.index > 40)][:3]
    cramps = pd.DataFrame(
        {
            "start_utc": pd.to_datetime(daily.loc[rest, "date"].astype(str)).dt.tz_localize("UTC")
            + pd.Timedelta(hours=17),
            "context": "exercise",
        }
    )
    cramps = pd.concat([cramps, planted_cramps(daily, 20, "exercise", seed=2)], ignore_index=True)
    res = analyze_athlete(daily, cramps, params=FAST)
    assert any("3 fell on days without a recorded session" in note for note in res.notes)
    assert res.findings.loc[res.findings["exposure"] == "heat", "n_events"].iloc[0] <= 20


def test_days_without_device_data_are_never_referents(daily):
    gap = daily.copy()
    no_data = np.arange(300, 340)
    carried = ["ctl", "atl", "tsb", "acwr_ewma", "monotony", "strain", "consecutive_hard_days"]
    others = [c for c in gap.columns if c not in carried + ["date", "coverage"]]
    gap.loc[no_data, others] = np.nan
    gap.loc[no_data, "session_count"] = 0
    gap.loc[no_data, "coverage"] = "none"
    gap.loc[no_data, "tsb"] = -45.0  # what a model carried through the gap would show
    prepared = prepare_daily(gap)
    cramps = planted_cramps(gap, 40, "nocturnal", None, seed=5)
    items, designs = athlete_windows(prepared, cramp_index_days(cramps, "UTC"), None, FAST)
    referents = designs["nocturnal"].windows
    assert not np.isin(referents["pos"], no_data).any()
    exposures = {item.exposure.key: item.exposure for item in items}
    for key in ("very_negative_tsb", "load_spike", "hard_day", "short_sleep"):
        values = exposures[key].daily_values(prepared)
        assert np.isnan(values[no_data]).all(), key
    # Without the rule the carried TSB would make every gap day "very negative form".
    assert (exposures["very_negative_tsb"].values(prepared)[no_data] == 1).all()


def test_medication_note_follows_adjusted_evidence(daily):
    days = pd.to_datetime(daily["date"].astype(str))
    meds = pd.DataFrame({"name": ["drug"], "start_date": [days.iloc[400].date()]})
    cramps = planted_cramps(daily, 40, "nocturnal", None, seed=11)
    res = analyze_athlete(daily, cramps, meds, params=FAST)
    rows = res.findings.loc[res.findings["exposure"].str.contains("drug")]
    has_note = any("discuss this with your doctor" in n for n in res.notes)
    clear_harm = ((rows["evidence"] == "clear") & (rows["estimate"] > 1)).any()
    assert has_note == clear_harm


def test_overlapping_exposures_are_named_as_overlapping(daily):
    overlapping = daily.copy()
    from analyzer.findings.exposures import binary_exposures

    hard = {e.key: e for e in binary_exposures(FAST)}["hard_day"].daily_values(overlapping)
    # Hard days are long sessions (and only sometimes otherwise): two names for one pattern.
    rng = np.random.default_rng(1)
    long_day = (hard == 1) | (rng.random(len(hard)) < 0.05)
    overlapping["duration_rel_habit"] = np.where(
        overlapping["session_count"] > 0, np.where(long_day, 2.0, 1.0), np.nan
    )
    cramps = planted_cramps(overlapping, 40, "nocturnal", "hard_day", 5.0, seed=6)
    res = analyze_athlete(overlapping, cramps, params=FAST)
    f = res.findings.set_index("exposure")
    assert f.loc["hard_day", "evidence"] == "clear" and f.loc["long_session", "evidence"] == "clear"
    assert f.loc["hard_day", "overlaps"] == "a session longer than usual"
    assert f.loc["long_session", "overlaps"] == "a hard training day"
    assert any(
        note.startswith("A hard training day and a session longer than usual overlap")
        for note in res.notes
    )
    assert "a hard training day and a session longer than usual overlap" in res.summary
    # Independent exposures are not named so.
    assert f.loc["short_sleep", "overlaps"] == ""


def test_summary_when_the_cramps_fall_outside_the_data():
    """Many cramps logged but few with data around them: not "too few cramps"."""
    few_compared = pd.DataFrame(
        {
            "p_value": [0.3, 0.4],
            "evidence": ["descriptive_only"] * 2,
            "cramp_type": ["nocturnal", "nocturnal"],
            "n_events": [4, 3],
        }
    )
    text = summary_text(few_compared, {"nocturnal": 31, "exercise": 23})
    assert text.startswith("Too few cramps fall on days with data to compare them with yet")
    assert "(0 of 23 exercise-associated cramps, 4 of 31 nocturnal cramps;" in text, text
