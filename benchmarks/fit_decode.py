"""Benchmark: our numpy FIT reader against fitdecode and fitparse, in one run.

Each library decodes the same file, read from its path, and materialises
every data message:

* ours: ``read_fit(path)`` then ``messages(name)`` for every message type
  present (DataFrames, i.e. everything up to the tables a user reads);
* ours, cold: the same after :func:`clear_layout_caches`, i.e. as the first
  file of its device in a process (the per-layout decoding plans, dtypes and
  column labels are built again; later files of a device reuse them);
* fitdecode 0.11: every data message's fields into a dict (``{name: value}``);
* fitparse 1.2: ``get_messages()`` and ``get_values()`` for every message.

Per file and library: one warm-up run, then the median of ``--repeat`` (>= 5)
timed runs, libraries interleaved run by run so that machine load hits them
alike. Times are CPU seconds of this process (``time.process_time``; every
library decodes in one thread), which on a shared, loaded machine are much
steadier than the wall clock and equal it on an idle core; the wall-clock
ratio to fitdecode is printed too. Reported: seconds, ``record`` messages per
second, the ratio of our records/s to fitdecode's, and our peak memory while
decoding (tracemalloc, a separate untimed run) relative to the file size.

Targets (issue 2): >= 100x fitdecode's records/s on the two large activity
files, peak memory <= 20x the file size.
Run: ``python benchmarks/fit_decode.py [--repeat 5] [FILE ...]`` (default:
the large activity files in tests/data).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
import warnings
from pathlib import Path

from analyzer.io.fit import read_fit
from analyzer.io.fit.reader import clear_layout_caches

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_FILES = (
    "activity_multisport_fenix2_large.fit",
    "activity_hr_edge500_ride.fit",
    "activity_hr_fenix2_run.fit",
    "activity_hr_msgs_fr935_chained.fit",
)


def decode_ours(path: Path) -> int:
    fit = read_fit(path)
    frames = {name: fit.messages(name) for name in fit.message_names()}
    return len(frames.get("record", ()))


def decode_fitdecode(path: Path) -> int:
    import fitdecode

    records = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fitdecode.FitReader(path) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    _ = {field.name: field.value for field in frame.fields}
                    records += frame.name == "record"
    return records


def decode_fitparse(path: Path) -> int:
    import fitparse

    records = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for message in fitparse.FitFile(str(path)).get_messages():
            message.get_values()
            records += message.name == "record"
    return records


LIBRARIES = {
    "ours": decode_ours,
    "ours_cold": decode_ours,
    "fitdecode": decode_fitdecode,
    "fitparse": decode_fitparse,
}


def time_file(path: Path, repeat: int) -> dict[str, tuple[float, float, int]]:
    """Median CPU seconds, median wall seconds and record count per library for one file."""
    cpu: dict[str, list[float]] = {name: [] for name in LIBRARIES}
    wall: dict[str, list[float]] = {name: [] for name in LIBRARIES}
    counts: dict[str, int] = {}
    for run in range(repeat + 1):
        for name, decode in LIBRARIES.items():
            if name == "ours_cold":
                clear_layout_caches()
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            counts[name] = decode(path)
            elapsed_cpu, elapsed_wall = (
                time.process_time() - start_cpu,
                time.perf_counter() - start_wall,
            )
            if run:  # run 0 is the warm-up
                cpu[name].append(elapsed_cpu)
                wall[name].append(elapsed_wall)
    return {
        name: (statistics.median(cpu[name]), statistics.median(wall[name]), counts[name])
        for name in LIBRARIES
    }


def peak_memory(path: Path) -> int:
    """Peak bytes allocated while our reader decodes ``path`` (tracemalloc)."""
    tracemalloc.start()
    decode_ours(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per library (>= 5)")
    args = parser.parse_args(argv)
    repeat = max(5, args.repeat)
    files = args.files or [DATA / name for name in DEFAULT_FILES]
    header = (
        f"{'file':40s} {'bytes':>9s} {'records':>8s} {'ours s':>8s} {'cold s':>8s} {'fitdecode s':>11s} "
        f"{'fitparse s':>10s} {'ours rec/s':>11s} {'fitdecode rec/s':>15s} {'x fitdecode':>11s} "
        f"{'cold x':>7s} {'wall x':>7s} {'x fitparse':>10s} {'peak mem':>9s}"
    )
    print(f"median CPU time of {repeat} runs after a warm-up; 'cold' = ours with the per-layout")
    print("caches cleared before each run; 'wall x' = wall-clock ratio to fitdecode;")
    print("peak memory = ours, x file size")
    print(header)
    print("-" * len(header))
    for path in files:
        result = time_file(path, repeat)
        ours_s, ours_wall, records = result["ours"]
        cold_s = result["ours_cold"][0]
        fd_s, fd_wall, _ = result["fitdecode"]
        fp_s = result["fitparse"][0]
        peak = peak_memory(path) / path.stat().st_size
        print(
            f"{path.name:40s} {path.stat().st_size:9d} {records:8d} {ours_s:8.4f} {cold_s:8.4f} {fd_s:11.3f} "
            f"{fp_s:10.3f} {records / ours_s:11.0f} {records / fd_s:15.0f} {fd_s / ours_s:11.1f} "
            f"{fd_s / cold_s:7.1f} {fd_wall / ours_wall:7.1f} {fp_s / ours_s:10.1f} {peak:8.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
