"""Paths to the project's test data, the demo squad and the shared real samples."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "tests" / "data"
SAMPLE_DATA = ROOT / "sample_data"


def shared_samples_dir() -> Path | None:
    """Return ``$ANALYZER_SAMPLES_DIR`` (the shared real samples) or ``None`` when unset."""
    value = os.environ.get("ANALYZER_SAMPLES_DIR")
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None
