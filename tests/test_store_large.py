"""Large files through the library: streamed from disk or archive, kept in chunks.

The threshold (``keptfiles.LARGE_FILE_BYTES``) and the chunk size are made
tiny here so that a small Apple Health export takes the large-file path and is
kept in several chunks; the 1 GB case is measured by benchmarks/apple_health.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.io import registry
from analyzer.store import Library, keptfiles
from analyzer.store.importing.inputs import items
from analyzer.store.sqlschema import SCHEMA_V4

ATHLETE = "anna"
TABLE_READS = ("activities", "sleep", "sleep_stages", "wellness")


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0200")


def export_xml(days: int = 6) -> bytes:
    """A small Apple Health export.

    Heart rate every 10 min, resting HR, SDNN, a staged night and a run a day.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="de_DE">\n',
        ' <ExportDate value="2025-07-01 08:00:00 +0200"/>\n',
    ]
    start = dt.datetime(2025, 6, 1)
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for minute in range(0, 24 * 60, 10):
            t = _stamp(day + dt.timedelta(minutes=minute))
            bpm = 60 + (minute * 7 + d * 13) % 90
            out.append(
                f' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" '
                f'unit="count/min" startDate="{t}" endDate="{t}" value="{bpm}"/>\n'
            )
        t = _stamp(day + dt.timedelta(hours=7))
        out.append(
            f' <Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Watch" '
            f'unit="count/min" startDate="{t}" endDate="{t}" value="{50 + d}"/>\n'
        )
        out.append(
            f' <Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" sourceName="Watch" '
            f'unit="ms" startDate="{t}" endDate="{t}" value="{40 + d}.5"/>\n'
        )
        bed = day - dt.timedelta(hours=1)
        for stage, minutes in (
            ("AsleepCore", 90),
            ("AsleepDeep", 60),
            ("AsleepREM", 45),
            ("Awake", 10),
            ("AsleepCore", 120),
        ):
            end = bed + dt.timedelta(minutes=minutes)
            out.append(
                f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
                f'startDate="{_stamp(bed)}" endDate="{_stamp(end)}" '
                f'value="HKCategoryValueSleepAnalysis{stage}"/>\n'
            )
            bed = end
        s, e = day + dt.timedelta(hours=18), day + dt.timedelta(hours=18, minutes=40)
        out.append(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="40" '
            f'durationUnit="min" totalDistance="7.{d}" totalDistanceUnit="km" sourceName="Watch" '
            f'startDate="{_stamp(s)}" endDate="{_stamp(e)}"/>\n'
        )
    out.append("</HealthData>\n")
    return "".join(out).encode()


@pytest.fixture
def small_limits(monkeypatch):
    """Every file over 16 kB takes the large-file path and is kept in 3 kB chunks."""
    monkeypatch.setattr(keptfiles, "LARGE_FILE_BYTES", 16384)
    monkeypatch.setattr(keptfiles, "CHUNK_BYTES", 3000)


@pytest.fixture
def export_path(tmp_path) -> Path:
    path = tmp_path / "in" / "export.xml"
    path.parent.mkdir()
    path.write_bytes(export_xml())
    return path


def new_library(path: Path) -> Library:
    lib = Library(path)
    lib.create_athlete(ATHLETE, timezone="Europe/Berlin")
    return lib


def tables(lib: Library) -> dict[str, pd.DataFrame]:
    out = {name: getattr(lib, name)(ATHLETE) for name in TABLE_READS}
    out["samples"] = lib.samples_for_athlete(ATHLETE)
    return out


def chunk_count(lib: Library, sha256: str | None = None) -> int:
    query = "SELECT COUNT(*) FROM file_chunks" + (" WHERE sha256 = ?" if sha256 else "")
    return lib.connection.execute(query, (sha256,) if sha256 else ()).fetchone()[0]


def row_counts(lib: Library) -> dict[str, int]:
    return {name: len(frame) for name, frame in tables(lib).items()}


def no_bytes_reader(monkeypatch):
    """Fail if a file over the threshold is given to a reader as bytes instead of a stream."""
    real = registry.read_bytes

    def refuse_large(name, data, **kwargs):
        assert len(data) <= keptfiles.LARGE_FILE_BYTES, f"{name} was read into memory whole"
        return real(name, data, **kwargs)

    monkeypatch.setattr(registry, "read_bytes", refuse_large)


def test_large_path_import_equals_bytes_import_row_for_row(tmp_path, export_path, monkeypatch):
    with new_library(tmp_path / "bytes.sqlite") as lib:
        [plain] = lib.import_paths(ATHLETE, [export_path])
        expected = tables(lib)
        assert chunk_count(lib) == 0
    monkeypatch.setattr(keptfiles, "LARGE_FILE_BYTES", 16384)
    monkeypatch.setattr(keptfiles, "CHUNK_BYTES", 3000)
    no_bytes_reader(monkeypatch)
    with new_library(tmp_path / "large.sqlite") as lib:
        [large] = lib.import_paths(ATHLETE, [export_path])
        got = tables(lib)
        n_chunks = chunk_count(lib, large.sha256)
    assert large.status == plain.status == "imported", large.message
    assert (large.sha256, large.counts, large.format) == (plain.sha256, plain.counts, plain.format)
    assert large.sha256 == hashlib.sha256(export_path.read_bytes()).hexdigest()
    assert n_chunks == -(-export_path.stat().st_size // 3000)
    assert all(len(frame) for frame in expected.values())
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def test_zipped_export_streams_the_large_member_and_reads_small_ones(
    tmp_path, export_path, small_limits, monkeypatch
):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(export_path, "apple_health_export/export.xml")
        zf.writestr(
            "apple_health_export/cramps.csv",
            "start_local,muscle,side\n2025-06-03T02:30:00,calf,left\n",
        )
    assert archive.stat().st_size < keptfiles.LARGE_FILE_BYTES  # small on disk, large inside
    no_bytes_reader(monkeypatch)
    with new_library(tmp_path / "zip.sqlite") as lib:
        results = lib.import_paths(ATHLETE, [archive])
        assert [(r.name, r.status) for r in results] == [
            (f"{archive}/apple_health_export/export.xml", "imported"),
            (f"{archive}/apple_health_export/cramps.csv", "imported"),
        ]
        assert results[0].sha256 == hashlib.sha256(export_path.read_bytes()).hexdigest()
        assert chunk_count(lib, results[0].sha256) > 1
        assert len(lib.cramps(ATHLETE)) == 1
        zipped = tables(lib)
        imports = lib.imports(ATHLETE)
        assert imports["size_bytes"].iloc[0] == export_path.stat().st_size
    with new_library(tmp_path / "plain.sqlite") as lib:
        lib.import_paths(ATHLETE, [export_path])
        for name, frame in tables(lib).items():
            pd.testing.assert_frame_equal(zipped[name], frame, obj=name)


def test_duplicates_found_by_sha256_across_plain_and_zipped(tmp_path, export_path, small_limits):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(export_path, "apple_health_export/export.xml")
    with new_library(tmp_path / "lib.sqlite") as lib:
        first = lib.import_paths(ATHLETE, [export_path])
        before = row_counts(lib), chunk_count(lib)
        again = lib.import_paths(ATHLETE, [export_path, archive])
        assert [r.status for r in first] == ["imported"]
        assert [r.status for r in again] == ["duplicate", "duplicate"]
        assert (row_counts(lib), chunk_count(lib)) == before
        lib.create_athlete("bernd")
        [other] = lib.import_paths("bernd", [export_path])
        assert other.status == "failed" and "already imported for athlete 'anna'" in other.message
        assert lib.activities("bernd").empty


def test_kept_original_is_readable_exported_reimported_and_deleted(
    tmp_path, export_path, small_limits
):
    data = export_path.read_bytes()
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [export_path])
        before = tables(lib)
        assert lib.kept_file(result.sha256) == data
        assert keptfiles.kept_size(lib.connection, result.sha256) == len(data)
        zipped = lib.export_athlete(ATHLETE, tmp_path)
        with zipfile.ZipFile(zipped) as zf:
            assert zf.read(f"{ATHLETE}/files/{result.sha256}/export.xml") == data
        again = lib.reimport(result.sha256)
        assert again.status == "imported" and again.message.startswith("re-imported"), again.message
        assert again.counts == result.counts
        for name, frame in tables(lib).items():
            pd.testing.assert_frame_equal(frame, before[name], obj=name)
        assert chunk_count(lib, result.sha256) == -(-len(data) // 3000)
        lib.delete_athlete(ATHLETE)
        assert chunk_count(lib) == 0


def test_kept_file_streams_without_reading_chunks_ahead(tmp_path, export_path, small_limits):
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [export_path])
        with keptfiles.open_kept(lib.connection, result.sha256) as stream:
            assert stream.read(10) == export_path.read_bytes()[:10]


@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_truncated_large_export_fails_and_leaves_nothing(tmp_path, export_path, small_limits, cut):
    data = export_path.read_bytes()
    export_path.write_bytes(data[: int(len(data) * cut)])
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [export_path])
        assert result.status == "failed" and "malformed" in result.message
        assert chunk_count(lib) == 0
        assert sum(row_counts(lib).values()) == 0
        history = lib.imports(ATHLETE)
        assert list(history["status"]) == ["failed"]


def test_file_changed_during_import_is_refused_and_leaves_nothing(
    tmp_path, export_path, small_limits, monkeypatch
):
    real = registry.read_stream

    def read_then_change(name, stream, **kwargs):
        bundle = real(name, stream, **kwargs)
        export_path.write_bytes(export_xml(days=7))  # the user re-exported meanwhile
        return bundle

    monkeypatch.setattr(registry, "read_stream", read_then_change)
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [export_path])
        assert result.status == "failed" and "changed while it was being imported" in result.message
        assert chunk_count(lib) == 0  # chunks written before the check were rolled back
        assert sum(row_counts(lib).values()) == 0


def test_bomb_member_is_refused_while_streaming(tmp_path, small_limits):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a_cramps.csv", "start_local,muscle\n2025-06-03T02:30:00,calf\n")
        zf.writestr("b_export.xml", b"<HealthData>" + b" " * (8 * 1024**2))  # ~8000:1
    with new_library(tmp_path / "lib.sqlite") as lib:
        results = lib.import_paths(ATHLETE, [archive])
        assert [r.status for r in results] == ["imported", "failed"]
        assert results[1].name == str(archive) and "archive bomb" in results[1].message
        assert chunk_count(lib) == 0
        assert len(lib.cramps(ATHLETE)) == 1  # the member read before the bomb stays


def test_member_size_cap_applies_while_streaming(tmp_path, export_path, small_limits, monkeypatch):
    from analyzer.io import archive as archive_module

    monkeypatch.setattr(
        archive_module, "DEFAULT_LIMITS", archive_module.Limits(max_member_bytes=10_000)
    )
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(export_path, "export.xml")
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [archive])
        assert result.status == "failed" and "expands beyond 10000 bytes" in result.message
        assert chunk_count(lib) == 0 and sum(row_counts(lib).values()) == 0


def test_traversal_member_name_is_only_a_label(tmp_path, export_path, small_limits):
    archive = tmp_path / "in" / "evil.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(export_path, "../../outside/export.xml")
    with new_library(tmp_path / "lib.sqlite") as lib:
        [result] = lib.import_paths(ATHLETE, [archive])
    assert result.status == "imported" and result.name == f"{archive}/outside/export.xml"
    assert not (tmp_path / "outside").exists() and not (tmp_path.parent / "outside").exists()


def test_large_upload_bytes_are_kept_in_chunks(tmp_path, export_path, small_limits):
    data = export_path.read_bytes()
    with new_library(tmp_path / "lib.sqlite") as lib:
        result = lib.import_file(ATHLETE, "export.xml", data)
        assert result.status == "imported"
        assert chunk_count(lib, result.sha256) > 1
        assert lib.connection.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
        assert lib.kept_file(result.sha256) == data
        assert lib.import_paths(ATHLETE, [export_path])[0].status == "duplicate"


def test_small_files_and_members_are_read_as_bytes(tmp_path, export_path):
    archive = tmp_path / "small.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(export_path, "export.xml")
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 not really")
    plain, member, failure = [
        e for _, e in items([(export_path, True), (archive, True), (damaged, True)])
    ]
    assert plain.load() == export_path.read_bytes()
    assert member.data == export_path.read_bytes() and member.name == f"{archive}/export.xml"
    assert failure.name == str(damaged) and "damaged" in failure.message


def test_cli_import_streams_a_large_export(
    tmp_path, export_path, small_limits, monkeypatch, capsys
):
    from analyzer.cli import main

    no_bytes_reader(monkeypatch)
    library = tmp_path / "lib.sqlite"
    code = main(
        [
            "import",
            "--library",
            str(library),
            "--athlete",
            ATHLETE,
            "--timezone",
            "Europe/Berlin",
            str(export_path),
        ]
    )
    assert code == 0, capsys.readouterr()
    assert capsys.readouterr().out.startswith("imported")
    with Library(library) as lib:
        assert chunk_count(lib) > 1 and len(lib.activities(ATHLETE)) == 6


CHILD = """
import sys
from analyzer.store import Library, keptfiles
keptfiles.LARGE_FILE_BYTES, keptfiles.CHUNK_BYTES = 16384, 3000
keep_chunks = keptfiles.keep_chunks

def announce_then_keep(*args):
    print("writing", flush=True)  # inside the import's transaction
    keep_chunks(*args)

keptfiles.keep_chunks = announce_then_keep
lib = Library(sys.argv[1])
lib.ensure_athlete("anna", timezone="Europe/Berlin")
print("ready", flush=True)
results = lib.import_paths("anna", [sys.argv[2]])
print("done", results[0].status, flush=True)
"""


def _whole_or_absent(library: Path, sha256: str, n_chunks: int) -> bool:
    """Assert the library is sound and the export wholly in or out; return whether it is in."""
    import sqlite3

    conn = sqlite3.connect(library)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        imported = conn.execute(
            "SELECT COUNT(*) FROM imports WHERE sha256 = ? AND status = 'imported'", (sha256,)
        ).fetchone()[0]
        chunks = conn.execute("SELECT COUNT(*) FROM file_chunks").fetchone()[0]
        rows = sum(
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("activities", "sleep", "sleep_stages", "wellness")
        )
    finally:
        conn.close()
    assert (imported, chunks, rows > 0) in ((1, n_chunks, True), (0, 0, False)), (
        imported,
        chunks,
        rows,
    )
    return bool(imported)


@pytest.mark.slow
def test_sigkill_during_a_large_import_leaves_it_whole_or_absent(tmp_path):
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "export.xml"
    path.write_bytes(export_xml(days=60))  # ~1.3 MB: about 450 chunks of 3 kB
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    n_chunks = -(-path.stat().st_size // 3000)
    library, script = tmp_path / "lib.sqlite", tmp_path / "child.py"
    script.write_text(CHILD)
    rng, outcomes = random.Random(5), []
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, str(script), str(library), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready"
        assert child.stdout.readline().strip() == "writing"
        time.sleep(0.0 if not outcomes else rng.uniform(0.0, 0.1))  # while writing, or just after
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        outcomes.append(_whole_or_absent(library, sha256, n_chunks))
        if outcomes[-1]:
            break
    assert not all(outcomes)  # some kill fell inside the transaction (else the test proves little)
    finisher = subprocess.run(
        [sys.executable, str(script), str(library), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finisher.stdout.split()[-1] in ("imported", "duplicate"), finisher.stderr
    assert _whole_or_absent(library, sha256, n_chunks)


@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(max_size=20_000),
    chunk=st.integers(1, 5_000),
    reads=st.lists(st.integers(1, 7_000), min_size=1, max_size=8),
)
def test_chunks_round_trip_whatever_the_chunk_and_read_sizes(data, chunk, reads):
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE files (sha256 TEXT PRIMARY KEY, size_bytes, encoding, data)")
    conn.execute(SCHEMA_V4)
    sha256 = hashlib.sha256(data).hexdigest()
    old = keptfiles.CHUNK_BYTES
    keptfiles.CHUNK_BYTES = chunk  # not monkeypatch: hypothesis reuses the function-scoped fixture
    try:
        keptfiles.keep_chunks(conn, sha256, data)
    finally:
        keptfiles.CHUNK_BYTES = old
    if not data:  # nothing to keep: an empty file is never large
        assert keptfiles.kept_size(conn, sha256) is None
        return
    assert keptfiles.kept_size(conn, sha256) == len(data)
    with keptfiles.open_kept(conn, sha256) as stream:
        parts = [stream.read(n) for n in reads]
        parts.append(stream.read())
    assert b"".join(parts) == data
    with pytest.raises(ValueError, match="changed while it was being imported"):
        keptfiles.keep_chunks(conn, "0" * 64, data)
