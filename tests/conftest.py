"""Shared fixtures: paths to the project's test data and the shared real samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.paths import SAMPLE_DATA, shared_samples_dir

# Reader bugs surface as the exceptions they are, instead of as a file's ReaderFault
# (analyzer.io.registry.reader_guard), so that no test mistakes one for a refusal.
os.environ.setdefault("CRAMP_ANALYZER_STRICT", "1")

# The dashboard fixtures (demo_file, demo_user) live with the other dashboard helpers.
pytest_plugins = ["tests.helpers.dashboard"]


@pytest.fixture
def samples_dir() -> Path:
    """The shared real sample files; skips the test when they are not available."""
    path = shared_samples_dir()
    if path is None:
        pytest.skip(
            "ANALYZER_SAMPLES_DIR is not set: the shared real sample files are not available"
        )
    return path


@pytest.fixture
def garmin_month(samples_dir) -> Path:
    """The shared Garmin month (June 2021, one folder per day); skips the test without it."""
    month = samples_dir / "garmin_wellness_2021_06"
    if not month.is_dir():
        pytest.skip("garmin_wellness_2021_06 is not in the shared samples")
    return month


@pytest.fixture(scope="session")
def month_files() -> list[Path]:
    """The shared Garmin month's FIT files, sorted by day folder; skips without them."""
    root = shared_samples_dir()
    if root is None or not (root / "garmin_wellness_2021_06").is_dir():
        pytest.skip("ANALYZER_SAMPLES_DIR with garmin_wellness_2021_06 is not available")
    return sorted((root / "garmin_wellness_2021_06").glob("*/*.fit"))


@pytest.fixture
def lib(tmp_path):
    """A fresh library whose reader is the store tests' JSON session reader, with athlete ``anna``.

    Test modules that need another reader or roster define their own ``lib``,
    which takes precedence over this one.
    """
    from analyzer.store import Library
    from tests.helpers.store_files import json_reader

    library = Library(tmp_path / "lib.sqlite", reader=json_reader)
    library.create_athlete("anna", "Anna K.", timezone="Europe/Berlin")
    yield library
    library.close()


@pytest.fixture(scope="session")
def demo_library(tmp_path_factory) -> Path:
    """The full demo squad built once from the committed ``sample_data/`` (every file imported)."""
    from analyzer.store import build_demo_library

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    results = build_demo_library(path, SAMPLE_DATA)
    failed = [r.summary() for r in results if r.status == "failed"]
    assert not failed, failed
    return path
