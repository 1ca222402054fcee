"""Simulation study of the findings engine: false findings in realistic no-effect lives, power.

Each simulated athlete gets two years of a synthetic daily indicator table
(``analyzer.findings.synthetic``) and a cramp log drawn under one scenario,
and the full ``analyze_athlete`` runs on it. No-effect scenarios copy what
real lives do to a naive analysis:

* cramps that wake you shorten their own night by 45 minutes;
* a 4:1 summer:winter nocturnal cramp rate with a medication started in spring;
* exercise cramps only in sessions (one per training day, a second session on
  30% of them), drawn per session, compared session by session;
* and the plain null of 40 nocturnal plus 40 exercise cramps at random.

For each no-effect scenario the table gives the share of athletes with any
``clear`` finding (``p_adjusted`` < 0.05), with any event-triggered excursion
listed as a finding (outside the family-wise band over every curve, before
the cramp), and with a "discuss with your doctor" medication note (target:
each about 5% or below). Planted scenarios plant one primary exposure that
precedes the cramp at odds ratio 3 with 40 events (the short night before
the cramp night, the hard day before it, a session more intense than usual);
``planted found`` is the share in which its row is ``clear`` (target: at
least 70%). Every share is printed with its Monte-Carlo standard error.

Seeded and reproducible: ``python benchmarks/findings_power.py [--sims N] [--null-sims N]``.
Each athlete takes a few hundred ms of CPU; run it with ``nice`` on a shared machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.findings import FindingsParams, analyze_athlete
from analyzer.findings.exposures import binary_exposures
from analyzer.findings.synthetic import (
    planted_cramps,
    seasonal_cramps,
    session_cramps,
    shorten_cramp_nights,
    synthetic_daily,
    synthetic_sessions,
)

SLEEP_NEED_H = 8.0
N_DAYS = 730
DOCTOR = "discuss this with your doctor"


@dataclass
class Athlete:
    """What one simulated athlete hands to ``analyze_athlete``."""

    daily: pd.DataFrame
    cramps: pd.DataFrame
    medications: pd.DataFrame | None = None
    sessions: pd.DataFrame | None = None
    planted: tuple[str, str] | None = None  # (cramp type, exposure key)


def _both_types(seed: int, odds_ratio: float) -> Athlete:
    daily = synthetic_daily(N_DAYS, seed)
    cramps = pd.concat(
        [
            planted_cramps(daily, 40, "nocturnal", seed=seed + 1, sleep_need_h=SLEEP_NEED_H),
            planted_cramps(daily, 40, "exercise", seed=seed + 2, sleep_need_h=SLEEP_NEED_H),
        ],
        ignore_index=True,
    )
    return Athlete(daily, cramps)


def _own_night(seed: int, odds_ratio: float, exposure: str | None = None) -> Athlete:
    daily = synthetic_daily(N_DAYS, seed)
    cramps = planted_cramps(
        daily,
        40,
        "nocturnal",
        exposure,
        odds_ratio if exposure else 1.0,
        seed=seed + 1,
        sleep_need_h=SLEEP_NEED_H,
    )
    planted = ("nocturnal", exposure) if exposure else None
    return Athlete(shorten_cramp_nights(daily, cramps, 45.0), cramps, planted=planted)


def _seasonal_spring_drug(seed: int, odds_ratio: float) -> Athlete:
    daily = synthetic_daily(N_DAYS, seed)
    cramps = seasonal_cramps(daily, 40, 4.0, seed=seed + 1)
    meds = pd.DataFrame(
        {"name": ["drug"], "kind": ["medication"], "start_date": ["2025-04-01"], "end_date": [None]}
    )
    return Athlete(daily, cramps, meds)


def _sessions(seed: int, odds_ratio: float, planted: bool = False) -> Athlete:
    daily, sessions = synthetic_sessions(synthetic_daily(N_DAYS, seed), seed, 0.3)
    if planted:
        cramps = session_cramps(sessions, 40, "intensity_rel_habit", 1.15, odds_ratio, seed + 1)
        return Athlete(daily, cramps, sessions=sessions, planted=("exercise", "high_intensity"))
    return Athlete(daily, session_cramps(sessions, 40, seed=seed + 1), sessions=sessions)


#: name -> builder(seed, odds_ratio); no-effect scenarios first.
SCENARIOS: dict[str, Callable[[int, float], Athlete]] = {
    "no effect: 40 nocturnal + 40 exercise cramps": _both_types,
    "no effect: 40 nocturnal cramps, each shortens its night by 45 min": _own_night,
    "no effect: 4:1 summer:winter rate, a drug started in spring": _seasonal_spring_drug,
    "no effect: 40 exercise cramps in sessions, compared by session": _sessions,
    "OR 3: short night before the cramp night (cramps also shorten their own)": (
        lambda seed, odds: _own_night(seed, odds, "short_sleep")
    ),
    "OR 3: hard day before the cramp night (cramps also shorten their own)": (
        lambda seed, odds: _own_night(seed, odds, "hard_day")
    ),
    "OR 3: exercise cramps in sessions more intense than usual": (
        lambda seed, odds: _sessions(seed, odds, planted=True)
    ),
}


def _prevalence(athlete: Athlete, params: FindingsParams) -> float:
    cramp_type, key = athlete.planted
    if athlete.sessions is not None and key == "high_intensity":
        x = athlete.sessions["intensity_rel_habit"].to_numpy(dtype=float)
        return float(np.mean(x > params.intensity_rel_habit_min))
    spec = {e.key: e for e in binary_exposures(params, SLEEP_NEED_H)}[key]
    return float(np.nanmean(spec.daily_values(athlete.daily)))


def _share(flags: list[bool]) -> tuple[float, float]:
    """The share of athletes flagged and its Monte-Carlo (binomial) standard error."""
    p = float(np.mean(flags))
    return p, float(np.sqrt(p * (1 - p) / len(flags)))


def _cell(value) -> str:
    if isinstance(value, tuple):
        p, se = value
        return "" if np.isnan(p) else f"{100 * p:.1f} % ± {100 * se:.1f}"
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.2f}"
    return str(value)


def markdown(rows: list[dict]) -> str:
    """The results as a Markdown table (shares in percent ± their Monte-Carlo SE)."""
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(row[k]) for k in header) + " |" for row in rows]
    return "\n".join(lines)


def run_scenario(name: str, n_sims: int, odds_ratio: float, params: FindingsParams) -> dict:
    """Simulate ``n_sims`` athletes of one scenario and summarise what the engine reported."""
    build = SCENARIOS[name]
    index = list(SCENARIOS).index(name)
    clear, listed, notes, found, odds, prevalence, tests = [], [], [], [], [], [], []
    wall, cpu = time.perf_counter(), time.process_time()
    for sim in range(n_sims):
        athlete = build(1_000_000 * (index + 1) + 10 * sim, odds_ratio)
        res = analyze_athlete(
            athlete.daily,
            athlete.cramps,
            athlete.medications,
            params=params,
            sleep_need_h=SLEEP_NEED_H,
            sessions=athlete.sessions,
        )
        f = res.findings
        mine = np.zeros(len(f), bool)
        if athlete.planted is not None:
            cramp_type, key = athlete.planted
            mine = ((f["cramp_type"] == cramp_type) & (f["exposure"] == key)).to_numpy()
            row = f.loc[mine].iloc[0]
            found.append(row["evidence"] == "clear")
            odds.append(float(row["estimate"]))
            prevalence.append(_prevalence(athlete, params))
        tests.append(int(f["p_value"].notna().sum()))
        clear.append(bool((f.loc[~mine, "evidence"] == "clear").any()))
        listed.append(bool(res.epochs["listed"].any()) if len(res.epochs) else False)
        notes.append(any(DOCTOR in note for note in res.notes))
    return {
        "scenario": name,
        "sims": n_sims,
        "tests": float(np.median(tests)),
        "any other clear": _share(clear),
        "excursion listed": _share(listed),
        "medication note": _share(notes),
        "planted found": _share(found) if found else (np.nan, np.nan),
        "median OR": float(np.median(odds)) if odds else np.nan,
        "prevalence": float(np.mean(prevalence)) if prevalence else np.nan,
        "ms/athlete CPU": 1000 * (time.process_time() - cpu) / n_sims,
        "ms/athlete wall": 1000 * (time.perf_counter() - wall) / n_sims,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=300, help="athletes per planted scenario")
    parser.add_argument(
        "--null-sims",
        type=int,
        default=500,
        help="athletes per no-effect scenario (Monte-Carlo SE about 1%% at 5%%)",
    )
    parser.add_argument("--odds-ratio", type=float, default=3.0)
    parser.add_argument(
        "--permutations", type=int, default=1000, help="pseudo-cramp draws of the epoch bands"
    )
    parser.add_argument("--only", help="run only the scenarios whose name contains this text")
    args = parser.parse_args()
    params = FindingsParams(n_permutations=args.permutations)
    rows = []
    for name in SCENARIOS:
        if args.only and args.only not in name:
            continue
        n = args.null_sims if name.startswith("no effect") else args.sims
        rows.append(run_scenario(name, n, args.odds_ratio, params))
        print(markdown(rows[-1:]).splitlines()[-1], flush=True)  # each row as it is done
    print(markdown(rows))


if __name__ == "__main__":
    main()
