"""Simulation study of the findings engine: false findings under no effect, power at OR 3.

Each simulated athlete gets two years of a synthetic daily indicator table
(``analyzer.findings.synthetic``) and a cramp log drawn either at random (no
effect) or with one planted binary exposure at odds ratio 3. The full
``analyze_athlete`` runs on each, and we count:

* null scenarios: the share of athletes with *any* finding whose
  Benjamini-Hochberg adjusted p-value is below 0.05 (target: about 5% or less);
* planted scenarios: the share of athletes in which the planted exposure's
  row has ``p_adjusted < 0.05`` (target: at least 70% with 40 events), the
  share in which it is also the top-ranked finding, and the share with any
  *other* finding below 0.05 (some are genuinely correlated with the planted
  exposure, e.g. sleep debt with short sleep).

``p_adjusted`` is the engine's weighted Benjamini-Hochberg family (primary
hypotheses share ``FindingsParams.primary_share`` of the weight); the same
findings are also adjusted with plain BH (every test weighing the same), so
the table shows what the weighting buys for primary hypotheses and what it
costs for an exploratory one. ``mc_se`` is the Monte-Carlo standard error of
the scenario's headline share.

Seeded and reproducible: ``python benchmarks/findings_power.py [--sims N] [--null-sims N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.exposures import binary_exposures
from analyzer.findings.multiple import bh_adjust
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

SLEEP_NEED_H = 8.0

# name, [(cramp type, n events)], planted (cramp type, exposure) or None
SCENARIOS = [
    ("no effect: 40 nocturnal + 40 exercise cramps", [("nocturnal", 40), ("exercise", 40)], None),
    ("no effect: 40 nocturnal cramps", [("nocturnal", 40)], None),
    ("no effect: 12 nocturnal cramps", [("nocturnal", 12)], None),
    ("OR 3, 40 nocturnal cramps, short sleep", [("nocturnal", 40)], ("nocturnal", "short_sleep")),
    (
        "OR 3, 40 exercise cramps, high intensity",
        [("exercise", 40)],
        ("exercise", "high_intensity"),
    ),
    (
        "OR 3, 40 nocturnal + 40 exercise, short sleep",
        [("nocturnal", 40), ("exercise", 40)],
        ("nocturnal", "short_sleep"),
    ),
    (
        "OR 3, 40 exercise cramps, lowered HRV (exploratory)",
        [("exercise", 40)],
        ("exercise", "lowered_hrv"),
    ),
]


def prevalence(daily: pd.DataFrame, cramp_type: str, key: str, params: FindingsParams) -> float:
    spec = {e.key: e for e in binary_exposures(params, SLEEP_NEED_H)}[key]
    x = spec.daily_values(daily)
    if cramp_type == "exercise":
        x = x[pd.to_numeric(daily["load"]).to_numpy() > 0]
    return float(np.nanmean(x))


def _simulated_findings(
    s_index: int, sim: int, draws, planted, odds_ratio: float, n_days: int, params: FindingsParams
) -> pd.DataFrame:
    """Findings of one simulated athlete (seeded by scenario and simulation index)."""
    seed = 1_000_000 * (s_index + 1) + sim
    daily = synthetic_daily(n_days, seed=seed)
    logs = []
    for k, (cramp_type, n) in enumerate(draws):
        exposure = planted[1] if planted and planted[0] == cramp_type else None
        logs.append(
            planted_cramps(
                daily,
                n,
                cramp_type,
                exposure,
                odds_ratio if exposure else 1.0,
                seed=seed + 7919 * (k + 1),
                params=params,
                sleep_need_h=SLEEP_NEED_H,
            )
        )
    cramps = pd.concat(logs, ignore_index=True)
    f = analyze_athlete(daily, cramps, params=params, sleep_need_h=SLEEP_NEED_H).findings
    f["p_plain_bh"] = bh_adjust(f["p_value"].to_numpy(dtype=float))
    f.attrs["prevalence"] = prevalence(daily, planted[0], planted[1], params) if planted else np.nan
    return f


def _share_se(share: float, n: int) -> float:
    return float(np.sqrt(share * (1 - share) / n)) if n else np.nan


def simulate(sims: int, null_sims: int, n_days: int, odds_ratio: float) -> pd.DataFrame:
    params = FindingsParams(n_permutations=50)
    rows = []
    for s_index, (name, draws, planted) in enumerate(SCENARIOS):
        n_sims = sims if planted else null_sims
        any_other, any_other_plain, found, found_plain = [], [], [], []
        raw_found, found_top, estimates, prev, n_tests, role = [], [], [], [], [], ""
        wall, cpu = time.perf_counter(), time.process_time()
        for sim in range(n_sims):
            f = _simulated_findings(s_index, sim, draws, planted, odds_ratio, n_days, params)
            n_tests.append(int(f["p_value"].notna().sum()))
            mine = np.zeros(len(f), bool)
            if planted is not None:
                cramp_type, key = planted
                mine = ((f["cramp_type"] == cramp_type) & (f["exposure"] == key)).to_numpy()
                row = f.loc[mine].iloc[0]
                role = row["hypothesis"]
                found.append(bool(row["p_adjusted"] < 0.05))
                found_plain.append(bool(row["p_plain_bh"] < 0.05))
                raw_found.append(bool(row["p_value"] < 0.05))
                found_top.append(found[-1] and bool(mine[0]))
                estimates.append(float(row["estimate"]))
                prev.append(f.attrs["prevalence"])
            any_other.append(bool((f.loc[~mine, "p_adjusted"] < 0.05).any()))
            any_other_plain.append(bool((f.loc[~mine, "p_plain_bh"] < 0.05).any()))
        headline = np.mean(found) if planted else np.mean(any_other)
        rows.append(
            {
                "scenario": name,
                "sims": n_sims,
                "planted is": role or "-",
                "tests": np.median(n_tests),
                "any other p_adj<0.05": np.mean(any_other),
                "any other, plain BH": np.mean(any_other_plain),
                "planted found": np.mean(found) if found else np.nan,
                "found, plain BH": np.mean(found_plain) if found_plain else np.nan,
                "planted p<0.05 raw": np.mean(raw_found) if raw_found else np.nan,
                "found and ranked first": np.mean(found_top) if found_top else np.nan,
                "mc_se": _share_se(headline, n_sims),
                "median OR": np.median(estimates) if estimates else np.nan,
                "prevalence": np.mean(prev) if prev else np.nan,
                "ms/athlete wall": 1000 * (time.perf_counter() - wall) / n_sims,
                "ms/athlete CPU": 1000 * (time.process_time() - cpu) / n_sims,
            }
        )
        print(f"done: {name}", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sims", type=int, default=500, help="simulated athletes per planted scenario"
    )
    parser.add_argument(
        "--null-sims",
        type=int,
        default=1000,
        help="simulated athletes per no-effect scenario (Monte-Carlo SE about 0.7%%)",
    )
    parser.add_argument("--days", type=int, default=730, help="days per simulated athlete")
    parser.add_argument("--odds-ratio", type=float, default=3.0)
    args = parser.parse_args()
    table = simulate(args.sims, args.null_sims, args.days, args.odds_ratio)
    with pd.option_context(
        "display.width", 250, "display.max_columns", 20, "display.float_format", "{:.3f}".format
    ):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
