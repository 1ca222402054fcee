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
        pytest.skip(
            "ANALYZER_SAMPLES_DIR is not set: the shared real sample files are not available"
        )
    return path


def library_from_tables(path: Path, athlete_id: str, physiology: dict, tables: dict) -> Path:
    """A library file at ``path`` holding ``tables`` for one athlete, imported as one file.

    The library is given a reader that returns ``tables`` (canonical DataFrames)
    for any bytes, so command-line tests run on a real library file without
    depending on a file format.
    """
    from analyzer.schema import ImportBundle
    from analyzer.store import Library

    def reader(name, data, *, timezone=None, valid_rows_only=False):
        return ImportBundle(name, "", "test", {k: v.copy() for k, v in tables.items()})

    with Library(path, reader=reader) as lib:
        lib.create_athlete(athlete_id, **physiology)
        result = lib.import_file(athlete_id, "synthetic.bin", b"synthetic export")
        assert result.status == "imported", result.message
    return path


@pytest.fixture
def lib(tmp_path):
    """A fresh library whose reader is the store tests' JSON session reader, with athlete ``anna``.

    Test modules that need another reader or roster define their own ``lib``,
    which takes precedence over this one.
    """
    from test_store_fixtures import json_reader

    from analyzer.store import Library

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
