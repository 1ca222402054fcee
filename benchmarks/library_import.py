"""Benchmark of the athlete library: import of a 3-year athlete, date-span reads, 50 athletes.

Prints one table. What is measured:

1. **Import**: one simulated athlete over ``--days`` days (default 1095, about a
   thousand sessions plus a sleep and two wellness files per night, a cramp
   log and a medication log) imported into a new library by a child process:
   wall time, files per second, library size on disk, peak memory (max RSS
   of the child).
2. **Date span read**: :func:`analyzer.pipeline.date_span` (the dashboard's
   first read of an athlete: sessions, nights, wellness and cramps, turned
   into local days) on that library, the first call after opening and the
   median of ``--repeat`` further calls (target < 100 ms).
3. **50 athletes**: a library of ``--squad`` simulated athletes over the same
   period, then the same read for one of them.

Sources of the files (``--source``):

``fit`` (default)
    The simulator writes real files (:func:`analyzer.simulate.writers.write_athlete_files`)
    and the import reads them through the real registry and FIT reader.
``tables``
    The simulator's tables go to the library as reader bundles directly
    (sessions with their 4-second recorded samples, nights, mornings, cramps,
    medications), one bundle per session / night / day as the files would be.
    This measures the library alone and runs while a reader is unavailable.

The 50-athlete library is always built from ``tables`` without streams, one
bundle per athlete and table (to keep the build to minutes on a laptop); the
date-span read does not touch streams.

Run: ``python benchmarks/library_import.py [--days 1095] [--squad 50] [--source fit|tables]``.
Generated files are cached under ``benchmarks/out/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer import pipeline
from analyzer.schema import ImportBundle
from analyzer.store import Library

OUT = Path(__file__).resolve().parent / "out" / "library"
START = dt.date(2023, 1, 1)
SESSIONS_PER_WEEK = 8.0  # about a thousand sessions in three years


def simulated_specs(n: int) -> list:
    """``n`` benchmark athletes of the simulator, the first one training often."""
    from analyzer.simulate.athletes import benchmark_squad

    specs = benchmark_squad(n, np.random.default_rng(2026))
    first = specs[0]
    habits = dataclasses.replace(first.habits, sessions_per_week=SESSIONS_PER_WEEK)
    return [dataclasses.replace(first, habits=habits), *specs[1:]]


def history_of(spec, days: int, seed: int):
    from analyzer.simulate.history import simulate_athlete

    return simulate_athlete(spec, START, days, seed)


# -- bundles straight from the simulator's tables ------------------------------------


def table_bundles(history, with_samples: bool):
    """Yield ``(name, tables)`` per session, night, day and log, as the files would be."""
    from analyzer.simulate.streams import session_streams
    from analyzer.simulate.writers import recorded_samples

    spec = history.spec
    for _, s in history.sessions.iterrows():
        tables = {"activities": activity_rows(history, s.to_frame().T)}
        if with_samples:
            rec = recorded_samples(session_streams(s, spec.physiology))
            tables["samples"] = rec.assign(activity_id=tables["activities"]["activity_id"].iloc[0])
        yield f"{spec.athlete_id}-{s['session_id']}.session", tables
    for _, n in history.nights.iterrows():
        yield (
            f"{spec.athlete_id}-{n['night']}.sleep",
            {"sleep": pd.DataFrame([n]).assign(source="sim")},
        )
    for _, w in history.wellness.iterrows():
        yield (
            f"{spec.athlete_id}-{w['date']}.wellness",
            {"wellness": pd.DataFrame([w]).assign(source="sim")},
        )
    yield f"{spec.athlete_id}.cramps", {"cramps": history.cramps}
    yield f"{spec.athlete_id}.medications", {"medications": history.medications}


def whole_history_bundles(history):
    """Yield one ``(name, tables)`` per table holding the athlete's whole history (no streams)."""
    spec = history.spec
    yield f"{spec.athlete_id}.activities", {"activities": activity_rows(history, history.sessions)}
    yield f"{spec.athlete_id}.sleep", {"sleep": history.nights.assign(source="sim")}
    yield f"{spec.athlete_id}.wellness", {"wellness": history.wellness.assign(source="sim")}
    yield f"{spec.athlete_id}.cramps", {"cramps": history.cramps}
    yield f"{spec.athlete_id}.medications", {"medications": history.medications}


def activity_rows(history, sessions: pd.DataFrame) -> pd.DataFrame:
    """Canonical activity rows of simulated sessions (average HR from their mean %HRR)."""
    phys = history.spec.physiology
    hrr = sessions["mean_hrr"].astype(float)
    return pd.DataFrame(
        {
            "activity_id": [f"{history.spec.athlete_id}-{i}" for i in sessions["session_id"]],
            "sport": sessions["sport"],
            "start_utc": pd.to_datetime(sessions["start_utc"], utc=True),
            "duration_s": sessions["duration_s"].astype(float),
            "moving_s": sessions["duration_s"].astype(float),
            "avg_heart_rate_bpm": phys.hr_rest_bpm + hrr * (phys.hr_max_bpm - phys.hr_rest_bpm),
            "avg_temperature_c": sessions["air_temp_c"].astype(float),
        }
    )


class BundleReader:
    """A reader that returns prepared bundles by file name (the bytes are the name)."""

    def __init__(self) -> None:
        self.bundles: dict[str, dict] = {}

    def __call__(self, name, data, *, timezone=None, valid_rows_only=False) -> ImportBundle:
        tables = self.bundles.pop(name)
        return ImportBundle(name, hashlib.sha256(data).hexdigest(), "simulated_tables", tables)


def import_tables(lib: Library, reader: BundleReader, history, with_samples: bool) -> int:
    """Import one simulated athlete through ``reader``; return the number of 'files'.

    With samples: one bundle per session, night and day (as the real files
    come). Without: one bundle per table with the whole history (fast, for
    building large libraries).
    """
    spec = history.spec
    phys = spec.physiology
    lib.ensure_athlete(
        spec.athlete_id,
        spec.display_name,
        timezone=spec.timezone,
        hr_rest_bpm=phys.hr_rest_bpm,
        hr_max_bpm=phys.hr_max_bpm,
    )
    count = 0
    bundles = table_bundles(history, True) if with_samples else whole_history_bundles(history)
    for name, tables in bundles:
        reader.bundles[name] = tables
        result = lib.import_file(spec.athlete_id, name, name.encode())
        if result.status == "failed":
            raise RuntimeError(result.message)
        count += 1
    return count


# -- the import, in a child process so that its peak memory is its own ---------------


def child_import(library: Path, source: str, days: int, files: Path) -> dict:
    """Import the benchmark athlete; return timings (runs in the child)."""
    spec = simulated_specs(1)[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    if source == "fit":
        with Library(library) as lib:
            lib.ensure_athlete(spec.athlete_id, spec.display_name, timezone=spec.timezone)
            results = lib.import_paths(spec.athlete_id, [files / spec.athlete_id])
        failed = [r.summary() for r in results if r.status == "failed"]
        n_files = len(results)
        seconds = time.perf_counter() - started
        prepare = 0.0
    else:
        history = history_of(spec, days, seed=1)
        reader = BundleReader()
        with Library(library, reader=reader) as lib:
            prepare_started = time.perf_counter()
            n_files = import_tables(lib, reader, history, with_samples=True)
        seconds = time.perf_counter() - prepare_started
        prepare = prepare_started - started
        failed = []
    return {
        "files": n_files,
        "seconds": seconds,
        "cpu_s": time.process_time() - cpu_started,
        "prepare_s": prepare,
        "failed": failed[:5],
        "n_failed": len(failed),
    }


def run_child(library: Path, source: str, days: int, files: Path) -> tuple[dict, float]:
    """Run :func:`child_import` in a new process; return its result and its peak RSS [MiB]."""
    command = [
        sys.executable,
        __file__,
        "--child",
        str(library),
        "--source",
        source,
        "--days",
        str(days),
        "--files",
        str(files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(done.stdout.strip().splitlines()[-1]), peak_kib / 1024


def write_files(days: int, files: Path) -> tuple[dict, float]:
    """Write the benchmark athlete's files (cached); return file counts and seconds."""
    from analyzer.simulate.writers import write_athlete_files

    spec = simulated_specs(1)[0]
    marker = files / f"{spec.athlete_id}.{days}.done"
    if marker.exists():
        return json.loads(marker.read_text()), 0.0
    started = time.perf_counter()
    counts = write_athlete_files(history_of(spec, days, seed=1), files)
    marker.write_text(json.dumps(counts))
    return counts, time.perf_counter() - started


# -- reads --------------------------------------------------------------------------


def time_date_span(library: Path, athlete_id: str, repeat: int) -> tuple[float, float, int]:
    """Return (first call after opening [ms], median of further calls [ms], days spanned)."""
    started = time.perf_counter()
    with Library(library) as lib:
        first_day, last_day = pipeline.date_span(lib, athlete_id)
        first = (time.perf_counter() - started) * 1000
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            pipeline.date_span(lib, athlete_id)
            runs.append((time.perf_counter() - t0) * 1000)
    return first, statistics.median(runs), (last_day - first_day).days + 1


def size_mib(library: Path) -> float:
    """Size of the library file and its WAL [MiB]."""
    parts = [library, Path(f"{library}-wal")]
    return sum(p.stat().st_size for p in parts if p.exists()) / 2**20


def build_squad(library: Path, n: int, days: int) -> float:
    """Build a library of ``n`` simulated athletes from tables (no streams); return seconds."""
    reader = BundleReader()
    started = time.perf_counter()
    with Library(library, reader=reader) as lib:
        for i, spec in enumerate(simulated_specs(n)):
            import_tables(lib, reader, history_of(spec, days, seed=100 + i), with_samples=False)
            print(f"  squad: {i + 1}/{n} athletes", file=sys.stderr, flush=True)
    return time.perf_counter() - started


def import_rows(library: Path, args: argparse.Namespace) -> tuple[list[tuple[str, str, str]], dict]:
    """Import into a new library at ``library`` in a child process; return table rows and result."""
    for leftover in (library, Path(f"{library}-wal"), Path(f"{library}-shm")):
        leftover.unlink(missing_ok=True)
    result, peak_mib = run_child(library, args.source, args.days, args.files)
    return [
        ("import: files", str(result["files"]), f"{result['n_failed']} failed"),
        (
            "import: wall time",
            f"{result['seconds']:.1f} s",
            f"+{result['prepare_s']:.1f} s simulating" if result["prepare_s"] else "",
        ),
        ("import: files per second", f"{result['files'] / result['seconds']:.1f}", ""),
        ("import: CPU time (importing process)", f"{result['cpu_s']:.1f} s", ""),
        ("import: library size", f"{size_mib(library):.1f} MiB", ""),
        ("import: peak memory (child max RSS)", f"{peak_mib:.0f} MiB", ""),
    ], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument(
        "--squad", type=int, default=50, help="athletes in the large library (0 skips)"
    )
    parser.add_argument("--source", choices=("fit", "tables"), default="fit")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--files", type=Path, default=OUT / "files")
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="reuse the libraries of an earlier run and time the reads only",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_import(args.child, args.source, args.days, args.files)))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.source == "fit":
        counts, gen_s = write_files(args.days, args.files)
        rows.append(
            (
                "files written by the simulator",
                json.dumps(counts),
                f"{gen_s:.1f} s" if gen_s else "cached",
            )
        )
    library = OUT / f"one-athlete-{args.source}.sqlite"
    if args.reads_only and library.exists():
        rows.append(("import", "skipped", f"--reads-only: reusing {library.name}"))
        result = {"failed": []}
    else:
        imported, result = import_rows(library, args)
        rows += imported
    athlete_id = simulated_specs(1)[0].athlete_id
    first, median, n_days = time_date_span(library, athlete_id, args.repeat)
    rows += [
        ("date span, 1 athlete: first call after open", f"{first:.1f} ms", f"{n_days} days"),
        (f"date span, 1 athlete: median of {args.repeat}", f"{median:.1f} ms", "target < 100 ms"),
    ]
    if args.squad:
        squad = OUT / f"squad-{args.squad}.sqlite"
        if not squad.exists():
            build_s = build_squad(squad, args.squad, args.days)
            rows.append(
                (
                    f"{args.squad}-athlete library: build from tables",
                    f"{build_s:.0f} s",
                    "no streams",
                )
            )
        rows.append((f"{args.squad}-athlete library: size", f"{size_mib(squad):.1f} MiB", ""))
        first, median, n_days = time_date_span(squad, athlete_id, args.repeat)
        rows += [
            (
                f"date span in {args.squad}-athlete library: first call",
                f"{first:.1f} ms",
                f"{n_days} days",
            ),
            (
                f"date span in {args.squad}-athlete library: median",
                f"{median:.1f} ms",
                "target < 100 ms",
            ),
        ]
    if result["failed"]:
        rows.append(("first failures", "; ".join(result["failed"]), ""))
    width = max(len(r[0]) for r in rows)
    print(
        f"\nlibrary benchmark ({args.days} days, source {args.source}, "
        f"{os.cpu_count()} CPUs, python {sys.version.split()[0]})"
    )
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>14}  {note}")


if __name__ == "__main__":
    main()
