"""A newcomer's export written by an independent FIT encoder (Garmin's own SDK).

Nothing here uses :mod:`analyzer.simulate` or the analyzer's FIT code: the activity files
are written with ``garmin_fit_sdk.Encoder`` (the FIT SDK's Python encoder) from heart-rate
streams of :mod:`tests.helpers.hr_streams`, and the cramp log is written in the project's
CSV template. The truth is known by construction:

* 120 runs, one every two days from 2026-01-06 (Europe/Berlin, the device writes the UTC
  offset); easy runs of 35-60 min, and every seventh run a long one of 100-140 min;
* heart rate with spikes, dropouts (the FIT invalid value 255, zeros, too-low readings)
  and Garmin's "smart recording" (a record every 1-6 s); the true HR max, 189 bpm, is
  reached in three hard runs; resting 48 bpm;
* 16 exercise cramps: in 11 of the 17 long runs and in 5 ordinary runs, 10 minutes before
  the end. A long run is "at least 50 % longer than habit" on its day, so the planted
  pattern is a strong association of exercise cramps with long sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.helpers.hr_streams import effort_profile, lagged, with_artefacts

TIMEZONE = "Europe/Berlin"
TRUE_HR_MAX = 189.0
TRUE_HR_REST = 48.0
N_RUNS = 120
LONG_EVERY = 7
FIRST_DAY = dt.date(2026, 1, 6)
_FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Run:
    """One planned run and what the truth says about it."""

    index: int
    start_utc: dt.datetime
    utc_offset_s: int
    duration_s: int
    long: bool
    hard: bool
    cramp_at_utc: dt.datetime | None


def plan(seed: int = 14) -> list[Run]:
    """The runs of the export, with the planted cramps."""
    rng = np.random.default_rng(seed)
    long_runs = [i for i in range(N_RUNS) if i % LONG_EVERY == LONG_EVERY - 1]
    cramped_long = set(rng.choice(long_runs, size=11, replace=False).tolist())
    ordinary = [i for i in range(8, N_RUNS) if i not in long_runs]
    cramped_ordinary = set(rng.choice(ordinary, size=5, replace=False).tolist())
    hard = {20, 61, 100}
    runs = []
    for i in range(N_RUNS):
        day = FIRST_DAY + dt.timedelta(days=2 * i)
        offset_s = 7200 if dt.date(2026, 3, 29) <= day < dt.date(2026, 10, 25) else 3600
        local = dt.datetime.combine(day, dt.time(7, int(rng.integers(0, 50))))
        start = (local - dt.timedelta(seconds=offset_s)).replace(tzinfo=dt.UTC)
        is_long = i in long_runs
        duration = int(rng.integers(100, 141) if is_long else rng.integers(35, 61)) * 60
        cramp = None
        if i in cramped_long or i in cramped_ordinary:
            cramp = start + dt.timedelta(seconds=duration - 600)
        runs.append(Run(i, start, offset_s, duration, is_long, i in hard, cramp))
    return runs


def heart_rate(run: Run, rng: np.random.Generator) -> np.ndarray:
    """The recorded 1-Hz heart rate of a run: true response plus strap artefacts."""
    reserve = TRUE_HR_MAX - TRUE_HR_REST
    warm_up = 600
    blocks = [(warm_up, TRUE_HR_REST + 0.55 * reserve)]
    main = run.duration_s - warm_up - (240 if run.hard else 0)
    blocks.append((main, TRUE_HR_REST + rng.uniform(0.66, 0.76) * reserve))
    if run.hard:
        blocks.append((240, TRUE_HR_MAX + 10.0))  # all-out finish: HR saturates at its max
    true_hr = np.minimum(lagged(effort_profile(blocks), TRUE_HR_REST + 25.0), TRUE_HR_MAX)
    recorded = with_artefacts(true_hr, rng, n_spikes=5, n_dropouts=3)
    recorded = np.where(np.isnan(recorded), 255.0, recorded)  # FIT's invalid uint8
    return np.clip(np.round(recorded), 0, 255)


def fit_file(run: Run, rng: np.random.Generator) -> bytes:
    """The run as a FIT activity file written by the Garmin FIT SDK's encoder."""
    from garmin_fit_sdk import Encoder, Profile

    mesg = Profile["mesg_num"]
    hr = heart_rate(run, rng)
    speed = rng.uniform(2.6, 3.2)
    start, end = run.start_utc, run.start_utc + dt.timedelta(seconds=run.duration_s)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": mesg["FILE_ID"],
            "type": "activity",
            "manufacturer": "development",
            "product": 1,
            "serial_number": 4242,
            "time_created": start,
        }
    )
    encoder.write_mesg(
        {"mesg_num": mesg["EVENT"], "timestamp": start, "event": "timer", "event_type": "start"}
    )
    second = 0
    while second < run.duration_s:
        encoder.write_mesg(
            {
                "mesg_num": mesg["RECORD"],
                "timestamp": start + dt.timedelta(seconds=second),
                "heart_rate": int(hr[second]),
                "speed": speed,
                "distance": speed * second,
            }
        )
        second += int(rng.integers(1, 7))  # smart recording
    elapsed = float(run.duration_s)
    encoder.write_mesg(
        {"mesg_num": mesg["EVENT"], "timestamp": end, "event": "timer", "event_type": "stop_all"}
    )
    common = {
        "timestamp": end,
        "start_time": start,
        "total_elapsed_time": elapsed,
        "total_timer_time": elapsed,
        "total_distance": speed * elapsed,
        "message_index": 0,
    }
    encoder.write_mesg({"mesg_num": mesg["LAP"], **common})
    encoder.write_mesg(
        {
            "mesg_num": mesg["SESSION"],
            **common,
            "sport": "running",
            "sub_sport": "generic",
            "first_lap_index": 0,
            "num_laps": 1,
        }
    )
    local_end = end + dt.timedelta(seconds=run.utc_offset_s)
    encoder.write_mesg(
        {
            "mesg_num": mesg["ACTIVITY"],
            "timestamp": end,
            "local_timestamp": int((local_end - _FIT_EPOCH).total_seconds()),
            "num_sessions": 1,
            "type": "manual",
            "event": "activity",
            "event_type": "stop",
            "total_timer_time": elapsed,
        }
    )
    return encoder.close()


def cramp_log(runs: list[Run]) -> str:
    """The exercise cramps in the cramp-log template, local times with their UTC offset."""
    lines = ["start_local,muscle,side,severity_0_10,duration_s,context,relief,notes"]
    for run in runs:
        if run.cramp_at_utc is None:
            continue
        zone = dt.timezone(dt.timedelta(seconds=run.utc_offset_s))
        local = run.cramp_at_utc.astimezone(zone).isoformat(timespec="minutes")
        lines.append(f"{local},calf,left,6,60,exercise,stretching,")
    return "\n".join(lines) + "\n"


def write_export(folder: Path, seed: int = 14) -> list[Run]:
    """Write the FIT files and the cramp log into ``folder``; return the plan."""
    folder.mkdir(parents=True, exist_ok=True)
    runs = plan(seed)
    rng = np.random.default_rng(seed + 1)
    for run in runs:
        local = run.start_utc + dt.timedelta(seconds=run.utc_offset_s)
        (folder / f"{local:%Y-%m-%d-%H-%M-%S}.fit").write_bytes(fit_file(run, rng))
    (folder / "cramps.csv").write_text(cramp_log(runs), encoding="utf-8")
    return runs
