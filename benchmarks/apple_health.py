"""Benchmark: import a large Apple Health ``export.xml`` with bounded memory.

Writes a synthetic export of about ``--size-mb`` megabytes (default 1024) to a
temporary folder, in the shape of a real one (inline DTD; heart-rate records
every few minutes with metadata children, resting HR, SDNN with beat lists,
step counts from a second source, staged sleep every night, a workout most
days with WorkoutStatistics), then streams it through
:func:`analyzer.io.registry.read_path` and prints a table: file size, records,
wall time, throughput, peak resident memory of the process
(``resource.getrusage`` maxrss, compared with the baseline before the import)
and, with ``--tracemalloc``, the peak of Python allocations (slower: tracemalloc
instruments every allocation).

Run: ``python benchmarks/apple_health.py [--size-mb 1024] [--tracemalloc] [--keep]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from analyzer.io.registry import read_path

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED sourceName CDATA #REQUIRED
 sourceVersion CDATA #IMPLIED device CDATA #IMPLIED creationDate CDATA #IMPLIED startDate CDATA #REQUIRED
 endDate CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-01-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale"/>
"""
_DEVICE = "&lt;&lt;HKDevice: 0x283a1c2d0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2&gt;"
_STAGES = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake", "AsleepCore", "AsleepREM")


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0100")


def _record(kind: str, unit: str, value: str, start: dt.datetime, end: dt.datetime, extra: str = "") -> str:
    s, e = _stamp(start), _stamp(end)
    head = (f' <Record type="{kind}" sourceName="Apple Watch" sourceVersion="10.1" device="{_DEVICE}" '
            f'unit="{unit}" creationDate="{e}" startDate="{s}" endDate="{e}" value="{value}"')
    return f"{head}>\n{extra} </Record>\n" if extra else f"{head}/>\n"


def _day(day: dt.datetime, rng: np.random.Generator) -> str:
    """One day of records (about 150 kB)."""
    out = []
    for minute in range(0, 24 * 60, 2):
        t = day + dt.timedelta(minutes=minute, seconds=int(rng.integers(0, 60)))
        context = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
        out.append(_record("HKQuantityTypeIdentifierHeartRate", "count/min", str(int(np.clip(rng.normal(70, 12), 40, 190))), t, t,
                           context))
    for hour in range(7, 22):
        t = day + dt.timedelta(hours=hour)
        out.append(_record("HKQuantityTypeIdentifierStepCount", "count", str(int(rng.integers(50, 900))), t,
                           t + dt.timedelta(minutes=10)).replace("Apple Watch", "iPhone"))
    out.append(_record("HKQuantityTypeIdentifierRestingHeartRate", "count/min", str(int(rng.normal(52, 3))),
                       day, day + dt.timedelta(hours=23)))
    beats = "".join(f'   <InstantaneousBeatsPerMinute bpm="{int(rng.normal(60, 4))}" time="6:50:{i:02d}.{i:02d} AM"/>\n'
                    for i in range(40))
    t = day + dt.timedelta(hours=6, minutes=50)
    out.append(_record("HKQuantityTypeIdentifierHeartRateVariabilitySDNN", "ms", f"{rng.normal(50, 8):.3f}", t,
                       t + dt.timedelta(minutes=1),
                       f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n"))
    t = day - dt.timedelta(hours=1, minutes=15)
    for stage in _STAGES:
        end = t + dt.timedelta(minutes=int(rng.integers(20, 90)))
        out.append(_record("HKCategoryTypeIdentifierSleepAnalysis", "", f"HKCategoryValueSleepAnalysis{stage}", t,
                           end).replace(' unit=""', ""))
        t = end
    if rng.random() < 0.7:
        s = day + dt.timedelta(hours=18)
        e = s + dt.timedelta(minutes=45)
        out.append(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45" durationUnit="min" '
            f'totalDistance="8.1" totalDistanceUnit="km" totalEnergyBurned="520" totalEnergyBurnedUnit="kcal" '
            f'sourceName="Apple Watch" startDate="{_stamp(s)}" endDate="{_stamp(e)}">\n'
            f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="{_stamp(s)}" '
            f'endDate="{_stamp(e)}" average="148" minimum="95" maximum="176" unit="count/min"/>\n </Workout>\n')
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


def _maxrss_mb() -> float:
    # ru_maxrss is kilobytes on Linux, bytes on macOS.
    scale = 1024**2 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024.0, help="size of the synthetic export (MB)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure peak Python allocations")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="apple_health_bench_"))
    path = folder / "export.xml"
    t0 = time.perf_counter()
    days = write_export(path, args.size_mb)
    t_write = time.perf_counter() - t0
    size_mb = path.stat().st_size / 1024**2
    baseline = _maxrss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    bundle = read_path(path)
    elapsed = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] / 1024**2 if args.tracemalloc else float("nan")
    peak = _maxrss_mb()
    rows = {name: len(table) for name, table in bundle.tables.items()}
    print(f"| file | {size_mb:,.0f} MB, {days} days (written in {t_write:.0f} s) |")
    print("|---|---|")
    print(f"| rows | {', '.join(f'{k} {v:,}' for k, v in rows.items())} |")
    print(f"| import time | {elapsed:.1f} s ({size_mb / elapsed:.1f} MB/s) |")
    print(f"| peak RSS (getrusage) | {peak:.0f} MB (baseline before import {baseline:.0f} MB) |")
    print(f"| peak Python allocations (tracemalloc) | {traced:.0f} MB |" if args.tracemalloc else
          "| peak Python allocations (tracemalloc) | not measured (use --tracemalloc) |")
    if args.keep:
        print(f"kept {path}")
    else:
        os.remove(path)
        folder.rmdir()


if __name__ == "__main__":
    main()
