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

Seeded and reproducible: ``python benchmarks/findings_power.py [--sims N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.exposures import binary_exposures
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

SLEEP_NEED_H = 8.0

# name, [(cramp type, n events)], planted (cramp type, exposure) or None
SCENARIOS = [
    ("no effect: 40 nocturnal + 40 exercise cramps", [("nocturnal", 40), ("exercise", 40)], None),
    ("no effect: 40 nocturnal cramps", [("nocturnal", 40)], None),
    ("no effect: 12 nocturnal cramps", [("nocturnal", 12)], None),
    ("OR 3, 40 nocturnal cramps, short sleep", [("nocturnal", 40)], ("nocturnal", "short_sleep")),
    ("OR 3, 40 exercise cramps, high intensity", [("exercise", 40)], ("exercise", "high_intensity")),
    ("OR 3, 40 nocturnal + 40 exercise, short sleep",
     [("nocturnal", 40), ("exercise", 40)], ("nocturnal", "short_sleep")),
]


def prevalence(daily: pd.DataFrame, cramp_type: str, key: str, params: FindingsParams) -> float:
    spec = {e.key: e for e in binary_exposures(params, SLEEP_NEED_H)}[key]
    x = spec.values(daily)
    if cramp_type == "exercise":
        x = x[pd.to_numeric(daily["load"]).to_numpy() > 0]
    return float(np.nanmean(x))


def simulate(sims: int, n_days: int, odds_ratio: float) -> pd.DataFrame:
    params = FindingsParams(n_permutations=50)
    rows = []
    for s_index, (name, draws, planted) in enumerate(SCENARIOS):
        any_finding, found, found_top, estimates, prev, n_tests = [], [], [], [], [], []
        raw_found = []
        started = time.perf_counter()
        for sim in range(sims):
            seed = 1_000_000 * (s_index + 1) + sim
            daily = synthetic_daily(n_days, seed=seed)
            logs = []
            for k, (cramp_type, n) in enumerate(draws):
                exposure = planted[1] if planted and planted[0] == cramp_type else None
                logs.append(planted_cramps(daily, n, cramp_type, exposure,
                                           odds_ratio if exposure else 1.0, seed=seed + 7919 * (k + 1),
                                           params=params, sleep_need_h=SLEEP_NEED_H))
            cramps = pd.concat(logs, ignore_index=True)
            f = analyze_athlete(daily, cramps, params=params, sleep_need_h=SLEEP_NEED_H).findings
            hits = f["p_adjusted"] < 0.05
            n_tests.append(int(f["p_value"].notna().sum()))
            if planted is None:
                any_finding.append(bool(hits.any()))
                continue
            cramp_type, key = planted
            mine = f.loc[f["cramp_type"] == cramp_type].set_index("exposure")
            found.append(bool(mine.loc[key, "p_adjusted"] < 0.05))
            raw_found.append(bool(mine.loc[key, "p_value"] < 0.05))
            found_top.append(found[-1] and f.iloc[0]["exposure"] == key)
            estimates.append(float(mine.loc[key, "estimate"]))
            planted_row = (f["cramp_type"] == cramp_type) & (f["exposure"] == key)
            any_finding.append(bool(hits[~planted_row].any()))
            prev.append(prevalence(daily, cramp_type, key, params))
        rows.append({
            "scenario": name,
            "sims": sims,
            "tests per athlete": np.median(n_tests),
            "any other finding p_adj<0.05": np.mean(any_finding),
            "planted found": np.mean(found) if found else np.nan,
            "planted p<0.05 unadjusted": np.mean(raw_found) if raw_found else np.nan,
            "planted found and ranked first": np.mean(found_top) if found_top else np.nan,
            "median OR of planted": np.median(estimates) if estimates else np.nan,
            "exposure prevalence": np.mean(prev) if prev else np.nan,
            "s per athlete": (time.perf_counter() - started) / sims,
        })
        print(f"done: {name}", flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=200, help="simulated athletes per scenario")
    parser.add_argument("--days", type=int, default=730, help="days per simulated athlete")
    parser.add_argument("--odds-ratio", type=float, default=3.0)
    args = parser.parse_args()
    table = simulate(args.sims, args.days, args.odds_ratio)
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
