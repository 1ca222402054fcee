"""Golden outputs: the same inputs give the same results after the code moves.

Recorded before the pipeline and import path were restructured, so that moving
code cannot change what a user sees without anyone noticing:

* for every athlete of the demo squad (built from ``sample_data/``), the
  ``features`` CSV and the ``report`` JSON (``generated_utc`` left out);
* the lines ``cramp-analyzer import`` prints for each folder of the shared real
  samples (``$ANALYZER_SAMPLES_DIR``), run from that folder so names are relative.

Numbers are compared with a relative tolerance of 1e-9 (a reordered sum may
change the last bits), everything else exactly. When a change of behaviour is
intended, regenerate the files and name the change in the commit message::

    python tests/test_golden.py --write
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLE_DATA = ROOT / "sample_data"
#: Folders of the shared samples imported one by one (each into its own library).
SHARED_FOLDERS = (
    "fit",
    "garmin_wellness_2021_06",
    "exports/whoop",
    "exports/garmin_connect",
    "exports/strava",
)
RTOL = 1e-9


def _cli(argv: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """Run the command line in this process; return its exit code and standard output."""
    from analyzer.cli import main

    out = io.StringIO()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(argv)
    finally:
        os.chdir(previous)
    return code, out.getvalue()


def demo_outputs(library: Path) -> dict[str, str]:
    """``{file name: text}`` of every demo athlete's features CSV and report JSON."""
    from analyzer.store import Library

    with Library(library) as lib:
        athletes = sorted(lib.roster()["athlete_id"])
    outputs = {}
    for athlete in athletes:
        base = ["--library", str(library), "--athlete", athlete]
        _, csv_text = _cli(["features", *base, "--format", "csv"])
        _, report = _cli(["report", *base, "--format", "json"])
        doc = json.loads(report)
        doc.pop("generated_utc", None)
        outputs[f"{athlete}.features.csv"] = csv_text
        outputs[f"{athlete}.report.json"] = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    return outputs


def shared_import_outputs(samples: Path, workdir: Path) -> dict[str, str]:
    """``{file name: text}``: what ``import`` prints for each shared sample folder."""
    outputs = {}
    for folder in SHARED_FOLDERS:
        library = workdir / (folder.replace("/", "_") + ".sqlite")
        argv = ["import", "--library", str(library), "--athlete", "sample"]
        code, text = _cli([*argv, "--timezone", "Europe/Berlin", folder], cwd=samples)
        outputs[folder.replace("/", "_") + ".import.txt"] = f"exit {code}\n{text}"
    return outputs


def _numbers_equal(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=RTOL, abs_tol=1e-12)


def csv_differences(expected: str, actual: str) -> list[str]:
    """Cells that differ between two CSV texts (numbers within :data:`RTOL` are equal)."""
    import csv

    old = list(csv.reader(io.StringIO(expected)))
    new = list(csv.reader(io.StringIO(actual)))
    if old[:1] != new[:1]:
        return [f"columns differ: {old[:1]} -> {new[:1]}"]
    if len(old) != len(new):
        return [f"{len(old) - 1} rows -> {len(new) - 1} rows"]
    header = old[0]
    return [
        f"row {i} ({row_old[0]}), column {header[j]}: {a!r} -> {b!r}"
        for i, (row_old, row_new) in enumerate(zip(old[1:], new[1:]), start=1)
        for j, (a, b) in enumerate(zip(row_old, row_new))
        if not _numbers_equal(a, b)
    ]


def json_differences(expected, actual, where: str = "$") -> list[str]:
    """Places where two JSON values differ (numbers within :data:`RTOL` are equal)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = (
            [f"{where}: keys {sorted(set(expected) ^ set(actual))}"]
            if set(expected) != set(actual)
            else []
        )
        for key in sorted(set(expected) & set(actual)):
            out += json_differences(expected[key], actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items -> {len(actual)} items"]
        out = []
        for i, (a, b) in enumerate(zip(expected, actual)):
            out += json_differences(a, b, f"{where}[{i}]")
        return out
    numeric = (int, float)
    if isinstance(expected, numeric) and isinstance(actual, numeric):
        if not isinstance(expected, bool) and not isinstance(actual, bool):
            return (
                []
                if _numbers_equal(str(expected), str(actual))
                else [f"{where}: {expected!r} -> {actual!r}"]
            )
    return [] if expected == actual else [f"{where}: {expected!r} -> {actual!r}"]


def differences(name: str, expected: str, actual: str) -> list[str]:
    """What differs between a golden file and the output of today's code."""
    if name.endswith(".csv"):
        return csv_differences(expected, actual)
    if name.endswith(".json"):
        return json_differences(json.loads(expected), json.loads(actual))
    if expected == actual:
        return []
    old, new = expected.splitlines(), actual.splitlines()
    return [f"- {line}" for line in old if line not in new] + [
        f"+ {line}" for line in new if line not in old
    ]


def _check(folder: Path, outputs: dict[str, str]) -> None:
    failures = []
    for name, text in sorted(outputs.items()):
        path = folder / name
        if not path.exists():
            failures.append(f"{name}: no golden file (python tests/test_golden.py --write)")
            continue
        found = differences(name, path.read_text(encoding="utf-8"), text)
        if found:
            failures.append(f"{name}: {len(found)} difference(s), first: " + "; ".join(found[:5]))
    extra = sorted({p.name for p in folder.glob("*")} - set(outputs))
    if extra:
        failures.append(f"golden files without an output: {extra}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_demo_squad_features_and_reports_equal_the_golden_files(demo_library):
    _check(GOLDEN / "demo", demo_outputs(demo_library))


@pytest.mark.slow
def test_shared_sample_import_summaries_equal_the_golden_files(samples_dir, tmp_path):
    _check(GOLDEN / "shared_import", shared_import_outputs(samples_dir, tmp_path))


def _write(folder: Path, outputs: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    for name, text in outputs.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(outputs)} files to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate the golden files from today's code.")
    parser.add_argument("--write", action="store_true", required=True)
    parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analyzer.store import build_demo_library

    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "demo.sqlite"
        build_demo_library(library, SAMPLE_DATA)
        _write(GOLDEN / "demo", demo_outputs(library))
        samples = os.environ.get("ANALYZER_SAMPLES_DIR")
        if samples:
            _write(GOLDEN / "shared_import", shared_import_outputs(Path(samples), Path(tmp)))
        else:
            print("ANALYZER_SAMPLES_DIR is not set: shared-sample import summaries not written")


if __name__ == "__main__":
    main()
