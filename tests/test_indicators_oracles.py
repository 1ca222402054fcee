"""The indicators against oracle values computed outside this package, each to 1e-4.

Each value was worked out independently of the code under test: by hand or with plain
numpy/scipy from the published formula, or taken from the published or open-source
implementation named above each group (GoldenCheetah's exported metrics, the R ``ACWR``
package's test series, the worked examples of the papers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyzer.indicators import acwr, monotony, pmc, power, recovery, sleep, stream, trimp

TOL = 1e-4


# Banister TRIMP: t * x * a * e^(b * x) with the constants of Morton, Fitz-Clarke & Banister,
# J Appl Physiol 1990;69(3):1171-1177 (and GoldenCheetah's a = 0.64 for women), evaluated with
# numpy; the 60-min/155-bpm row matches the "about 118" of published online calculators. ----


@pytest.mark.parametrize(
    ("minutes", "hr", "rest", "hr_max", "sex", "variant", "x", "expected"),
    [
        (60, 155, 55, 190, "m", "morton", 0.740741, 117.9399),
        (45, 150, 60, 190, "m", "morton", 0.692308, 75.3302),
        (60, 150, 60, 190, "m", "morton", 0.692308, 100.4403),
        (60, 150, 60, 190, "f", "morton", 0.692308, 113.5168),
        (60, 150, 60, 190, "f", "goldencheetah", 0.692308, 84.4776),
        (60, 160, 60, 180, "m", "morton", 0.833333, 158.4970),
        (60, 160, 60, 180, "f", "morton", 0.833333, 172.9265),
    ],
)
def test_banister_trimp_table(minutes, hr, rest, hr_max, sex, variant, x, expected):
    assert trimp.hr_reserve_fraction(hr, rest, hr_max) == pytest.approx(x, abs=1e-6)
    assert trimp.banister_trimp(minutes, hr, rest, hr_max, sex, variant) == pytest.approx(
        expected, abs=TOL
    )


def test_banister_trimp_per_sample_exceeds_average_form_for_intervals():
    hr = np.r_[np.full(30, 130.0), np.full(30, 175.0)]  # one value per minute
    per_sample = trimp.banister_trimp_samples(np.full(60, 60.0), hr, 60, 190, "m")
    average = trimp.banister_trimp(60, hr.mean(), 60, 190, "m")
    assert per_sample == pytest.approx(121.9003, abs=TOL)
    assert average == pytest.approx(107.1131, abs=TOL)


def test_trimp_is_zero_below_rest_and_clamped_above_max():
    assert trimp.banister_trimp(60, 50, 60, 190) == 0.0
    assert trimp.banister_trimp(60, 200, 60, 190) == trimp.banister_trimp(60, 190, 60, 190)


@pytest.mark.parametrize(
    ("avg_hr", "time_riding_s", "expected"),
    [
        (146.91667, 4780, 130.72722),
        (124.97267, 6325, 94.80126),
        (157.04592, 2156, 76.10638),
        (120.05660, 6320, 81.76641),
    ],
)
def test_goldencheetah_opendata_trimp_rows(avg_hr, time_riding_s, expected):
    # GoldenCheetah OpenData example athlete (male; doi:10.17605/OSF.IO/6HFPZ): the ride's
    # exported average_hr, time_riding and trimp_points; HR_rest 57 and HR_max 188 are the values
    # a least-squares fit of those rides recovers.
    value = trimp.banister_trimp(time_riding_s / 60.0, avg_hr, 57, 188, "m", "goldencheetah")
    assert value == pytest.approx(expected, abs=TOL)


def test_hrtss_reproduces_goldencheetah_trimp_100():
    session = trimp.banister_trimp(4780 / 60.0, 146.91667, 57, 188, "m")
    assert trimp.hr_tss(session, 160, 57, 188, "m") == pytest.approx(95.68633, abs=TOL)


# Zone TRIMPs and sRPE, worked by hand: Edwards (1993) zone weights 1-5, Lucia et al. (2003)
# phase weights 1-3, Foster et al. (2001) RPE x minutes. ---------------------------------------


def test_edwards_trimp():
    assert trimp.edwards_trimp([10, 20, 15, 10, 5]) == pytest.approx(160, abs=TOL)


def test_edwards_from_stream_matches_zone_minutes():
    hr_max = 200.0
    minutes = [10, 20, 15, 10, 5]
    hr = np.concatenate([np.full(m * 60, 105.0 + 20 * z) for z, m in enumerate(minutes)])
    hr = np.r_[np.full(300, 80.0), hr]  # 5 min below 50 % HR max count nowhere
    seconds = trimp.hr_zone_seconds(np.ones(hr.size), hr, hr_max)
    np.testing.assert_allclose(seconds, np.array(minutes) * 60.0)
    assert trimp.edwards_trimp(seconds / 60) == pytest.approx(160, abs=TOL)


def test_lucia_trimp():
    assert trimp.lucia_trimp([60, 30, 10]) == pytest.approx(150, abs=TOL)
    hr = np.r_[np.full(60, 130.0), np.full(30, 160.0), np.full(10, 180.0)]
    phases = trimp.lucia_phase_minutes(np.full(hr.size, 60.0), hr, vt1_bpm=150, vt2_bpm=170)
    assert trimp.lucia_trimp(phases) == pytest.approx(150, abs=TOL)


def test_session_rpe_load():
    assert trimp.session_rpe_load(7, 60) == pytest.approx(420, abs=TOL)


# Monotony and strain (Foster, Med Sci Sports Exerc 1998;30(7):1164-1168): mean/SD of one week,
# computed with numpy for both SD conventions. -------------------------------------------------

WEEK = [420, 0, 300, 480, 0, 600, 240]


@pytest.mark.parametrize(("ddof", "mono", "strain"), [(0, 1.3633, 2781.08), (1, 1.2621, 2574.78)])
def test_monotony_and_strain(ddof, mono, strain):
    assert monotony.monotony(WEEK, ddof) == pytest.approx(
        291.4286 / [213.7708, 230.8989][ddof], abs=TOL
    )
    assert monotony.monotony(WEEK, ddof) == pytest.approx(mono, abs=5e-5)
    assert monotony.strain(WEEK, ddof) == pytest.approx(strain, abs=5e-3)
    rolling = monotony.rolling_monotony_strain(WEEK, 7, ddof)
    assert rolling["monotony"].iloc[-1] == pytest.approx(monotony.monotony(WEEK, ddof), abs=1e-12)
    assert rolling["strain"].iloc[-1] == pytest.approx(monotony.strain(WEEK, ddof), abs=1e-9)
    assert rolling["monotony"].iloc[:-1].isna().all()


def test_monotony_undefined_for_identical_loads():
    assert np.isnan(monotony.monotony([0] * 7))
    assert np.isnan(monotony.rolling_monotony_strain([100.0] * 7)["monotony"].iloc[-1])


# Banister fitness-fatigue model (Calvert et al. 1976; Clarke & Skiba, Adv Physiol Educ 2013):
# the closed form 100 (e^(-t/42) - 2 e^(-t/7)) of a single impulse, evaluated with numpy. -------


def test_banister_model_single_impulse():
    load = np.zeros(30)
    load[0] = 100
    p = pmc.banister_performance(load, p0=0, k1=1, tau1_d=42, k2=2, tau2_d=7, same_day=True)
    assert p[1] == pytest.approx(-75.7284, abs=TOL)
    assert p[7] == pytest.approx(11.0723, abs=TOL)
    assert p[21] == pytest.approx(50.6957, abs=TOL)
    classic = pmc.banister_performance(load, 0, 1, 42, 2, 7, same_day=False)
    np.testing.assert_allclose(classic[1:], p[1:])  # an impulse on day 0: both agree after it
    assert classic[0] == 0 and p[0] == -100


def test_banister_model_zero_crossing_and_peak():
    tau1, tau2, k1, k2 = 42.0, 7.0, 1.0, 2.0

    def p(t):
        return 100 * (k1 * np.exp(-t / tau1) - k2 * np.exp(-t / tau2))

    crossing = tau1 * tau2 / (tau1 - tau2) * np.log(k2 / k1)
    peak = tau1 * tau2 / (tau1 - tau2) * np.log(k2 * tau1 / (k1 * tau2))
    assert crossing == pytest.approx(5.8224, abs=TOL)
    assert peak == pytest.approx(20.8732, abs=TOL)
    assert p(peak) == pytest.approx(50.6970, abs=TOL)
    assert abs(p(crossing)) < 1e-9


# CTL / ATL / TSB: the recurrences of GoldenCheetah (src/Metrics/PMCData.cpp,
# alpha = 1 - e^(-1/tau)) and TrainingPeaks (alpha = 1/tau) iterated with numpy. --------------


def test_alpha_values():
    assert pmc.smoothing_alpha(42, "exponential") == pytest.approx(0.023528, abs=1e-6)
    assert pmc.smoothing_alpha(42, "inverse") == pytest.approx(0.023810, abs=1e-6)
    assert pmc.smoothing_alpha(7, "exponential") == pytest.approx(0.133122, abs=1e-6)
    assert pmc.smoothing_alpha(7, "inverse") == pytest.approx(0.142857, abs=1e-6)


@pytest.mark.parametrize(
    ("alpha", "ctl0", "atl0", "ctl42"),
    [("exponential", 2.3528, 13.3122, 0.8656), ("inverse", 2.3810, 14.2857, 0.8654)],
)
def test_pmc_single_impulse(alpha, ctl0, atl0, ctl42):
    load = np.zeros(43)
    load[0] = 100
    out = pmc.performance_manager(load, alpha_convention=alpha)
    assert out["ctl"].iloc[0] == pytest.approx(ctl0, abs=TOL)
    assert out["atl"].iloc[0] == pytest.approx(atl0, abs=TOL)
    assert out["ctl"].iloc[42] == pytest.approx(ctl42, abs=TOL)


@pytest.mark.parametrize(
    ("alpha", "ctl", "atl", "tsb"),
    [("exponential", 63.2121, 99.7521, -36.5401), ("inverse", 63.6544, 99.8457, -36.1913)],
)
def test_pmc_constant_load_42_days(alpha, ctl, atl, tsb):
    load = np.r_[np.full(42, 100.0), 0.0]  # days 0..41, TSB shown on day 42
    next_day = pmc.performance_manager(load, alpha_convention=alpha, tsb_convention="next_day")
    assert next_day["ctl"].iloc[41] == pytest.approx(ctl, abs=TOL)
    assert next_day["atl"].iloc[41] == pytest.approx(atl, abs=TOL)
    assert next_day["tsb"].iloc[42] == pytest.approx(tsb, abs=TOL)
    same_day = pmc.performance_manager(load, alpha_convention=alpha, tsb_convention="same_day")
    assert same_day["tsb"].iloc[41] == pytest.approx(tsb, abs=TOL)
    assert next_day["tsb"].iloc[0] == 0.0


# NP, IF, TSS (Allen & Coggan, Training and Racing with a Power Meter): full-window NP with numpy
# and GoldenCheetah's zero-initialised 30-sample buffer (src/Metrics/Coggan.cpp) replayed. -----


def test_normalized_power_constant_hour():
    constant = np.full(3600, 200.0)
    assert power.normalized_power(constant, warmup="zero_padded") == pytest.approx(
        199.6730, abs=TOL
    )
    assert power.normalized_power(constant, warmup="full_window") == pytest.approx(200.0, abs=TOL)


def test_normalized_power_intervals():
    intervals = np.tile(np.r_[np.full(60, 300.0), np.full(60, 100.0)], 30)
    assert intervals.mean() == 200
    assert power.normalized_power(intervals, warmup="zero_padded") == pytest.approx(
        238.8444, abs=TOL
    )
    assert power.normalized_power(intervals, warmup="full_window") == pytest.approx(
        239.0995, abs=TOL
    )


def test_normalized_power_window_follows_recording_interval():
    one_hz = np.tile(np.r_[np.full(60, 300.0), np.full(60, 100.0)], 30)
    half_hz = one_hz[::2]
    assert power.normalized_power(half_hz, sample_interval_s=2.0) == pytest.approx(
        power.normalized_power(one_hz), rel=1e-3
    )


def test_tss_and_if():
    assert power.training_stress_score(3600, 250, 250) == pytest.approx(100, abs=TOL)
    assert power.training_stress_score(7200, 0.75 * 280, 280) == pytest.approx(112.5, abs=TOL)
    assert power.training_stress_score(5400, 230, 280) == pytest.approx(101.2117, abs=TOL)
    assert power.intensity_factor(230, 280) == pytest.approx(230 / 280)


# ACWR on the test series of the R ``ACWR`` package (JorgeDelro/ACWR; 30 AU x 21 days, 50 AU x 7):
# rolling coupled and uncoupled means, and EWMA with lambda = 2/(N+1) (Williams et al., Br J Sports
# Med 2017, doi:10.1136/bjsports-2016-096589) seeded as the package does (first load) or at 0. --

ACWR_SERIES = [30.0] * 21 + [50.0] * 7


def test_acwr_rolling_variants():
    assert acwr.acwr_rolling_coupled(ACWR_SERIES).iloc[-1] == pytest.approx(1.428571, abs=TOL)
    assert acwr.acwr_rolling_uncoupled(ACWR_SERIES).iloc[-1] == pytest.approx(1.666667, abs=TOL)
    assert acwr.acwr_rolling_coupled(ACWR_SERIES).iloc[:-1].isna().all()  # 28-day warm-up


@pytest.mark.parametrize(
    ("seed", "acute", "chronic", "ratio"),
    [("first_load", 47.330322, 37.871967, 1.249746), ("zero", 47.320798, 33.815362, 1.399388)],
)
def test_acwr_ewma_seeding(seed, acute, chronic, ratio):
    out = acwr.acwr_ewma(ACWR_SERIES, seed=seed).iloc[-1]
    assert out["acute_ewma"] == pytest.approx(acute, abs=TOL)
    assert out["chronic_ewma"] == pytest.approx(chronic, abs=TOL)
    assert out["acwr_ewma"] == pytest.approx(ratio, abs=TOL)
    assert acwr.ewma_lambda(28) == pytest.approx(0.068966, abs=1e-6)


# Decoupling (GoldenCheetah AerobicDecoupling.cpp: efficiency drop, first vs second half), cardiac
# drift and heart-rate recovery (Cole et al., N Engl J Med 1999), worked by hand. ---------------


def test_decoupling_oracles():
    assert stream.decoupling_pct(200, 140, 200, 147) == pytest.approx(4.7619, abs=TOL)
    assert stream.decoupling_pct(200, 140, 190, 140) == pytest.approx(5.0, abs=TOL)
    assert stream.decoupling_pct(3.0, 140, 3.0, 150) == pytest.approx(6.6667, abs=TOL)


def test_decoupling_from_stream_excludes_warmup():
    t = np.arange(0, 4200.0)
    hr = np.where(t < 600, 100.0, np.where(t < 2400, 140.0, 147.0))  # halves after warm-up
    watts = np.where(t < 600, 120.0, 200.0)
    hr1, out1, hr2, out2 = stream.steady_halves(t, hr, watts, warmup_s=600, min_s=1200)
    assert stream.decoupling_pct(out1, hr1, out2, hr2) == pytest.approx(4.7619, abs=TOL)
    assert stream.cardiac_drift_pct(hr1, hr2) == pytest.approx(5.0, abs=TOL)
    assert stream.steady_halves(t[:1500], hr[:1500], watts[:1500], 600, 1200) is None


def test_cardiac_drift():
    assert stream.cardiac_drift_pct(150, 162) == pytest.approx(8.0, abs=TOL)


def test_heart_rate_recovery():
    assert stream.heart_rate_recovery_bpm([0, 60], [172, 141]) == pytest.approx(31, abs=TOL)
    t = np.arange(0, 181.0)
    hr = np.where(t <= 60, 110 + t, 172 - 31 * (t - 60) / 60).clip(min=120)
    watts = np.where(t <= 60, 300.0, 0.0)
    assert stream.heart_rate_recovery_bpm(t, hr, 60, watts) == pytest.approx(31, abs=TOL)
    # still pedalling hard after the peak: the stream does not show a recovery
    assert np.isnan(stream.heart_rate_recovery_bpm(t, hr, 60, np.full(t.size, 300.0)))
    # recording ends at the peak
    assert np.isnan(stream.heart_rate_recovery_bpm(t[:61], hr[:61], 60))


# RMSSD and the lnRMSSD baseline (Plews et al., Sports Med 2013, doi:10.1007/s40279-013-0071-8:
# 7-day rolling mean, baseline mean +- 0.5 SD), computed with numpy on a made-up fortnight. ----


def test_rmssd():
    rr = [800, 810, 790, 805, 820, 800, 795]
    assert recovery.rmssd_ms(rr) == pytest.approx(15.138252, abs=TOL)
    assert recovery.ln_rmssd(recovery.rmssd_ms(rr)) == pytest.approx(2.717225, abs=TOL)


def test_hrv_baseline_example():
    daily = [62, 58, 65, 60, 55, 63, 61, 59, 64, 57, 66, 60, 48, 45]
    ln = pd.Series(recovery.ln_rmssd(daily))
    rolling = recovery.rolling_mean_min_valid(ln, 7, 3)
    expected = [4.102522, 4.095436, 4.109499, 4.090737, 4.104353, 4.116783, 4.077935, 4.034476]
    np.testing.assert_allclose(rolling.iloc[6:].to_numpy(), expected, atol=TOL)
    baseline = ln.iloc[:7]
    mean, sd = recovery.baseline_stats(baseline)
    assert mean == pytest.approx(4.102522, abs=TOL)
    assert sd == pytest.approx(0.055359, abs=TOL)
    low, high = recovery.swc_band(baseline)
    assert (low, high) == (pytest.approx(4.074842, abs=TOL), pytest.approx(4.130201, abs=TOL))
    assert 100 * sd / mean == pytest.approx(1.349399, abs=TOL)
    assert rolling.iloc[13] < low
    assert recovery.zscore_against(ln.iloc[13], baseline) == pytest.approx(-5.344337, abs=TOL)


# Sleep debt over seven nights against an 8-h need, gross and net, worked by hand. -------------


def test_sleep_debt():
    nights = [6.5, 7, 8, 5.5, 7.5, 9, 6]
    assert sleep.sleep_debt_h(nights, 8.0) == pytest.approx(7.5, abs=TOL)
    assert sleep.sleep_debt_h(nights, 8.0, net=True) == pytest.approx(6.5, abs=TOL)
    series = pd.Series(nights)
    assert sleep.rolling_sleep_debt_h(series, 8.0, 7).iloc[-1] == pytest.approx(7.5, abs=TOL)
    assert sleep.rolling_sleep_debt_h(series, 8.0, 7, net=True).iloc[-1] == pytest.approx(
        6.5, abs=TOL
    )


def test_heart_rate_recovery_needs_the_effort_to_end_without_an_output_stream():
    t = np.arange(0, 1200.0)
    hr = np.where(t <= 300, 120 + t / 6, 170 - (t - 300) / 20)  # peak at 5 min, then a long session
    assert np.isnan(stream.heart_rate_recovery_bpm(t, hr, 60))
    assert stream.heart_rate_recovery_bpm(t[:400], hr[:400], 60) == pytest.approx(3.0)


def test_the_ewma_ratio_needs_data_in_its_chronic_window_like_the_rolling_ones():
    rng = np.random.default_rng(7)
    load = pd.Series(rng.uniform(40, 80, 150))
    load.iloc[60:100] = np.nan  # six weeks without any device data
    ratio = acwr.acwr_ewma(load)["acwr_ewma"]
    rolling = acwr.acwr_rolling_uncoupled(load)
    first_back = 100
    assert pd.isna(ratio.iloc[first_back])  # not the 3.6 "spike" of a decayed chronic load
    assert pd.isna(rolling.iloc[first_back])
    # Once 70 % of the last 28 days have data again (day 119), the ratio is back near 1.
    assert ratio.iloc[: first_back + 19].iloc[first_back:].isna().all()
    assert 0.5 < ratio.iloc[first_back + 19] < 1.5
    assert ratio.iloc[28:60].notna().all()  # continuous data: a ratio every day
