"""Shared fixtures: paths to the project's test data and the shared real samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
SAMPLE_DATA = ROOT / "sample_data"


def shared_samples_dir() -> Path | None:
    """Return ``$ANALYZER_SAMPLES_DIR`` (the shared real samples) or ``None`` when unset."""
    value = os.environ.get("ANALYZER_SAMPLES_DIR")
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


@pytest.fixture
def samples_dir() -> Path:
    """The shared real sample files; skips the test when they are not available."""
    path = shared_samples_dir()
    if path is None:
        pytest.skip("ANALYZER_SAMPLES_DIR is not set: the shared real sample files are not available")
    return path
