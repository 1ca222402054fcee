"""Benchmark: import a large Apple Health ``export.xml`` with bounded memory.

Writes a synthetic export of about ``--size-mb`` megabytes (default 1024) to a
temporary folder, in the shape of a real one (inline DTD; heart-rate records
every few minutes with metadata children, resting HR, SDNN with beat lists,
step counts from a second source, staged sleep every night, a workout most
days with WorkoutStatistics), then, each in a fresh process so that every
peak is its own:

* streams it through :func:`analyzer.io.registry.read_path` (the reader alone);
* imports it through :meth:`analyzer.store.Library.import_paths` into a new
  library (hash, read, write the rows, keep the original in chunks), and the
  same export zipped as ``apple_health_export/export.xml``;
* with ``--runs ...,bytes``, imports it with the file read whole into memory
  (what streaming saves, for comparison).

It prints a table: wall and CPU time, throughput, peak resident memory
(``VmHWM``, or ``ru_maxrss`` off Linux) next to the process's memory before
the import, rows, library size, and with ``--tracemalloc`` the peak of Python
allocations (slower: tracemalloc instruments every allocation).

Run: ``python benchmarks/apple_health.py [--size-mb 1024] [--runs read,library,zip,bytes]
[--tracemalloc] [--keep]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np

from analyzer.io.registry import read_path

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,
 (Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED
 sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED
 creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-01-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01"
  HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale"/>
"""
_DEVICE = (
    "&lt;&lt;HKDevice: 0x283a1c2d0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    "hardware:Watch6,2&gt;"
)
_STAGES = (
    "AsleepCore",
    "AsleepDeep",
    "AsleepCore",
    "AsleepREM",
    "Awake",
    "AsleepCore",
    "AsleepREM",
)


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0100")


def _record(
    kind: str, unit: str, value: str, start: dt.datetime, end: dt.datetime, extra: str = ""
) -> str:
    s, e = _stamp(start), _stamp(end)
    head = (
        f' <Record type="{kind}" sourceName="Apple Watch" sourceVersion="10.1" device="{_DEVICE}" '
        f'unit="{unit}" creationDate="{e}" startDate="{s}" endDate="{e}" value="{value}"'
    )
    return f"{head}>\n{extra} </Record>\n" if extra else f"{head}/>\n"


def _day(day: dt.datetime, rng: np.random.Generator) -> str:
    """One day of records (about 150 kB)."""
    out = []
    for minute in range(0, 24 * 60, 2):
        t = day + dt.timedelta(minutes=minute, seconds=int(rng.integers(0, 60)))
        context = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
        out.append(
            _record(
                "HKQuantityTypeIdentifierHeartRate",
                "count/min",
                str(int(np.clip(rng.normal(70, 12), 40, 190))),
                t,
                t,
                context,
            )
        )
    for hour in range(7, 22):
        t = day + dt.timedelta(hours=hour)
        out.append(
            _record(
                "HKQuantityTypeIdentifierStepCount",
                "count",
                str(int(rng.integers(50, 900))),
                t,
                t + dt.timedelta(minutes=10),
            ).replace("Apple Watch", "iPhone")
        )
    out.append(
        _record(
            "HKQuantityTypeIdentifierRestingHeartRate",
            "count/min",
            str(int(rng.normal(52, 3))),
            day,
            day + dt.timedelta(hours=23),
        )
    )
    beats = "".join(
        f'   <InstantaneousBeatsPerMinute bpm="{int(rng.normal(60, 4))}" '
        f'time="6:50:{i:02d}.{i:02d} AM"/>\n'
        for i in range(40)
    )
    t = day + dt.timedelta(hours=6, minutes=50)
    out.append(
        _record(
            "HKQuantityTypeIdentifierHeartRateVariabilitySDNN",
            "ms",
            f"{rng.normal(50, 8):.3f}",
            t,
            t + dt.timedelta(minutes=1),
            f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n",
        )
    )
    t = day - dt.timedelta(hours=1, minutes=15)
    for stage in _STAGES:
        end = t + dt.timedelta(minutes=int(rng.integers(20, 90)))
        out.append(
            _record(
                "HKCategoryTypeIdentifierSleepAnalysis",
                "",
                f"HKCategoryValueSleepAnalysis{stage}",
                t,
                end,
            ).replace(' unit=""', "")
        )
        t = end
    if rng.random() < 0.7:
        s = day + dt.timedelta(hours=18)
        e = s + dt.timedelta(minutes=45)
        out.append(
            ' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45" '
            'durationUnit="min" totalDistance="8.1" totalDistanceUnit="km" '
            'totalEnergyBurned="520" totalEnergyBurnedUnit="kcal" '
            f'sourceName="Apple Watch" startDate="{_stamp(s)}" endDate="{_stamp(e)}">\n'
            '  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
            f'startDate="{_stamp(s)}" endDate="{_stamp(e)}" '
            'average="148" minimum="95" maximum="176" unit="count/min"/>\n'
            " </Workout>\n"
        )
    return "".join(out)


def write_export(path: Path, size_mb: float, seed: int = 1) -> int:
    """Write a synthetic export of about ``size_mb`` MB to ``path``; return the number of days."""
    rng = np.random.default_rng(seed)
    target = int(size_mb * 1024**2)
    day = dt.datetime(2018, 1, 1)
    days = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(_HEAD)
        while handle.tell() < target:
            handle.write(_day(day, rng))
            day += dt.timedelta(days=1)
            days += 1
        handle.write("</HealthData>\n")
    return days


def _peak_rss_mb() -> float:
    """Peak resident memory of this process [MB]: VmHWM on Linux, else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1024**2 if sys.platform == "darwin" else 1024  # ru_maxrss: kB on Linux, bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def measure(kind: str, path: Path, trace: bool = False) -> dict:
    """Run one measurement in this process and return its figures.

    ``kind`` is ``read`` (registry.read_path, the reader alone) or ``library``
    (Library.import_paths into a new library next to ``path``: hashing,
    reading, writing the rows and keeping the original in chunks).
    """
    baseline = _peak_rss_mb()
    if trace:
        tracemalloc.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    if kind == "read":
        bundle = read_path(path)
        rows = {name: len(table) for name, table in bundle.tables.items()}
        status, extra = "read", {}
    else:
        from analyzer.store import Library, keptfiles

        if kind == "library-bytes":
            keptfiles.LARGE_FILE_BYTES = 1 << 62  # nothing counts as large: the file is read whole

        library_path = path.with_name(f"{path.name}.{kind}.sqlite")
        with Library(library_path) as lib:
            lib.create_athlete("bench", timezone="Europe/Berlin")
            results = lib.import_paths("bench", [path])
        rows = {k: v for r in results for k, v in r.counts.items()}
        status = ", ".join(f"{r.status}" for r in results)
        extra = {
            "library_mb": sum(f.stat().st_size for f in path.parent.glob(library_path.name + "*"))
            / 1024**2
        }
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    traced = tracemalloc.get_traced_memory()[1] / 1024**2 if trace else float("nan")
    return {
        "kind": kind,
        "file": path.name,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": _peak_rss_mb(),
        "baseline_rss_mb": baseline,
        "traced_mb": traced,
        "rows": rows,
        "status": status,
        **extra,
    }


def _in_child(kind: str, path: Path, trace: bool) -> dict:
    """Measure in a fresh process, so that each peak RSS is its own."""
    command = [sys.executable, __file__, "--measure", kind, "--file", str(path)] + (
        ["--tracemalloc"] * trace
    )
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _zip(path: Path, folder: Path) -> Path:
    """Zip the export the way the Health app does (``apple_health_export/export.xml``, deflate)."""
    folder.mkdir()
    archive = folder / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.write(path, "apple_health_export/export.xml")
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size-mb", type=float, default=1024.0, help="size of the synthetic export (MB)"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure peak Python allocations"
    )
    parser.add_argument(
        "--runs",
        default="read,library,zip",
        help="comma-separated: read (registry.read_path), library (Library.import_paths), "
        "zip (the same zipped), bytes (import_paths with the file read whole, "
        "without streaming, for comparison)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--measure", choices=["read", "library", "library-bytes"], help=argparse.SUPPRESS
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # child process of a run
        print(json.dumps(measure(args.measure, args.file, args.tracemalloc)))
        return
    folder = Path(tempfile.mkdtemp(prefix="apple_health_bench_"))
    path = folder / "export.xml"
    t0 = time.perf_counter()
    days = write_export(path, args.size_mb)
    t_write = time.perf_counter() - t0
    size_mb = path.stat().st_size / 1024**2
    (folder / "xml").mkdir()
    path = path.replace(folder / "xml" / path.name)  # each library is written next to its input
    runs = []
    for run in args.runs.split(","):
        if run == "read":
            runs.append(("registry.read_path(export.xml)", "read", path))
        elif run == "library":
            runs.append(("Library.import_paths(export.xml)", "library", path))
        elif run == "zip":
            zipped = _zip(path, folder / "zip")
            runs.append(
                (
                    f"Library.import_paths(export.zip, {zipped.stat().st_size / 1024**2:,.0f} MB)",
                    "library",
                    zipped,
                )
            )
        elif run == "bytes":
            runs.append(
                (
                    "Library.import_paths(export.xml) read whole, not streamed",
                    "library-bytes",
                    path,
                )
            )
        else:
            parser.error(f"unknown run {run!r}")
    print(f"file: {size_mb:,.0f} MB, {days} days (written in {t_write:.0f} s)\n")
    print("| what | wall | CPU | MB/s (wall) | peak RSS | RSS before | rows | library file |")
    print("|---|---|---|---|---|---|---|---|")
    for label, kind, target in runs:
        r = _in_child(kind, target, args.tracemalloc)
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        library = f"{r['library_mb']:,.0f} MB" if "library_mb" in r else "-"
        traced = f" (tracemalloc peak {r['traced_mb']:.0f} MB)" if args.tracemalloc else ""
        print(
            f"| {label} | {r['wall_s']:.1f} s | {r['cpu_s']:.1f} s | {size_mb / r['wall_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} MB{traced} | {r['baseline_rss_mb']:.0f} MB | "
            f"{rows} ({r['status']}) | {library} |"
        )
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
