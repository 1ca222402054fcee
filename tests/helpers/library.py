"""A library file holding given canonical tables, for tests that need one without a file format."""

from __future__ import annotations

from pathlib import Path


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
