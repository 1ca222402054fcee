"""Benchmark of the indicators: the daily table of one athlete over three years and of 50 athletes.

Targets: one athlete, three years < 200 ms; 50 athletes < 5 s (daily table from the
session table). Also timed, for context: the session table without streams (summary rows only)
and with one-hour 1 Hz streams for 100 sessions, and the physiology estimated from those
sessions for an athlete who set none
(:func:`analyzer.indicators.athlete_settings.resolve_settings`).

Inputs come from :mod:`analyzer.simulate` (the project's athlete simulator: sessions, nights and
mornings, turned into canonical tables here) or, with ``--generator seeded`` or when the simulator
is not installed, from a small seeded generator below (activities, sleep and wellness rows with a
weekly rhythm, rest days, device gaps and noise). No library is needed.
Run: ``python benchmarks/indicators.py [--athletes 50] [--years 3] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from analyzer.indicators import daily_table, sessions_table
from analyzer.indicators.athlete_settings import ESTIMATED, resolve_settings
from analyzer.schema import conform

SPORTS = ("running", "cycling")


def synthetic_athlete(
    seed: int, years: float = 3.0
) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (athlete, activities, sleep, wellness) canonical tables for one seeded athlete."""
    rng = np.random.default_rng(seed)
    n_days = int(round(365.25 * years))
    athlete_id = f"athlete-{seed:03d}"
    athlete = {
        "athlete_id": athlete_id,
        "sex": "f" if seed % 2 else "m",
        "hr_rest_bpm": 50.0 + seed % 10,
        "hr_max_bpm": 185.0 + seed % 10,
        "lthr_bpm": 165.0,
        "ftp_w": 250.0,
        "timezone": "Europe/Berlin",
        "sleep_need_h": 8.0,
    }
    first = pd.Timestamp("2022-01-03", tz="UTC")
    days = pd.date_range(first, periods=n_days, freq="D")
    worn = rng.random(n_days) > 0.05  # device-free days
    trains = worn & (rng.random(n_days) < np.where(days.day_of_week == 0, 0.1, 0.8))
    start = days[trains] + pd.to_timedelta(rng.uniform(5, 19, trains.sum()), unit="h")
    n = len(start)
    sport = rng.choice(SPORTS, n)
    duration = rng.gamma(6.0, 600.0, n)
    activities = conform(
        "activities",
        pd.DataFrame(
            {
                "activity_id": [f"{athlete_id}-{i}" for i in range(n)],
                "athlete_id": athlete_id,
                "sport": sport,
                "start_utc": start,
                "duration_s": duration,
                "moving_s": duration * 0.95,
                "avg_heart_rate_bpm": rng.normal(145, 10, n),
                "avg_power_w": np.where(sport == "cycling", rng.normal(190, 25, n), np.nan),
                "avg_speed_mps": np.where(
                    sport == "running", rng.normal(3.2, 0.3, n), rng.normal(8, 1, n)
                ),
                "avg_temperature_c": rng.normal(15, 7, n),
                "rpe": rng.integers(2, 9, n).astype(float),
                "utc_offset_s": np.where(rng.random(n) < 0.7, 3600.0, np.nan),
            }
        ),
    )
    nights = days[worn & (rng.random(n_days) < 0.95)]
    asleep = rng.normal(430, 45, len(nights))
    sleep = conform(
        "sleep",
        pd.DataFrame(
            {
                "athlete_id": athlete_id,
                "night": nights.date,
                "start_utc": nights - pd.Timedelta(hours=1),
                "end_utc": nights + pd.Timedelta(hours=6),
                "asleep_min": asleep,
                "in_bed_min": asleep + rng.uniform(10, 60, len(nights)),
                "source": "garmin",
            }
        ),
    )
    well_days = days[worn]
    wellness = conform(
        "wellness",
        pd.DataFrame(
            {
                "athlete_id": athlete_id,
                "date": well_days.date,
                "resting_hr_bpm": rng.normal(52, 3, len(well_days)),
                "hrv_rmssd_ms": rng.lognormal(np.log(60), 0.15, len(well_days)),
                "source": "garmin",
            }
        ),
    )
    return athlete, activities, sleep, wellness


def simulated_squad(
    n_athletes: int, years: float
) -> list[tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]] | None:
    """The squad from :mod:`analyzer.simulate` as canonical tables, or None if it is not available.

    Sessions become summary activity rows (mean HR from the simulated HR reserve, air
    temperature); nights and mornings become ``sleep`` and ``wellness`` rows.
    """
    try:
        from analyzer.simulate.athletes import benchmark_squad
        from analyzer.simulate.history import simulate_athlete
        from analyzer.simulate.squad import athletes_table
    except ImportError:
        return None
    specs = benchmark_squad(n_athletes, np.random.default_rng(2026))
    days = int(round(365.25 * years))
    squad = []
    for index, (spec, athlete) in enumerate(zip(specs, athletes_table(specs).to_dict("records"))):
        history = simulate_athlete(spec, dt.date(2022, 1, 3), days, seed=index)
        s, rest, peak = history.sessions, athlete["hr_rest_bpm"], athlete["hr_max_bpm"]
        activities = conform(
            "activities",
            pd.DataFrame(
                {
                    "activity_id": s["session_id"].astype(str),
                    "athlete_id": athlete["athlete_id"],
                    "sport": s["sport"],
                    "start_utc": s["start_utc"],
                    "duration_s": s["duration_s"],
                    "moving_s": s["duration_s"],
                    "avg_heart_rate_bpm": rest + s["mean_hrr"] * (peak - rest),
                    "avg_temperature_c": s["air_temp_c"],
                }
            ),
        )
        n = history.nights
        sleep = conform(
            "sleep",
            pd.DataFrame(
                {
                    "athlete_id": athlete["athlete_id"],
                    "night": n["night"],
                    "start_utc": n["start_utc"],
                    "end_utc": n["end_utc"],
                    "asleep_min": n["asleep_min"],
                    "in_bed_min": n["asleep_min"] + n["awake_min"],
                    "source": "simulated",
                }
            ),
        )
        w = history.wellness
        wellness = conform(
            "wellness",
            pd.DataFrame(
                {
                    "athlete_id": athlete["athlete_id"],
                    "date": w["date"],
                    "resting_hr_bpm": w["resting_hr_bpm"],
                    "hrv_rmssd_ms": w["hrv_rmssd_ms"],
                    "source": "simulated",
                }
            ),
        )
        squad.append((athlete, activities, sleep, wellness))
    return squad


def one_hour_stream(activity_id: str, seed: int, start: pd.Timestamp) -> pd.DataFrame:
    """A one-hour 1 Hz stream with HR, power, speed and temperature from ``start``."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp(start) + pd.to_timedelta(np.arange(3600), unit="s")
    return conform(
        "samples",
        pd.DataFrame(
            {
                "activity_id": activity_id,
                "t_utc": t,
                "heart_rate_bpm": 140 + 10 * np.sin(np.arange(3600) / 300) + rng.normal(0, 2, 3600),
                "power_w": rng.normal(200, 40, 3600).clip(0),
                "speed_mps": rng.normal(8, 1, 3600).clip(0),
                "temperature_c": 20.0,
            }
        ),
    )


def best_of(repeat: int, func, *args):
    """Best wall and CPU time of ``repeat`` calls [s] and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func(*args)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def timed(func):
    """Wall and CPU time of one call [s]."""
    start, start_cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - start, time.process_time() - start_cpu


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=50)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--generator",
        choices=("simulate", "seeded"),
        default="simulate",
        help="inputs from analyzer.simulate (falls back to the seeded generator)",
    )
    args = parser.parse_args(argv)

    squad = None if args.generator == "seeded" else simulated_squad(args.athletes, args.years)
    source = "analyzer.simulate" if squad is not None else "seeded generator (this script)"
    if squad is None:
        squad = [synthetic_athlete(seed, args.years) for seed in range(args.athletes)]
    athlete, activities, sleep, wellness = squad[0]
    sessions_wall, sessions_cpu, sessions = best_of(
        args.repeat, sessions_table, activities, None, athlete
    )
    daily_wall, daily_cpu, daily = best_of(
        args.repeat, daily_table, sessions, sleep, wellness, athlete
    )

    squad_sessions = [sessions_table(a, None, ath) for ath, a, _, _ in squad]

    def all_daily_tables():
        for (ath, _, sl, well), sess in zip(squad, squad_sessions):
            daily_table(sess, sl, well, ath)

    squad_wall, squad_cpu = timed(all_daily_tables)

    streamed = activities.iloc[:100]
    samples = pd.concat(
        [
            one_hour_stream(aid, i, start)
            for i, (aid, start) in enumerate(zip(streamed["activity_id"], streamed["start_utc"]))
        ],
        ignore_index=True,
    )
    stream_wall, stream_cpu = timed(lambda: sessions_table(streamed, samples, athlete))
    unset = {k: v for k, v in athlete.items() if k not in ESTIMATED}
    estimate_wall, estimate_cpu = timed(
        lambda: resolve_settings(unset, streamed, samples, wellness)
    )

    rows = [
        (
            "daily table, 1 athlete",
            f"{args.years:g} y, {len(daily)} days, {len(sessions)} sessions",
            daily_wall,
            daily_cpu,
            0.200,
        ),
        (
            f"daily tables, {args.athletes} athletes",
            f"{args.years:g} y each (sessions precomputed)",
            squad_wall,
            squad_cpu,
            5.0,
        ),
        (
            "session table (summary rows), 1 athlete",
            f"{len(sessions)} sessions, no streams",
            sessions_wall,
            sessions_cpu,
            None,
        ),
        (
            "session table with streams",
            f"{len(streamed)} sessions x 1 h at 1 Hz ({len(samples)} samples)",
            stream_wall,
            stream_cpu,
            None,
        ),
        (
            "physiology estimated (nothing set)",
            f"the same {len(streamed)} sessions, {len(wellness)} days of resting HR",
            estimate_wall,
            estimate_cpu,
            None,
        ),
    ]
    print(f"inputs: {source}; 1-athlete rows: best of {args.repeat} runs; others: one pass")
    print(f"{'what':42} {'input':48} {'wall':>10} {'CPU':>10} {'target':>8}  met (CPU)")
    for what, size, wall, cpu, target in rows:
        verdict = "" if target is None else ("yes" if cpu < target else "NO")
        target_text = "" if target is None else f"{target * 1000:.0f} ms"
        times = f"{wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms"
        print(f"{what:42} {size:48} {times} {target_text:>8}  {verdict}")


if __name__ == "__main__":
    main()
