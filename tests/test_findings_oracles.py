"""The findings statistics against oracle values computed outside this package.

The matched-set values (conditional MLE, its SE, Mantel-Haenszel, exact test) were computed
with numpy/scipy from the conditional likelihood of Maclure's case-crossover design
(Am J Epidemiol 1991;133(2):144-153, doi:10.1093/oxfordjournals.aje.a115853) and cross-checked
against statsmodels' ``ConditionalLogit(...).fit(method="newton")``; the rate-ratio values with
scipy's ``binomtest`` (exact conditional test, Clopper-Pearson limits); the Benjamini-Hochberg
values are the 15 p-values of the worked example in Benjamini & Hochberg (J R Stat Soc B
1995;57(1):289-300, doi:10.1111/j.2517-6161.1995.tb02031.x), adjusted identically by scipy and
statsmodels.
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.findings.clogit import fit_clogit
from analyzer.findings.exact import exact_binary_test, poisson_binomial_pmf
from analyzer.findings.mantel_haenszel import mantel_haenszel_matched
from analyzer.findings.multiple import bh_adjust
from analyzer.findings.rates import rate_ratio
from analyzer.findings.referents import time_stratified_referents
from tests.helpers.oracles import BH_1995_P

# (case exposed a, exposed windows k, referents M) per event: twelve made-up matched sets.
STRATA_1M = [
    (1, 2, 4),
    (1, 1, 4),
    (0, 1, 4),
    (1, 3, 4),
    (0, 2, 4),
    (1, 1, 3),
    (1, 2, 3),
    (0, 1, 3),
    (1, 4, 4),
    (0, 0, 4),
    (1, 2, 4),
    (0, 3, 4),
]


def matched_windows(strata):
    """Expand (a, k, M) triples into one row per window: x, stratum, is_case."""
    x, label, case = [], [], []
    for s, (a, k, m) in enumerate(strata):
        windows = [a] + [1] * (k - a) + [0] * (m - (k - a))
        x += windows
        label += [s] * (m + 1)
        case += [True] + [False] * m
    return np.array(x, float), np.array(label), np.array(case)


def pairs_1to1(b=12, c=4, concordant=10):
    """1:1 pairs: b case-only exposed, c referent-only exposed, concordant pairs split 5/5."""
    strata = [(1, 1, 1)] * b + [(0, 1, 1)] * c
    strata += [(1, 2, 1)] * (concordant // 2) + [(0, 0, 1)] * (concordant - concordant // 2)
    return strata


def test_clogit_1to1_oracle():
    fit = fit_clogit(*matched_windows(pairs_1to1()))
    assert fit.converged and not fit.separated
    assert fit.odds_ratio[0] == pytest.approx(3.0, abs=1e-6)
    assert fit.se[0] == pytest.approx(0.577350, abs=1e-6)
    low, high = fit.wald_ci()
    assert (low[0], high[0]) == pytest.approx((0.9676, 9.3017), abs=1e-4)
    assert fit.n_events == 26 and fit.n_referents == 26


def test_exact_1to1_oracle():
    strata = pairs_1to1()
    a = [s[0] for s in strata]
    k = [s[1] for s in strata]
    n = [s[2] + 1 for s in strata]
    res = exact_binary_test(a, k, n)
    assert res.p_value == pytest.approx(0.076813, abs=1e-6)
    assert (res.ci_low, res.ci_high) == pytest.approx((0.9092, 12.7623), abs=1e-4)
    assert res.estimate == pytest.approx(3.0, abs=1e-8)
    assert res.n_informative == 16 and res.exposed_cases == 12


def test_clogit_1toM_oracle():
    fit = fit_clogit(*matched_windows(STRATA_1M))
    assert fit.odds_ratio[0] == pytest.approx(2.784097, abs=1e-6)
    assert fit.se[0] == pytest.approx(0.667017, abs=1e-6)


def test_exact_mle_equals_clogit_for_binary():
    a, k, m = np.array(STRATA_1M).T
    assert exact_binary_test(a, k, m + 1).estimate == pytest.approx(2.784097, abs=1e-6)


def test_mantel_haenszel_oracle():
    a, k, m = np.array(STRATA_1M).T
    assert mantel_haenszel_matched(a, k, m + 1).odds_ratio == pytest.approx(2.655172, abs=1e-6)


def test_referent_dates_oracle():
    refs = time_stratified_referents(
        ["2020-01-15", "2020-02-29", "2020-03-02"], scheme="month", same_weekday=True
    )
    got = {
        str(g.loc[g.is_case, "day"].iloc[0])[:10]: [str(d)[:10] for d in g.loc[~g.is_case, "day"]]
        for _, g in refs.groupby("event")
    }
    assert got == {
        "2020-01-15": ["2020-01-01", "2020-01-08", "2020-01-22", "2020-01-29"],
        "2020-02-29": ["2020-02-01", "2020-02-08", "2020-02-15", "2020-02-22"],
        "2020-03-02": ["2020-03-09", "2020-03-16", "2020-03-23", "2020-03-30"],
    }


def test_rate_ratio_oracle():
    rr = rate_ratio(n_before=12, days_before=60, n_after=3, days_after=60)
    assert rr.estimate == pytest.approx(0.25)
    assert rr.p_value == pytest.approx(0.035156, abs=1e-6)
    assert (rr.ci_low, rr.ci_high) == pytest.approx((0.0453, 0.9264), abs=1e-4)
    assert (rr.wald_low, rr.wald_high) == pytest.approx((0.0705, 0.8859), abs=1e-4)


def test_bh_oracle():
    p = list(BH_1995_P)
    expected = [
        0.0015,
        0.003,
        0.0095,
        0.035625,
        0.0603,
        0.063857,
        0.063857,
        0.0645,
        0.0765,
        0.486,
        0.581182,
        0.714875,
        0.753231,
        0.813214,
        1.0,
    ]
    adjusted = bh_adjust(p)
    assert adjusted == pytest.approx(expected, abs=1e-6)
    assert int((adjusted <= 0.05).sum()) == 4
    shuffled = np.random.default_rng(1).permutation(15)
    assert bh_adjust(np.array(p)[shuffled]) == pytest.approx(np.array(expected)[shuffled], abs=1e-6)


def test_bh_ignores_missing_tests():
    adjusted = bh_adjust([0.01, np.nan, 0.04])
    assert np.isnan(adjusted[1])
    assert adjusted[[0, 2]] == pytest.approx([0.02, 0.04])


def test_poisson_binomial_matches_binomial():
    from scipy import stats

    pmf = poisson_binomial_pmf(np.full(9, 0.3))
    assert pmf == pytest.approx(stats.binom.pmf(np.arange(10), 9, 0.3), abs=1e-12)


def test_a_negative_variance_gives_no_standard_error_and_no_warning():
    import warnings

    from analyzer.findings.clogit import _standard_errors

    info = np.array([[-2.0, 0.0], [0.0, 4.0]])  # not positive definite
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        se = _standard_errors(info)
    assert np.isnan(se[0]) and se[1] == 0.5
