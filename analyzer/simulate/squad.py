"""Build the demo squad in ``sample_data/`` or a large synthetic library for benchmarks.

Run ``python -m analyzer.simulate.squad --out sample_data`` to rebuild the
committed demo squad (deterministic: same code, same bytes), or
``python -m analyzer.simulate.squad --out /tmp/lib --athletes 50 --days 1095``
for a benchmark library that is never committed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.simulate import model
from analyzer.simulate.athletes import DEMO_SQUAD, benchmark_squad
from analyzer.simulate.history import AthleteHistory, simulate_athlete
from analyzer.simulate.readme import squad_readme
from analyzer.simulate.writers import write_athlete_files

#: Truth files live outside the athlete folders, whose every file the demo import reads.
TRUTH_DIR = "truth"
DEMO_START = dt.date(2025, 9, 1)
DEMO_DAYS = 212
DEMO_SEED = 2026
ATHLETE_COLUMNS = [
    "athlete_id",
    "display_name",
    "sex",
    "hr_rest_bpm",
    "hr_max_bpm",
    "lthr_bpm",
    "ftp_w",
    "timezone",
    "sleep_need_h",
]


def athlete_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th athlete of a squad built with ``seed``."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def write_squad(
    out_dir: str | Path,
    athletes: int | Sequence[model.AthleteSpec] | None = None,
    days: int = DEMO_DAYS,
    seed: int = DEMO_SEED,
    start: dt.date = DEMO_START,
    readme: bool | None = None,
) -> list[AthleteHistory]:
    """Simulate a squad and write all its files under ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Folder to write into (created; existing files of the same names are replaced,
        other files are left alone).
    athletes : int, sequence of AthleteSpec or None
        ``None`` for the four-athlete demo squad, an ``int`` for that many
        variations of the archetypes (benchmarks), or explicit specs.
    days, seed, start : simulation length, master seed and first local date.
    readme : bool, optional
        Write ``README.md`` describing the squad; default only for the demo squad.

    Returns
    -------
    list of AthleteHistory
        What was simulated, for callers that want the truth in memory.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if athletes is None:
        specs = list(DEMO_SQUAD)
        readme = True if readme is None else readme
    elif isinstance(athletes, int):
        specs = benchmark_squad(athletes, np.random.default_rng(seed))
    else:
        specs = list(athletes)
    histories = []
    for i, spec in enumerate(specs):
        history = simulate_athlete(spec, start, days, athlete_seed(seed, i))
        write_athlete_files(history, out)
        truth_path = out / TRUTH_DIR / f"{spec.athlete_id}.json"
        truth_path.parent.mkdir(exist_ok=True)
        truth_path.write_text(
            json.dumps(truth(history), indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        histories.append(history)
    athletes_table(specs).to_csv(out / "athletes.csv", index=False)
    if readme:
        (out / "README.md").write_text(squad_readme(histories, seed), encoding="utf-8")
    return histories


def athletes_table(specs: Sequence[model.AthleteSpec]) -> pd.DataFrame:
    """The ``athletes.csv`` rows: the canonical ``athletes`` table."""
    rows = []
    for spec in specs:
        p = spec.physiology
        rows.append(
            {
                "athlete_id": spec.athlete_id,
                "display_name": spec.display_name,
                "sex": p.sex,
                "hr_rest_bpm": p.hr_rest_bpm,
                "hr_max_bpm": p.hr_max_bpm,
                "lthr_bpm": p.lthr_bpm,
                "ftp_w": p.ftp_w,
                "timezone": spec.timezone,
                "sleep_need_h": p.sleep_need_h,
            }
        )
    return pd.DataFrame(rows, columns=ATHLETE_COLUMNS)


def truth(history: AthleteHistory) -> dict:
    """The planted model, its parameters and every drawn session, night and cramp, as JSON data."""
    spec = history.spec
    s, n, c = history.sessions, history.nights, history.cramps
    cramp_sessions = set(c["session_id"].dropna())
    cramp_nights = set(c["night"].dropna())
    return {
        "athlete_id": spec.athlete_id,
        "description": spec.description,
        "seed": history.seed,
        "start_date": history.start.isoformat(),
        "days": history.days,
        "spec": _jsonable(dataclasses.asdict(spec)),
        "definitions": {
            "habit_window_days": model.HABIT_WINDOW_DAYS,
            "habit_min_sessions": model.HABIT_MIN_SESSIONS,
            "intensity_margin_hrr": model.INTENSITY_MARGIN_HRR,
            "duration_ratio": model.DURATION_RATIO,
            "hard_day_ratio": model.HARD_DAY_RATIO,
            "hard_day_window_days": model.HARD_DAY_WINDOW_DAYS,
            "hard_day_rule": (
                "TRIMP >= hard_day_ratio x the mean daily TRIMP (rest days 0) of the "
                "previous hard_day_window_days days; the findings engine's hard_day "
                "applies the same rule to the imported daily load"
            ),
            "short_night_deficit_h": model.SHORT_NIGHT_DEFICIT_H,
            "trimp": "Banister; men 0.64*exp(1.92x), women 0.86*exp(1.67x); planned segments",
        },
        "planted": model.planted_effects(spec),
        "counts": {
            "cramps": int(len(c)),
            "by_component": {
                k: int(v) for k, v in c["component"].value_counts().sort_index().items()
            },
            "by_context": {k: int(v) for k, v in c["context"].value_counts().sort_index().items()},
            "sessions": int(len(s)),
            "sessions_above_habit_intensity": int(s["above_habit_intensity"].sum()),
            "sessions_above_habit_duration": int(s["above_habit_duration"].sum()),
            "sessions_hot": int(s["hot"].sum()),
            "nights": int(len(n)),
            "nights_after_hard_day": int(n["hard_day_before"].sum()),
            "short_nights": int(n["short_night"].sum()),
            "nights_after_a_short_night": int(n["short_night_before"].sum()),
            "nights_on_medication_effect": int((n["medication_log_or"] != 0).sum()),
            "days_logged_in_daily_log": int(history.journal["answered"].sum()),
            "days_not_hydrated": int(history.journal["not_hydrated"].sum()),
            "sessions_on_days_not_hydrated": int(s["not_hydrated_day"].sum()),
            "expected_cramps_from_model": round(
                float(s["p_cramp"].sum() + n["p_cramp"].sum())
                + spec.cramps.random_per_day * history.days,
                3,
            ),
        },
        "sessions": [
            _session_truth(r, r["session_id"] in cramp_sessions, spec.timezone)
            for _, r in s.iterrows()
        ],
        "nights": [_night_truth(r, r["night"] in cramp_nights) for _, r in n.iterrows()],
        "cramps": [_cramp_truth(r, spec.timezone) for _, r in c.iterrows()],
    }


def _session_truth(r: pd.Series, cramp: bool, tz: str) -> dict:
    local = r["start_utc"].tz_convert(tz)
    return {
        "session_id": r["session_id"],
        "file": f"activities/{local:%Y-%m-%d_%H%M}_{r['sport']}.fit",
        "start_utc": r["start_utc"].isoformat(),
        "sport": r["sport"],
        "kind": r["kind"],
        "duration_s": float(r["duration_s"]),
        "mean_hrr": round(float(r["mean_hrr"]), 4),
        "trimp": round(float(r["trimp"]), 2),
        "air_temp_c": round(float(r["air_temp_c"]), 2),
        "above_habit_intensity": bool(r["above_habit_intensity"]),
        "above_habit_duration": bool(r["above_habit_duration"]),
        "hot": bool(r["hot"]),
        "not_hydrated_day": bool(r["not_hydrated_day"]),
        "p_cramp": round(float(r["p_cramp"]), 5),
        "cramp": bool(cramp),
    }


def _night_truth(r: pd.Series, cramp: bool) -> dict:
    return {
        "night": r["night"].isoformat(),
        "start_utc": r["start_utc"].isoformat(),
        "end_utc": r["end_utc"].isoformat(),
        "asleep_min": float(r["asleep_min"]),
        "short_night": bool(r["short_night"]),
        "short_night_before": bool(r["short_night_before"]),
        "hard_day_before": bool(r["hard_day_before"]),
        "medication_log_or": round(float(r["medication_log_or"]), 5),
        "p_cramp": round(float(r["p_cramp"]), 5),
        "cramp": bool(cramp),
    }


def _cramp_truth(r: pd.Series, tz: str) -> dict:
    return {
        "start_utc": r["start_utc"].isoformat(),
        "start_local": r["start_utc"].tz_convert(tz).isoformat(timespec="seconds"),
        "component": r["component"],
        "context": r["context"],
        "session_id": r["session_id"] if isinstance(r["session_id"], str) else None,
        "night": r["night"].isoformat() if isinstance(r["night"], dt.date) else None,
        "p_cramp": None if np.isnan(r["p_cramp"]) else round(float(r["p_cramp"]), 5),
    }


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m analyzer.simulate.squad --out DIR [--athletes N] [--days D]``.

    ``--seed S`` changes the master seed.
    """
    parser = argparse.ArgumentParser(
        prog="python -m analyzer.simulate.squad", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument(
        "--athletes",
        type=int,
        default=None,
        help="number of synthetic athletes (default: the four-athlete demo squad)",
    )
    parser.add_argument(
        "--days", type=int, default=DEMO_DAYS, help=f"days to simulate (default {DEMO_DAYS})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEMO_SEED, help=f"master seed (default {DEMO_SEED})"
    )
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=DEMO_START,
        help=f"first local date, YYYY-MM-DD (default {DEMO_START})",
    )
    args = parser.parse_args(argv)
    histories = write_squad(
        args.out, athletes=args.athletes, days=args.days, seed=args.seed, start=args.start
    )
    for h in histories:
        print(
            f"{h.spec.athlete_id}: {len(h.sessions)} sessions, {len(h.nights)} nights, "
            f"{len(h.cramps)} cramps"
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
