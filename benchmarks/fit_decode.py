"""Benchmark: our numpy FIT reader against fitdecode and fitparse, in one run.

Three tables:

``records`` (the bundled large activity files in tests/data)
    each library decodes the file from its path and materialises every data
    message: ours ``read_fit(path)`` then ``messages(name)`` for every
    message type (DataFrames), also *cold* (after :func:`clear_layout_caches`,
    as the first file of its device in a process); fitdecode 0.11 every data
    message's fields into a dict; fitparse 1.2 ``get_messages()`` and
    ``get_values()``. Reported: seconds, ``record`` messages per second, ratios
    and our peak memory (tracemalloc) relative to the file size.

``samples`` (every activity file of ``$ANALYZER_SAMPLES_DIR/fit`` and the Garmin month)
    the path the library uses, *tables*: the file's bytes to the canonical
    tables it imports (``read_fit_bundle(data).tables`` without the one-file
    night and day tables the library rebuilds itself); and *full*: every
    message type's DataFrame; against the same fitdecode and fitparse decoding.
    Per file the ratio of fitdecode's time to ours; then the median, geometric
    mean and worst ratio over the activity files, and over the month's files
    (also as one total). A corrupt file is decoded as far as each library
    gets (fitdecode and fitparse stop at the first error they raise).

Per file and library: one warm-up run, then the median of ``--repeat`` (>= 5)
timed runs, in two orders: *interleaved*, libraries taking turns run by run so
that machine load hits them alike; and *in a row*, each library's warm-up and
runs back to back, as an import reads one file after another. The orders
differ because the libraries evict one another's data from the CPU caches: a
fitdecode run between two of ours slows ours by 1.5-2 x on small files, while
fitdecode hardly notices. Times are CPU seconds of this process
(``time.process_time``; every library decodes in one thread), which on a
shared, loaded machine are much steadier than the wall clock and equal it on
an idle core.

``floor`` (the smallest activity files)
    what a small file costs that no decoder design in pure Python avoids: the
    20 x target's budget (fitdecode's time / 20) beside our CRC check of the
    file, ``read_fit`` (walk and layouts), the tables path and one empty
    canonical DataFrame.

Targets: canonical tables at a median of >= 60 x fitdecode and no file under
20 x; peak memory <= 20 x the file size.
Run: ``python benchmarks/fit_decode.py [--part records|samples|floor|all] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
import tracemalloc
import warnings
from pathlib import Path

from analyzer.io.fit import read_fit
from analyzer.io.fit.reader import clear_layout_caches
from analyzer.io.fit_tables import read_fit_bundle

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_FILES = (
    "activity_multisport_fenix2_large.fit",
    "activity_hr_edge500_ride.fit",
    "activity_hr_fenix2_run.fit",
    "activity_hr_msgs_fr935_chained.fit",
)
#: Shared sample files that are daily (sleep, monitoring, HRV status), not activities.
DAILY_PREFIXES = ("hrv_status_", "monitoring_", "sleep_")
MONTH = "garmin_wellness_2021_06"
#: Activity files below this size go into the ``floor`` table.
SMALL_FILE_BYTES = 2048


def decode_ours(path: Path) -> int:
    fit = read_fit(path)
    frames = {name: fit.messages(name) for name in fit.message_names()}
    return len(frames.get("record", ()))


def tables_ours(path: Path) -> int:
    """Bytes -> the canonical tables the library imports (errors count as done)."""
    from analyzer.errors import FitError

    try:
        tables = read_fit_bundle(path.read_bytes(), path.name).tables
    except FitError:
        return 0
    kept = tables.without_one_file_day_tables()
    return len(kept.get("samples", ()))


def full_ours(path: Path) -> int:
    from analyzer.errors import FitError

    try:
        return decode_ours(path)
    except FitError:
        return 0


def decode_fitdecode(path: Path) -> int:
    import fitdecode

    records = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with fitdecode.FitReader(path) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        _ = {field.name: field.value for field in frame.fields}
                        records += frame.name == "record"
        except fitdecode.FitError:
            pass  # a corrupt file: what came before the error is decoded
    return records


def decode_fitparse(path: Path) -> int:
    import fitparse

    records = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for message in fitparse.FitFile(str(path)).get_messages():
                message.get_values()
                records += message.name == "record"
        except fitparse.FitParseError:
            pass
    return records


RECORD_LIBRARIES = {
    "ours": decode_ours,
    "ours_cold": decode_ours,
    "fitdecode": decode_fitdecode,
    "fitparse": decode_fitparse,
}
SAMPLE_LIBRARIES = {
    "tables": tables_ours,
    "full": full_ours,
    "fitdecode": decode_fitdecode,
    "fitparse": decode_fitparse,
}


def _timed(name: str, decode, path: Path) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and record count of one run."""
    if name == "ours_cold":
        clear_layout_caches()
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    count = decode(path)
    return time.process_time() - start_cpu, time.perf_counter() - start_wall, count


def time_file(
    path: Path, repeat: int, libraries: dict, order: str = "interleaved"
) -> dict[str, tuple[float, float, int]]:
    """Median CPU seconds, median wall seconds and record count per library for one file.

    ``order`` is ``"interleaved"`` (run ``k`` of every library before run
    ``k + 1`` of any) or ``"in a row"`` (all runs of one library, then the next).
    """
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in libraries}
    if order == "interleaved":
        schedule = [name for _ in range(repeat + 1) for name in libraries]
    else:
        schedule = [name for name in libraries for _ in range(repeat + 1)]
    for name in schedule:
        runs[name].append(_timed(name, libraries[name], path))
    result = {}
    for name, timings in runs.items():
        timed = timings[1:]  # run 0 is the warm-up
        result[name] = (
            statistics.median(t[0] for t in timed),
            statistics.median(t[1] for t in timed),
            timed[-1][2],
        )
    return result


def peak_memory(path: Path, decode=decode_ours) -> int:
    """Peak bytes allocated while our reader decodes ``path`` (tracemalloc)."""
    tracemalloc.start()
    decode(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def records_table(files: list[Path], repeat: int) -> None:
    header = (
        f"{'file':40s} {'bytes':>9s} {'records':>8s} {'ours s':>8s} {'cold s':>8s} "
        f"{'fitdecode s':>11s} {'fitparse s':>10s} {'ours rec/s':>11s} {'fitdecode rec/s':>15s} "
        f"{'x fitdecode':>11s} {'cold x':>7s} {'wall x':>7s} {'x fitparse':>10s} {'peak mem':>9s}"
    )
    print(f"median CPU time of {repeat} runs after a warm-up; 'cold' = ours with the per-layout")
    print("caches cleared before each run; 'wall x' = wall-clock ratio to fitdecode;")
    print("peak memory = ours, x file size")
    print(header)
    print("-" * len(header))
    for path in files:
        result = time_file(path, repeat, RECORD_LIBRARIES)
        ours_s, ours_wall, records = result["ours"]
        cold_s = result["ours_cold"][0]
        fd_s, fd_wall, _ = result["fitdecode"]
        fp_s = result["fitparse"][0]
        peak = peak_memory(path) / path.stat().st_size
        print(
            f"{path.name:40s} {path.stat().st_size:9d} {records:8d} {ours_s:8.4f} {cold_s:8.4f} "
            f"{fd_s:11.3f} {fp_s:10.3f} {records / ours_s:11.0f} {records / fd_s:15.0f} "
            f"{fd_s / ours_s:11.1f} {fd_s / cold_s:7.1f} {fd_wall / ours_wall:7.1f} "
            f"{fp_s / ours_s:10.1f} {peak:8.1f}x"
        )


def _summary(label: str, ratios: list[float]) -> str:
    geo = math.exp(statistics.mean(math.log(r) for r in ratios))
    return (
        f"{label:48s} median {statistics.median(ratios):7.1f}  geometric mean {geo:7.1f}  "
        f"worst {min(ratios):6.1f}"
    )


ORDERS = ("interleaved", "in a row")


def _sample_times(path: Path, repeat: int) -> dict[str, tuple[float, ...]]:
    """Per order: CPU seconds of tables, full, fitdecode and fitparse for one file."""
    times = {}
    for order in ORDERS:
        result = time_file(path, repeat, SAMPLE_LIBRARIES, order)
        times[order] = tuple(result[name][0] for name in SAMPLE_LIBRARIES)
    return times


def _sample_row(label: str, size: int, times: dict[str, tuple[float, ...]], peak: str) -> str:
    tables_s, full_s, fd_s, fp_s = times["interleaved"]
    row_tables_s, row_full_s, row_fd_s, _ = times["in a row"]
    return (
        f"{label:44s} {size:9d} {tables_s * 1e3:9.2f} {full_s * 1e3:8.2f} {fd_s * 1e3:12.2f} "
        f"{fp_s * 1e3:11.2f} {fd_s / tables_s:8.1f} {fd_s / full_s:7.1f} "
        f"{row_fd_s / row_tables_s:12.1f} {row_fd_s / row_full_s:10.1f} {peak:>6s}"
    )


def samples_table(activity_files: list[Path], month_files: list[Path], repeat: int) -> None:
    print(f"median CPU time of {repeat} runs after a warm-up, libraries interleaved; 'x' =")
    print("fitdecode's time / ours, interleaved and ('row') with each library's runs in a row;")
    print("tables = bytes -> canonical tables the library imports; full = every message DataFrame;")
    print("peak = tracemalloc peak of the tables path / file size")
    header = (
        f"{'file':44s} {'bytes':>9s} {'tables ms':>9s} {'full ms':>8s} {'fitdecode ms':>12s} "
        f"{'fitparse ms':>11s} {'tables x':>8s} {'full x':>7s} {'row tables x':>12s} "
        f"{'row full x':>10s} {'peak':>6s}"
    )
    print(header)
    print("-" * len(header))
    rows = {}
    for path in activity_files + month_files:
        rows[path] = _sample_times(path, repeat)
        if path in activity_files:
            peak = peak_memory(path, tables_ours) / path.stat().st_size
            print(_sample_row(path.name, path.stat().st_size, rows[path], f"{peak:5.1f}x"))
    if month_files:
        totals = {
            order: tuple(sum(rows[p][order][i] for p in month_files) for i in range(4))
            for order in ORDERS
        }
        label = f"{MONTH} ({len(month_files)} files, total)"
        print(_sample_row(label, sum(p.stat().st_size for p in month_files), totals, ""))
    print()
    for order in ORDERS:
        for label, files in (("activity files", activity_files), ("month files", month_files)):
            for what, i in (("tables", 0), ("full", 1)) if files else ():
                ratios = [rows[p][order][2] / rows[p][order][i] for p in files]
                print(_summary(f"{what}, {label} ({len(files)}), {order}:", ratios))


def floor_table(files: list[Path], repeat: int) -> None:
    """What a small file costs us beside the 20 x budget fitdecode's time leaves."""
    from analyzer.errors import FitError
    from analyzer.io.fit.crc import crc16
    from analyzer.io.fit_tables.table_frames import canonical_frame

    def read_only(path: Path) -> int:
        try:
            read_fit(path.read_bytes())
        except FitError:
            pass
        return 0

    parts = {
        "fitdecode": decode_fitdecode,
        "crc": lambda path: crc16(path.read_bytes()),
        "read_fit": read_only,
        "tables": tables_ours,
        "frame": lambda path: len(canonical_frame("samples", {}, 0)),
    }
    print(f"median CPU microseconds of {repeat} runs after a warm-up, each part's runs in a row;")
    print(
        "budget = fitdecode / 20 (the target's worst-file bound); crc = reading the file + our CRC;"
    )
    print("read_fit = walk + layouts; tables = the whole tables path; frame = one empty table")
    header = (
        f"{'file':44s} {'bytes':>6s} {'fitdecode us':>12s} {'budget us':>9s} {'crc us':>7s} "
        f"{'read_fit us':>11s} {'tables us':>9s} {'frame us':>8s}"
    )
    print(header)
    print("-" * len(header))
    for path in files:
        result = time_file(path, repeat, parts, "in a row")
        us = {name: cpu * 1e6 for name, (cpu, _, _) in result.items()}
        print(
            f"{path.name:44s} {path.stat().st_size:6d} {us['fitdecode']:12.0f} "
            f"{us['fitdecode'] / 20:9.1f} {us['crc']:7.1f} {us['read_fit']:11.0f} "
            f"{us['tables']:9.0f} {us['frame']:8.1f}"
        )


def shared_samples() -> tuple[list[Path], list[Path]]:
    root = Path(os.environ.get("ANALYZER_SAMPLES_DIR", "../shared/samples"))
    activities = [
        p for p in sorted((root / "fit").glob("*.fit")) if not p.name.startswith(DAILY_PREFIXES)
    ]
    return activities, sorted((root / MONTH).rglob("*.fit"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="files of the records table")
    parser.add_argument("--part", choices=("records", "samples", "floor", "all"), default="all")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per library (>= 5)")
    parser.add_argument(
        "--month-files", type=int, default=None, help="time only the first N files of the month"
    )
    args = parser.parse_args(argv)
    repeat = max(5, args.repeat)
    if args.part in ("records", "all"):
        records_table(args.files or [DATA / name for name in DEFAULT_FILES], repeat)
        print()
    activities, month = shared_samples()
    if args.part in ("samples", "all"):
        samples_table(activities, month[: args.month_files], repeat)
        print()
    if args.part in ("floor", "all"):
        small = [p for p in activities if p.stat().st_size < SMALL_FILE_BYTES]
        floor_table(small, max(repeat, 20))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
