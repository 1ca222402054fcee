"""Speed of the findings engine: one athlete over three years, and a squad of 50.

Inputs are generated before timing (``analyzer.findings.synthetic``): a
3-year daily indicator table, 30 nocturnal and 30 exercise cramps (each
exercise cramp linked to a one-hour 1 Hz session whose samples are held in
memory, as the library would return them), and one medication start. The
timed call is the full ``analyze_athlete`` (case-crossover for every
exposure and cramp type, rate ratios, event-triggered averages with 1000
circular shifts, in-session context, relief) and ``analyze_squad`` over 50
such athletes (each analysed, then pooled).

Targets: one athlete < 1 s, 50 athletes < 30 s (wall clock; CPU time is
printed too, since a shared machine stretches wall time). Run:
``python benchmarks/findings.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analyzer.findings import FindingsParams, analyze_athlete, analyze_squad
from analyzer.findings.synthetic import planted_cramps, synthetic_daily

N_DAYS = 3 * 365


def session_samples(activity_id: str, start: pd.Timestamp, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = start + pd.to_timedelta(np.arange(3600), unit="s")
    return pd.DataFrame(
        {
            "activity_id": activity_id,
            "t_utc": t,
            "heart_rate_bpm": 140 + np.cumsum(rng.normal(0, 0.05, t.size)),
            "power_w": 200 + rng.normal(0, 15, t.size),
            "speed_mps": np.nan,
            "temperature_c": 24 + rng.normal(0, 0.5, t.size),
            "distance_m": np.arange(t.size) * 8.0,
        }
    )


def athlete_inputs(seed: int) -> dict:
    daily = synthetic_daily(N_DAYS, seed=seed)
    night = planted_cramps(
        daily, 30, "nocturnal", "short_sleep", 3.0, seed=seed + 1, sleep_need_h=8
    )
    exercise = planted_cramps(daily, 30, "exercise", "high_intensity", 3.0, seed=seed + 2)
    exercise["activity_id"] = [f"{seed}-a{i}" for i in range(len(exercise))]
    samples = {
        aid: session_samples(aid, start - pd.Timedelta(minutes=40), seed + i)
        for i, (aid, start) in enumerate(zip(exercise["activity_id"], exercise["start_utc"]))
    }
    cramps = pd.concat([night, exercise], ignore_index=True)
    cramps["cramp_id"] = [f"c{i}" for i in range(len(cramps))]
    start = pd.Timestamp(str(daily["date"].iloc[700]))
    medications = pd.DataFrame(
        {
            "name": ["hydrochlorothiazide"],
            "kind": ["medication"],
            "start_date": [start.date()],
            "end_date": [None],
        }
    )
    return {
        "daily": daily,
        "cramps": cramps,
        "medications": medications,
        "samples_for": samples.get,
        "timezone": "Europe/Berlin",
        "sleep_need_h": 8.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--athletes", type=int, default=50)
    args = parser.parse_args()
    params = FindingsParams()
    one = athlete_inputs(1)
    analyze_athlete(**one, params=params)  # warm-up (imports, caches)
    wall, cpu = [], []
    for _ in range(args.repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        res = analyze_athlete(**one, params=params)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    squad_inputs = {f"athlete{i:02d}": athlete_inputs(100 + 10 * i) for i in range(args.athletes)}
    started, cpu_started = time.perf_counter(), time.process_time()
    squad = analyze_squad(squad_inputs, params=params)
    squad_wall, squad_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rows = [
        (
            f"one athlete, 3 years (median of {args.repeats})",
            statistics.median(wall),
            statistics.median(cpu),
            1.0,
            f"{len(res.findings)} findings, {len(res.epochs)} epoch rows, "
            f"{len(res.in_session)} in-session rows",
        ),
        (
            f"{args.athletes} athletes, 3 years each (analyse + pool)",
            squad_wall,
            squad_cpu,
            30.0,
            f"{len(squad.findings)} pooled findings",
        ),
    ]
    table = pd.DataFrame(rows, columns=["case", "wall_s", "cpu_s", "target_s", "output"])
    table["within_target"] = table["wall_s"] < table["target_s"]
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string(index=False, float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
