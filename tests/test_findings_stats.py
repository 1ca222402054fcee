"""Statistical building blocks beyond the oracles: likelihood cross-checks, properties, epochs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special

from analyzer.findings.clogit import fit_clogit
from analyzer.findings.epochs import event_triggered_average
from analyzer.findings.exact import exact_binary_test
from analyzer.findings.multiple import bh_adjust, family_weights
from analyzer.findings.referents import stratum_of, time_stratified_referents
from tests.helpers.oracles import BH_1995_P


def brute_force_loglik(beta, x, strata, case):
    total = 0.0
    for s in np.unique(strata):
        rows = strata == s
        eta = x[rows] @ beta
        total += eta[case[rows]].sum() - special.logsumexp(eta)
    return total


def test_clogit_matches_direct_maximisation_with_two_covariates():
    rng = np.random.default_rng(0)
    n_events, m = 60, 6
    strata = np.repeat(np.arange(n_events), m + 1)
    case = np.tile(np.r_[True, np.zeros(m, bool)], n_events)
    x = rng.normal(size=(strata.size, 2))
    x[case, 0] += 0.8  # cases more exposed on the first covariate
    fit = fit_clogit(x, strata, case)
    direct = optimize.minimize(
        lambda b: -brute_force_loglik(b, x, strata, case),
        np.zeros(2),
        method="BFGS",
        options={"gtol": 1e-10},
    )
    assert fit.coef == pytest.approx(direct.x, abs=1e-5)
    assert fit.loglik == pytest.approx(-direct.fun, abs=1e-8)
    # Standard errors from the numerical Hessian of the log-likelihood.
    h = 1e-4
    hess = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
            f = lambda b: brute_force_loglik(b, x, strata, case)  # noqa: E731
            hess[i, j] = (
                f(fit.coef + e_i + e_j)
                - f(fit.coef + e_i - e_j)
                - f(fit.coef - e_i + e_j)
                + f(fit.coef - e_i - e_j)
            ) / (4 * h * h)
    assert fit.se == pytest.approx(np.sqrt(np.diag(np.linalg.inv(-hess))), rel=1e-3)


def test_clogit_flags_separation_and_exact_gives_one_sided_limit():
    strata = np.repeat(np.arange(8), 4)
    case = np.tile([True, False, False, False], 8)
    x = np.tile([1.0, 0.0, 1.0, 0.0], 8)
    x[case] = 1.0
    x[~case] = np.tile([0.0, 1.0, 0.0], 8)
    fit = fit_clogit(x, strata, case)
    assert fit.separated
    a = np.ones(8)
    res = exact_binary_test(a, np.full(8, 2), np.full(8, 4))
    assert np.isinf(res.estimate) and np.isinf(res.ci_high) and res.ci_low > 1
    # One-sided p = (k/n)^8 = 0.5^8: with k exposed windows of n in each set, the chance that
    # the case is an exposed one in all eight sets, the smallest p these sets can give; with
    # k/n = 1/2 the null is symmetric, so "none exposed" is as unlikely and the two-sided p doubles.
    assert res.p_value == pytest.approx(2 * 0.5**8)
    one_in_four = exact_binary_test(a, np.full(8, 1), np.full(8, 4))
    assert one_in_four.p_value == pytest.approx(0.25**8)


def test_strata_drop_events_without_referents():
    fit = fit_clogit([1.0, 0.0, 1.0], [0, 0, 1], [True, False, True])
    assert fit.n_events == 1 and fit.n_referents == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_bh_properties(p):
    q = bh_adjust(p)
    assert np.all(q >= np.asarray(p) - 1e-12) and np.all(q <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[order]) >= -1e-12)


def test_weighted_bh_with_equal_weights_is_plain_bh_and_weights_move_the_thresholds():
    p = np.array(BH_1995_P)
    assert bh_adjust(p, np.full(p.size, 3.0)) == pytest.approx(bh_adjust(p))
    # One test of nine, weight 3.6 (80 % of the weight on two primaries): rejected at
    # level q when p <= q * 3.6 / 9 (Genovese, Roeder & Wasserman 2006), i.e. 0.02 at 5 %.
    primary = np.array([True, True] + [False] * 7)
    w = family_weights(primary, np.ones(9, bool), 0.8)
    assert w[:2] == pytest.approx([3.6, 3.6]) and w.sum() == pytest.approx(9)
    lone = np.array([0.019, 0.9] + [0.5] * 7)
    assert bh_adjust(lone, w)[0] == pytest.approx(0.019 * 9 / 3.6)
    assert bh_adjust(lone)[0] == pytest.approx(min(1, 0.019 * 9))
    # An exploratory test needs p <= q * w / m with w = 0.2 * 9 / 7.
    explore = np.array([0.9, 0.9, 0.001] + [0.5] * 6)
    assert bh_adjust(explore, w)[2] == pytest.approx(0.001 * 9 / (0.2 * 9 / 7))
    # NaN (untested) rows stay out of the family; a group without tests means plain BH.
    assert np.isnan(bh_adjust([0.01, np.nan, 0.04], [2.0, 1.0, 0.5])[1])
    assert family_weights([True, False], [True, False], 0.8) == pytest.approx([1, 1])
    with pytest.raises(ValueError):
        bh_adjust([0.1, 0.2], [1.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=30))
def test_weighted_bh_properties(tests):
    p = np.array([t[0] for t in tests])
    primary = np.array([t[1] for t in tests])
    q = bh_adjust(p, family_weights(primary, np.ones(p.size, bool), 0.8))
    assert np.all(q >= p - 1e-12) and np.all(q <= 1)
    for group in (primary, ~primary):  # within a weight group, order is kept
        order = np.argsort(p[group], kind="stable")
        assert np.all(np.diff(q[group][order]) >= -1e-12)


def test_weighted_bh_under_no_effect_keeps_any_false_finding_at_5_percent():
    """Independent uniform p-values, 3 primary of 12: P(any q < 0.05) <= 0.05 (Monte Carlo)."""
    rng = np.random.default_rng(7)
    primary = np.arange(12) < 3
    w = family_weights(primary, np.ones(12, bool), 0.8)
    p = rng.random((20_000, 12))
    hits = np.mean([np.any(bh_adjust(row, w) < 0.05) for row in p])
    assert hits < 0.05 + 3 * np.sqrt(0.05 * 0.95 / 20_000)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 700), min_size=1, max_size=25),
    st.integers(0, 3),
    st.sampled_from(["block", "month"]),
    st.booleans(),
)
def test_referents_share_the_stratum_and_skip_other_events(offsets, washout, scheme, weekday):
    base = np.datetime64("2023-01-01")
    events = base + np.array(offsets)
    refs = time_stratified_referents(
        events,
        np.arange(base, base + 730),
        scheme=scheme,
        same_weekday=weekday,
        washout_days=washout,
    )
    uniq = np.unique(events)
    assert refs["is_case"].sum() == uniq.size
    for _, group in refs.groupby("event"):
        days = group["day"].to_numpy().astype("datetime64[D]")
        own = days[group["is_case"].to_numpy()][0]
        assert len(set(stratum_of(days, scheme))) == 1
        others = uniq[uniq != own]
        ref_days = days[~group["is_case"].to_numpy()]
        if others.size and ref_days.size:
            gaps = np.abs((ref_days[:, None] - others[None, :]).astype(int))
            assert gaps.min() > washout
        assert own not in ref_days
        if weekday:
            assert len({int((d - base).astype(int)) % 7 for d in days}) == 1


def test_epoch_bump_at_lag_minus_one_is_the_only_familywise_excursion():
    rng = np.random.default_rng(42)
    y = np.convolve(rng.normal(size=220), np.ones(5) / 5, mode="same")[10:210]
    events = np.array([30, 55, 80, 110, 140, 170])
    y[events - 1] += 1.5
    res = event_triggered_average(y, events, np.arange(-14, 3), n_permutations=2000, seed=1)
    outside = res.loc[res["outside_familywise"], "lag_days"].tolist()
    assert outside == [-1]
    row = res.set_index("lag_days").loc[-1]
    assert row["mean"] > row["pointwise_high"] and row["n_events"] == 6


def test_epoch_null_coverage_is_about_five_percent():
    rng = np.random.default_rng(7)
    pointwise, familywise = [], []
    for run in range(150):
        y = np.convolve(rng.normal(size=420), np.ones(7) / 7, mode="same")[10:410]
        events = np.sort(rng.choice(np.arange(20, 390), size=20, replace=False))
        res = event_triggered_average(y, events, np.arange(-14, 3), n_permutations=300, seed=run)
        pointwise.append(res["outside_pointwise"].mean())
        familywise.append(res["outside_familywise"].any())
    assert 0.02 < np.mean(pointwise) < 0.09
    assert np.mean(familywise) < 0.12


def test_epoch_handles_missing_values_and_edges():
    y = np.arange(40, dtype=float)
    y[10:15] = np.nan
    res = event_triggered_average(y, [1, 12, 39], np.arange(-2, 3), n_permutations=50, seed=0)
    assert res["n_events"].tolist() == [0, 0, 0, 0, 0] or res["n_events"].max() <= 1
    assert len(res) == 5
    empty = event_triggered_average(y, [], np.arange(-2, 3), n_permutations=10)
    assert empty["mean"].isna().all()


def test_epochs_pandas_free_input():
    res = event_triggered_average(
        pd.Series(np.ones(30)), np.array([10, 20]), [-1, 0, 1], n_permutations=20
    )
    assert res["mean"].tolist() == [1.0, 1.0, 1.0]
