"""Snapshot of what the FIT reader makes of every shared sample, to compare across code changes.

A change to the decoder that should not change its output (a restructuring, a
speed-up) is checked by writing a snapshot before it and comparing after it::

    ANALYZER_SAMPLES_DIR=../shared/samples python -m tests.helpers.fit_snapshot write /tmp/before
    # ... change the code ...
    ANALYZER_SAMPLES_DIR=../shared/samples python -m tests.helpers.fit_snapshot compare /tmp/before

For each ``*.fit`` file under the samples folder (the activity files and the
Garmin wellness month) the snapshot holds ``message_counts()``, ``utc_offset_s``,
the number of segments, every ``messages(name)`` DataFrame, the warnings after
decoding all of them, and the canonical tables and warnings of the file's
import bundle. ``compare`` prints every difference (frames compared with
``pandas.testing.assert_frame_equal``, dtypes and column order included) and
exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from pathlib import Path

import pandas as pd


def snapshot(path: Path) -> dict:
    """What the reader makes of one file (see the module docstring)."""
    from analyzer.errors import FitError
    from analyzer.io.fit import read_fit
    from analyzer.io.fit_tables import read_fit_bundle

    data = path.read_bytes()
    out: dict = {}
    try:
        fit = read_fit(data, name=path.name)
        out["counts"] = fit.message_counts()
        out["utc_offset_s"] = fit.utc_offset_s
        out["n_segments"] = fit.n_segments
        out["messages"] = {name: fit.messages(name) for name in fit.message_names()}
        out["warnings"] = list(fit.warnings)
    except FitError as exc:
        out["error"] = str(exc)
    try:
        bundle = read_fit_bundle(data, path.name)
        out["tables"] = {name: bundle.tables[name] for name in sorted(bundle.tables)}
        out["bundle_warnings"] = list(bundle.warnings)
    except FitError as exc:
        out["bundle_error"] = str(exc)
    return out


def sample_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.fit"))


def _differences(before: dict, after: dict) -> list[str]:
    problems = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in ("messages", "tables"):
            old, new = old or {}, new or {}
            if list(old) != list(new):
                problems.append(f"{key}: names {list(old)} -> {list(new)}")
            for name in old.keys() & new.keys():
                try:
                    pd.testing.assert_frame_equal(old[name], new[name])
                except AssertionError as exc:
                    problems.append(f"{key}[{name}]: {str(exc).splitlines()[0:4]}")
        elif old != new and not (old != old and new != new):  # NaN equals NaN here
            problems.append(f"{key}: {old!r} -> {new!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "compare"))
    parser.add_argument("folder", type=Path, help="where the snapshot is written or read")
    args = parser.parse_args(argv)
    root = Path(os.environ["ANALYZER_SAMPLES_DIR"])
    files = sample_files(root)
    args.folder.mkdir(parents=True, exist_ok=True)
    changed = 0
    for path in files:
        name = str(path.relative_to(root)).replace(os.sep, "__") + ".pickle"
        current = snapshot(path)
        target = args.folder / name
        if args.action == "write":
            target.write_bytes(pickle.dumps(current))
            continue
        problems = _differences(pickle.loads(target.read_bytes()), current)
        if problems:
            changed += 1
            print(f"{path.relative_to(root)}:")
            for problem in problems:
                print(f"  {problem}")
    verb = "written" if args.action == "write" else f"compared, {changed} changed"
    print(f"{len(files)} files {verb}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
