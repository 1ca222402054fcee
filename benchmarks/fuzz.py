"""Long fuzz run over every reader, the archive layer, ``inspect`` and the import.

Runs seeded mutations of the real sample files (:mod:`tests.helpers.fuzzing`)
and prints a table: inputs tried per target, outcomes, failures by kind (each
with the first input that showed it, saved under ``--out`` for reproduction),
the slowest input and the peak memory.

    PYTHONPATH=. ANALYZER_SAMPLES_DIR=../shared/samples \\
        nice python benchmarks/fuzz.py --cases 100000 --seed 18 --out /tmp/fuzz

Each case is rebuilt from ``(seed, index)``, so a failure is reproduced with
``--seed S --first INDEX --cases 1``. The run is single-process by design: the
peak resident memory it reports is that of one process reading every input.

``--caps`` instead measures the memory the CSV and JSON readers need for a
file at their size caps (:mod:`analyzer.io.caps`), each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.fuzzing import TARGETS, Outcome, Report, default_seeds, run_cases


def _save(outcome: Outcome, out: Path) -> Path:
    case = outcome.case
    folder = out / "".join(c if c.isalnum() else "_" for c in outcome.kind)[:80]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.index:07d}_{case.target}_{case.seed}"
    path.write_bytes(case.data)
    meta = {
        "index": case.index,
        "target": case.target,
        "seed": case.seed,
        "mutation": case.mutation,
        "timezone": case.timezone,
        "valid_rows_only": case.valid_rows_only,
        "seconds": round(outcome.seconds, 3),
        "detail": outcome.detail,
    }
    path.with_name(path.name + ".json").write_text(json.dumps(meta, indent=2))
    return path


def print_report(report: Report, seconds: float, cases: int) -> None:
    print(f"\ninputs tried: {cases} in {seconds:.0f} s wall ({cases / max(seconds, 1e-9):.0f}/s)")
    print("\n| target | inputs | ok | refused | failures |\n|---|---|---|---|---|")
    for target in TARGETS:
        n = report.tried.get(target, 0)
        ok = report.outcomes.get(f"{target}: ok", 0)
        refused = report.outcomes.get(f"{target}: refused", 0)
        print(f"| {target} | {n} | {ok} | {refused} | {n - ok - refused} |")
    print(f"\nfailures: {report.n_failures}")
    for kind, outcomes in sorted(report.failures.items(), key=lambda kv: -len(kv[1])):
        first = outcomes[0].case
        print(f"  {len(outcomes):6d}  {kind}  (first: #{first.index} {first.target} {first.seed})")
    if report.slowest is not None:
        slow = report.slowest
        print(
            f"slowest input: {slow.seconds:.2f} s, #{slow.case.index} {slow.case.target} "
            f"{slow.case.seed} ({slow.case.mutation[:60]}; {slow.kind})"
        )
    step, grower = report.largest_rss_step
    print(f"peak resident memory: {report.peak_rss_mb:.0f} MB")
    if grower is not None:
        print(
            f"largest rise of the peak in one input: {step:.0f} MB, #{grower.case.index} "
            f"{grower.case.target} {grower.case.seed} ({len(grower.case.data)} bytes)"
        )


CAPS_PROBE = """
import resource, sys, json, datetime as dt
from analyzer.io.caps import MAX_JSON_BYTES, MAX_TABLE_BYTES
from analyzer.io.registry import read_bytes
kind = sys.argv[1]
if kind == "json":
    record = json.dumps({"dateTime": "04/22/19 04:00:05", "value": {"bpm": 69, "confidence": 2}})
    n = (MAX_JSON_BYTES - 2) // (len(record) + 1)
    data = ("[" + ",".join([record] * n) + "]").encode()
else:
    lines = ["date,resting hr,steps,hrv"]
    size, day = 0, dt.date(1971, 1, 1)
    while size < MAX_TABLE_BYTES - 64:
        line = f"{day + dt.timedelta(days=len(lines) % 40000)},{50 + len(lines) % 7},8000,61"
        lines.append(line)
        size += len(line) + 1
    data = ("\\n".join(lines) + "\\n").encode()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
read_bytes("cap." + kind, data, timezone="UTC", valid_rows_only=True)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(data) / 1024**2:.1f} {before:.0f} {peak:.0f}")
"""


def measure_caps() -> None:
    print("| reader | file at the cap | peak before reading | peak reading |\n|---|---|---|---|")
    for kind, label in (("csv", "generic CSV, one row a day"), ("json", "Fitbit heart rate JSON")):
        done = subprocess.run(
            [sys.executable, "-c", CAPS_PROBE, kind], capture_output=True, text=True, check=True
        )
        size, before, peak = done.stdout.split()
        print(f"| {label} | {size} MiB | {before} MB | {peak} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="number of inputs")
    parser.add_argument("--first", type=int, default=0, help="index of the first input")
    parser.add_argument("--seed", type=int, default=18, help="run seed")
    parser.add_argument("--target", choices=TARGETS, help="only this target")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per input")
    parser.add_argument("--out", type=Path, help="folder for failing inputs")
    parser.add_argument("--caps", action="store_true", help="measure the readers at their caps")
    parser.add_argument("--progress", type=int, default=1000, help="print a line every N inputs")
    args = parser.parse_args()
    if args.caps:
        measure_caps()
        return
    seeds = default_seeds()
    print(f"{len(seeds)} seed files; seed {args.seed}; inputs {args.first}..", flush=True)
    started = time.perf_counter()
    saved: set[str] = set()
    count = 0

    def on_outcome(outcome: Outcome) -> None:
        nonlocal count
        count += 1
        if outcome.failed and args.out is not None and outcome.kind not in saved:
            saved.add(outcome.kind)
            path = _save(outcome, args.out)
            print(f"  failure {outcome.kind}: saved {path}", flush=True)
        if count % args.progress == 0:
            rate = count / (time.perf_counter() - started)
            print(f"  {count} inputs, {rate:.0f}/s, peak {outcome.rss_mb:.0f} MB", flush=True)

    report = run_cases(
        args.seed,
        range(args.first, args.first + args.cases),
        seeds,
        target=args.target,
        time_limit_s=args.time_limit,
        on_outcome=on_outcome,
    )
    print_report(report, time.perf_counter() - started, args.cases)


if __name__ == "__main__":
    main()
