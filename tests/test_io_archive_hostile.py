"""Hostile archives: refused early, in bounded memory, per member.

The archives are rebuilt byte by byte
(:mod:`tests.helpers.hostile_zips`): a 2.4 kB bzip2 member that expands to
3 GiB, an LZMA member, a million empty members, 60,000 small CSVs, encrypted
and twice-nested members, gzip nested 1,000 deep.
"""

from __future__ import annotations

import gzip
import io
import json
import lzma
import random
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from analyzer.errors import ImportFileError
from analyzer.io import archive
from analyzer.io.archive import (
    Limits,
    is_archive_refusal,
    iter_archive,
    iter_archive_members,
    too_many_members,
)
from analyzer.io.gzipped import gunzip
from analyzer.io.registry import read_archive, read_bytes
from tests.helpers import hostile_zips
from tests.helpers.archives import make_zip
from tests.helpers.hostile_zips import BZIP2_BOMB, Entry
from tests.helpers.paths import ROOT, SAMPLE_DATA

CRAMP_LOG = (SAMPLE_DATA / "templates" / "cramp_log_template.csv").read_bytes()


def _peak_rss_mb(code: str) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; return its peak resident memory [MB] and its stdout.

    The peak is the child's own ``VmHWM`` (proc(5)), the high-water mark of its address space.
    ``ru_maxrss`` would not do: Linux keeps the larger of the parent's resident set at the
    fork and the child's, so a test run that has grown to 700 MB would read 700 MB here.
    """
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    probe = code + (
        "\nwith open('/proc/self/status') as status:\n"
        "    print(next(l.split()[1] for l in status if l.startswith('VmHWM:')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        timeout=300,
        check=True,
    )
    *out, peak_kb = done.stdout.strip().splitlines()
    return int(peak_kb) / 1024, "\n".join(out)


# --- bzip2 and LZMA members -------------------------------------------------------------------


def test_bzip2_bomb_is_that_members_failure_and_the_rest_is_read():
    bomb = BZIP2_BOMB.read_bytes()
    with zipfile.ZipFile(io.BytesIO(bomb)) as opened:
        assert len(bomb) < 2500 and opened.infolist()[0].file_size == 3 * 1024**3
    data = make_zip({"cramps.csv": CRAMP_LOG, "bomb.zip": bomb})
    members = dict(iter_archive("export.zip", data))
    assert members["cramps.csv"] == CRAMP_LOG
    error = members["bomb.zip/zeros.csv"]
    assert isinstance(error, ImportFileError) and not is_archive_refusal(error)
    assert "compressed with bzip2" in str(error) and "ordinary ZIP compression" in str(error)


def test_bzip2_bomb_is_refused_quickly_with_bounded_memory():
    """Before: 3.3 GB resident before MemoryError. Archive layer and reader, in a fresh process."""
    code = (
        "from analyzer.io.registry import read_archive\n"
        f"data = open({str(BZIP2_BOMB)!r}, 'rb').read()\n"
        "print(repr(list(read_archive('bomb.zip', data))[0][1])[:200])\n"
    )
    started = time.perf_counter()
    peak_mb, out = _peak_rss_mb(code)
    assert "compressed with bzip2" in out
    assert peak_mb < 400, peak_mb  # pandas and the readers alone take about 150 MB
    assert time.perf_counter() - started < 60


def test_lzma_member_is_refused_by_method():
    content = b"0" * 100_000
    packed = lzma.compress(
        content, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA1, "preset": 6}]
    )
    props = lzma._encode_filter_properties({"id": lzma.FILTER_LZMA1, "preset": 6})
    payload = bytes([9, 4, len(props), 0]) + props + packed  # APPNOTE 5.8.8 LZMA header
    data = hostile_zips.build(
        [
            Entry("big.csv", payload, hostile_zips.LZMA, zlib.crc32(content), len(content)),
            Entry.deflated("cramps.csv", CRAMP_LOG),
        ]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        assert opened.read("big.csv") == content  # a valid LZMA member
    members = dict(iter_archive("lzma.zip", data))
    assert "compressed with LZMA" in str(members["big.csv"])
    assert members["cramps.csv"] == CRAMP_LOG


# --- member counts checked before any member is read ------------------------------------------


@pytest.fixture
def zipfile_must_not_parse(monkeypatch):
    """Fail if the archive layer hands the archive to zipfile (the count must stop it first)."""

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile parsed the central directory before the count was checked")

    monkeypatch.setattr(archive.zipfile, "ZipFile", refuse)


@pytest.mark.parametrize("declared", [None, 1], ids=["zip64-count", "end-record-lies"])
def test_a_million_empty_members_are_refused_before_parsing(zipfile_must_not_parse, declared):
    data = hostile_zips.many_empty_members(1_000_000, declared=declared)
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="lists more than 50000 files") as info:
        list(iter_archive("million.zip", data))
    elapsed = time.perf_counter() - started
    assert is_archive_refusal(info.value)
    assert elapsed < 5, elapsed  # the count is checked before any member: about 0.01 s


def test_sixty_thousand_small_csvs_are_refused_before_any_is_read(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(archive.ArchiveMember, "open", lambda self: opened.append(self))
    data = hostile_zips.small_csv_members(60_000)
    with pytest.raises(ImportFileError, match="lists more than 50000 files"):
        list(iter_archive_members("days.zip", data))
    path = tmp_path / "days.zip"
    path.write_bytes(data)
    assert too_many_members(path)
    with pytest.raises(ImportFileError, match="before reading any file"):
        list(iter_archive_members("days.zip", path))
    assert opened == []


def test_members_of_nested_archives_count_against_the_same_budget():
    inner = hostile_zips.many_empty_members(8)
    data = make_zip({"a.csv": b"a", "b.csv": b"b", "inner.zip": inner})
    with pytest.raises(ImportFileError, match="nested archive 'inner.zip' lists more than"):
        list(iter_archive("nested.zip", data, limits=Limits(max_members=9)))


def test_an_archive_at_the_cap_is_read():
    data = hostile_zips.small_csv_members(10)
    assert len(list(iter_archive("ten.zip", data, limits=Limits(max_members=10)))) == 10


# --- one bad member does not drop the members after it ----------------------------------------


def _encrypted() -> Entry:
    plain = Entry.stored("secret.csv", CRAMP_LOG)
    return Entry(plain.name, plain.payload, plain.method, plain.crc, plain.size, flags=0x1)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (_encrypted(), "encrypted"),
        (
            Entry.stored("outer.zip", make_zip({"inner.zip": make_zip({"a.csv": b"a"})})),
            "only 1 level of nesting",
        ),
        (Entry.stored("damaged.zip", b"PK\x03\x04 not an archive at all"), "damaged or truncated"),
        (
            Entry("crc.csv", b"a,b\n1,2\n", hostile_zips.STORED, crc=1, size=8),
            "Bad CRC",
        ),
        (
            Entry.stored(
                "future.zip",
                hostile_zips.build([Entry("a.csv", b"a", hostile_zips.STORED, version=255)]),
            ),
            "zip file version 25.5",
        ),
    ],
    ids=["encrypted", "twice-nested", "damaged-nested", "bad-crc", "nested-version-25.5"],
)
def test_a_bad_member_is_one_failed_line_and_the_rest_is_read(bad, message):
    data = hostile_zips.build(
        [Entry.stored("first.csv", b"x,y\n1,2\n"), bad, Entry.deflated("cramps.csv", CRAMP_LOG)]
    )
    members = dict(iter_archive("export.zip", data))
    failures = {k: v for k, v in members.items() if isinstance(v, ImportFileError)}
    assert len(failures) == 1, members
    (error,) = failures.values()
    assert message in str(error) and "the archive's other files are read" in str(error)
    assert members["first.csv"] == b"x,y\n1,2\n" and members["cramps.csv"] == CRAMP_LOG
    results = dict(read_archive("export.zip", data, timezone="UTC"))
    assert len(results["cramps.csv"].tables["cramps"]) > 0


def test_an_archive_needing_a_newer_zip_version_is_refused_with_a_message():
    """Found by the long fuzz run: zipfile raised NotImplementedError('zip file version 25.5')."""
    data = hostile_zips.build([Entry("a.csv", b"a", hostile_zips.STORED, version=255)])
    with pytest.raises(ImportFileError, match="damaged or truncated: zip file version 25.5"):
        list(iter_archive("future.zip", data))


def test_import_command_reports_the_bad_member_and_imports_the_others(tmp_path, capsys):
    from analyzer.cli import main

    data = hostile_zips.build([_encrypted(), Entry.deflated("cramps.csv", CRAMP_LOG)])
    export = tmp_path / "export.zip"
    export.write_bytes(data)
    code = main(
        ["import", "--library", str(tmp_path / "l.sqlite"), "--athlete", "a", "--timezone", "UTC"]
        + [str(export)]
    )
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith("failed") and "secret.csv" in line for line in lines), out
    assert any(line.startswith("imported") and "cramps.csv" in line for line in lines), out


def test_the_dashboard_upload_path_lists_the_bad_member(tmp_path):
    from analyzer.store import Library
    from dashboards.importing import import_uploads

    data = hostile_zips.build([_encrypted(), Entry.deflated("cramps.csv", CRAMP_LOG)])
    with Library(tmp_path / "l.sqlite") as library:
        library.create_athlete("a", "A", timezone="UTC")
        table = import_uploads(library, "a", [("export.zip", data)])
    assert list(table["status"]) == ["failed", "imported"]
    assert "encrypted" in table["message"].iloc[0]


# --- gzip nested deep, gzip expanding far -----------------------------------------------------


def test_gzip_nested_a_thousand_times_is_refused_without_recursion():
    data = b"start_local,muscle\n2024-05-12T02:30,calf\n"
    for _ in range(1000):
        data = gzip.compress(data, compresslevel=1)
    assert len(data) < 40_000
    with pytest.raises(ImportFileError, match="holds another gzip file"):
        read_bytes("cramps.csv.gz", data, timezone="UTC")


def test_gzip_once_is_read():
    bundle = read_bytes("cramps.csv.gz", gzip.compress(CRAMP_LOG), timezone="UTC")
    assert len(bundle.tables["cramps"]) > 0


def sparse_block(size: int, seed: int = 1) -> bytes:
    """Zeros with one random byte in 200: gzip ratio about 40, under the ratio cap of 200."""
    rng = random.Random(seed)
    block = bytearray(size)
    for _ in range(size // 200):
        block[rng.randrange(size)] = rng.randrange(256)
    return bytes(block)


def test_gzip_expanding_beyond_its_cap_is_refused_at_the_cap():
    """Like a 7 MB .fit.gz of 1.2 GB: under the ratio cap, over any real FIT file."""
    content = sparse_block(1024**2) * 5
    data = gzip.compress(content, compresslevel=1)
    assert 20 < len(content) / len(data) < 200
    with pytest.raises(ImportFileError, match="expands beyond 2097152 bytes"):
        gunzip("a.fit.gz", data, limits=Limits(max_gzip_bytes=2 * 1024**2))
    assert gunzip("a.fit.gz", data) == content


@pytest.mark.slow
def test_gzip_of_a_gigabyte_is_refused_with_bounded_memory(tmp_path):
    """Before: a 7 MB .fit.gz expanded to 1.2 GB in memory before being refused."""
    path = tmp_path / "huge.fit.gz"
    block = sparse_block(4 * 1024**2)
    with gzip.open(path, "wb", compresslevel=1) as out:
        for _ in range(1200 * 1024**2 // len(block)):
            out.write(block)
    code = (
        "from analyzer.io.registry import read_path\n"
        "from analyzer.errors import ImportFileError\n"
        f"try:\n    read_path({str(path)!r})\nexcept ImportFileError as exc:\n    print(exc)\n"
    )
    peak_mb, out = _peak_rss_mb(code)
    assert "expands beyond" in out
    assert peak_mb < 600, peak_mb  # 128 MiB cap, held twice while joined, plus the readers


def test_results_survive_json_round_trip_of_messages():
    """Failure messages are one line of text (stored in the library, shown on the Import page)."""
    data = hostile_zips.build([_encrypted()])
    ((_, error),) = iter_archive("e.zip", data)
    assert json.loads(json.dumps(str(error))) == str(error) and "\n" not in str(error)
