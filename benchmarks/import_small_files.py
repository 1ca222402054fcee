"""Benchmark: per-file cost of reading and importing the demo squad's small FIT files.

The demo squad in ``sample_data/`` holds thousands of small files (17 KB
activities, ~300-byte sleep and ~500-byte wellness/HRV files); a year of
Garmin daily files is ~15,000 of them, so the *per-file* overhead of the
reader and the library decides how long an import takes.

For each kind of file (``activities``, ``sleep``, ``wellness`` folders of one
athlete, in date order) this prints, in ms per file, CPU time of this process
(``time.process_time``: what an idle core would take, much steadier than the
wall clock on a shared machine) and, for the import, also the wall time
(which adds SQLite's disk syncs):

``read``
    :func:`analyzer.io.fit_tables.read_fit_bundle` on the file's bytes (the median
    over the files of the best of ``--repeat`` runs, after one warm-up run of
    every file);
``import``
    :meth:`analyzer.store.Library.import_file` of the same files, in date
    order, into a new library in a temporary folder (one run: a second import
    of the same bytes would be a duplicate), median and mean per file;
    ``store`` is ``import`` minus ``read`` (median), i.e. the library's part.

Targets: read ~2-3 ms for a sleep/wellness file and
~10-20 ms for a 1-hour 1 Hz activity on an idle core; import a few ms per
small file.

Run: ``python benchmarks/import_small_files.py [--athlete runner-anna] [--files 40] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from analyzer.io.fit_tables import read_fit_bundle
from analyzer.paths import sample_data_dir
from analyzer.store import Library
from analyzer.store.demo import read_roster

KINDS = ("activities", "sleep", "wellness")


def pick_files(athlete_dir: Path, kind: str, n: int) -> list[Path]:
    """The first ``n`` FIT files (by name, i.e. date) of one kind's folder."""
    return sorted((athlete_dir / kind).glob("*.fit"))[:n]


def time_reads(files: list[Path], repeat: int) -> list[float]:
    """Best-of-``repeat`` CPU seconds of ``read_fit_bundle`` per file."""
    blobs = [(p.name, p.read_bytes()) for p in files]
    for name, data in blobs:  # warm-up: imports, caches
        read_fit_bundle(data, name)
    best = [float("inf")] * len(blobs)
    for _ in range(repeat):
        for i, (name, data) in enumerate(blobs):
            t0 = time.process_time()
            read_fit_bundle(data, name)
            best[i] = min(best[i], time.process_time() - t0)
    return best


def time_imports(
    lib: Library, athlete_id: str, files: list[Path]
) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of ``Library.import_file`` per file (files in the given order)."""
    cpu, wall = [], []
    for path in files:
        data = path.read_bytes()
        c0, w0 = time.process_time(), time.perf_counter()
        result = lib.import_file(athlete_id, path.name, data)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if not result.ok:
            raise SystemExit(f"{path}: import failed: {result.message}")
    return cpu, wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athlete", default="runner-anna", help="athlete folder in sample_data/")
    parser.add_argument("--files", type=int, default=40, help="files per kind")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed read runs per file (best kept)"
    )
    args = parser.parse_args(argv)
    sample_dir = sample_data_dir()
    roster = {row["athlete_id"]: row for row in read_roster(sample_dir)}
    athlete = roster[args.athlete]
    physiology = {k: v for k, v in athlete.items() if k not in ("athlete_id", "display_name")}
    for key in ("hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w", "sleep_need_h"):
        if key in physiology:
            physiology[key] = float(physiology[key])
    print(f"athlete {args.athlete}, {args.files} files per kind, read best of {args.repeat}")
    print(
        f"{'kind':<11} {'files':>5} {'KB avg':>7} {'read ms':>8} {'import ms':>10} "
        f"{'import mean':>12} {'store ms':>9} {'import wall':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "bench.sqlite")
        lib.create_athlete(args.athlete, athlete.get("display_name"), **physiology)
        for kind in KINDS:
            files = pick_files(sample_dir / args.athlete, kind, args.files)
            if not files:
                continue
            kb = statistics.mean(p.stat().st_size for p in files) / 1024
            read_ms = 1000 * statistics.median(time_reads(files, args.repeat))
            cpu, wall = time_imports(lib, args.athlete, files)
            imp_med, imp_mean = 1000 * statistics.median(cpu), 1000 * statistics.mean(cpu)
            print(
                f"{kind:<11} {len(files):>5} {kb:>7.1f} {read_ms:>8.2f} {imp_med:>10.2f} "
                f"{imp_mean:>12.2f} {imp_med - read_ms:>9.2f} "
                f"{1000 * statistics.median(wall):>12.2f}"
            )
        lib.close()


if __name__ == "__main__":
    main()
