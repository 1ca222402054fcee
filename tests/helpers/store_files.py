"""Helpers for the library tests: a tiny JSON file format and its reader.

The library is tested against this reader so that its guarantees (atomic
imports, duplicates, session merging, linking) are checked independently of
the real readers, with files whose content is known exactly. A file is a
JSON document ``{"format": ..., "tables": {table: [row, ...]}, "warnings":
[...], "fail": "message"}``; timestamps are ISO 8601 with a zone.

This module holds no tests; the store test modules import it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import CsvImportError
from analyzer.schema import TABLES, ImportBundle, conform


def json_reader(
    name: str, data: bytes, *, timezone: str | None = None, valid_rows_only: bool = False
) -> ImportBundle:
    """Read a test file (see the module docstring) into an :class:`ImportBundle`."""
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise CsvImportError(name, f"not a test JSON file ({exc})") from exc
    if doc.get("fail"):
        raise CsvImportError(name, doc["fail"], row=1)
    bundle = ImportBundle(name, hashlib.sha256(data).hexdigest(), doc.get("format", "test_json"))
    for table, rows in doc.get("tables", {}).items():
        frame = pd.DataFrame(rows)
        for col, kind in TABLES[table].items():
            if col in frame and kind == "utc":
                frame[col] = pd.to_datetime(frame[col], utc=True)
            elif col in frame and kind == "date":
                frame[col] = [None if v is None else dt.date.fromisoformat(v) for v in frame[col]]
        bundle.tables[table] = conform(table, frame)
    bundle.warnings = list(doc.get("warnings", []))
    return bundle


def encode(doc: dict) -> bytes:
    """Bytes of a test file."""
    return json.dumps(doc, sort_keys=True).encode()


def session_file(
    start: str,
    duration_s: float,
    n_samples: int = 0,
    *,
    tag: str = "",
    fmt: str = "fit",
    **summary,
) -> bytes:
    """A test file holding one session (and ``n_samples`` 1 Hz samples)."""
    activity_id = (
        "a-" + hashlib.sha256(f"{start}{duration_s}{n_samples}{tag}{fmt}".encode()).hexdigest()[:12]
    )
    t0 = pd.Timestamp(start)
    row = {
        "activity_id": activity_id,
        "start_utc": t0.isoformat(),
        "duration_s": duration_s,
        "sport": "running",
        **summary,
    }
    tables = {"activities": [row]}
    if n_samples:
        times = t0 + pd.to_timedelta(np.arange(n_samples), unit="s")
        hr = 100 + (np.arange(n_samples) % 60)
        tables["samples"] = [
            {
                "activity_id": activity_id,
                "t_utc": t.isoformat(),
                "heart_rate_bpm": float(h),
                "power_w": float(2 * h) if i % 7 else None,
            }
            for i, (t, h) in enumerate(zip(times, hr))
        ]
    return encode({"format": fmt, "tables": tables})


def cramp_file(*cramps: dict, tag: str = "") -> bytes:
    """A cramp log test file; each cramp a dict with at least start_utc and muscle."""
    return encode({"format": "cramp_log_csv", "tables": {"cramps": list(cramps)}, "tag": tag})


def sha(data: bytes) -> str:
    """SHA-256 hex of ``data``."""
    return hashlib.sha256(data).hexdigest()


def import_and_kill(tmp_path, child_source: str, library, files, kill_at: int) -> None:
    """Run ``child_source`` as an import process and SIGKILL it once file ``kill_at`` is reported.

    The child gets the library path and the files as arguments and prints
    ``"<done> <status>"`` per file from its progress callback, where it sleeps
    at ``kill_at`` so that the kill lands at a known point.
    """
    script = tmp_path / "child.py"
    script.write_text(child_source)
    child = subprocess.Popen(
        [sys.executable, str(script), str(library), *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in child.stdout:
            assert line.split()[1] == "imported", line
            if int(line.split()[0]) == kill_at:
                break
        else:
            pytest.fail(f"the import process ended early: {child.stderr.read()}")
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
