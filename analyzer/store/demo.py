"""Building the demo library from ``sample_data/``.

Layout read (written by :mod:`analyzer.simulate`)::

    sample_data/athletes.csv        one row per athlete, columns of the ``athletes`` table
    sample_data/<athlete_id>/...    that athlete's files (FIT, cramp and medication logs)

Every file under an athlete's folder is imported for that athlete, whatever
its format, except the simulator's answer key ``truth.json`` (what was
planted, for tests; not data a tracker would give). Files the readers do not
know are reported as failed and the rest still land.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from analyzer.errors import LibraryError
from analyzer.paths import sample_data_dir
from analyzer.store.importing import ImportJob, ImportResult
from analyzer.store.importing.job import Progress
from analyzer.store.library import Library

ATHLETES_FILE = "athletes.csv"
NOT_DATA = frozenset({"truth.json", "README.md"})
_PHYSIOLOGY = ("sex", "timezone", "hr_rest_bpm", "hr_max_bpm", "lthr_bpm", "ftp_w", "sleep_need_h")


def read_roster(sample_dir: Path) -> list[dict]:
    """Return the athletes of ``sample_dir/athletes.csv`` as dicts of non-missing fields."""
    path = sample_dir / ATHLETES_FILE
    if not path.is_file():
        raise LibraryError(f"{path}: the demo squad's athlete list is missing")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "athlete_id" not in frame.columns:
        raise LibraryError(f"{path}: no 'athlete_id' column (found {', '.join(frame.columns)})")
    athletes = []
    for row in frame.to_dict("records"):
        fields = {k: v.strip() for k, v in row.items() if isinstance(v, str) and v.strip()}
        athletes.append(fields)
    return athletes


def populate_demo(
    lib: Library, sample_dir: Path, progress: Progress | None = None
) -> list[ImportResult]:
    """Create the demo athletes in ``lib`` and import their folders (idempotent).

    ``progress(done, total, result)`` counts over the whole squad.
    """
    squad = []
    for fields in read_roster(sample_dir):
        folder = sample_dir / fields["athlete_id"]
        files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in NOT_DATA]
        squad.append((fields, files))
    total = sum(len(files) for _, files in squad)
    results: list[ImportResult] = []

    def overall(done: int, athlete_total: int, result: ImportResult) -> None:
        if progress is not None:
            progress(len(results) + done, total, result)

    for fields, files in squad:
        athlete_id = fields["athlete_id"]
        physiology = {k: _number_or_text(k, fields[k]) for k in _PHYSIOLOGY if k in fields}
        lib.ensure_athlete(athlete_id, fields.get("display_name"), **physiology)
        results += ImportJob(lib, athlete_id).add_paths(files).run(overall).results
    return results


def build_demo_library(
    path: str | Path, sample_dir: str | Path | None = None, progress: Progress | None = None
) -> list[ImportResult]:
    """Build the demo library at ``path`` from ``sample_dir`` (default: the bundled one).

    A new file is built under a temporary name and moved into place when
    complete, so an interrupted build never leaves a half library at
    ``path``; an existing file at ``path`` is completed in place instead.
    """
    path = Path(path)
    sample_dir = Path(sample_dir) if sample_dir is not None else sample_data_dir()
    if path.exists():
        with Library(path) as lib:
            return populate_demo(lib, sample_dir, progress)
    partial = path.with_name(f".{path.name}.{os.getpid()}.building")
    try:
        with Library(partial) as lib:
            results = populate_demo(lib, sample_dir, progress)
        os.replace(partial, path)
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return results


def _number_or_text(key: str, value: str):
    if key in ("sex", "timezone"):
        return value
    try:
        number = float(value)
    except ValueError as exc:
        raise LibraryError(f"{ATHLETES_FILE}: {key} = {value!r} is not a number") from exc
    return None if math.isnan(number) else number
