"""ZIP archives of whole exports: names kept as labels, traversal neutralised, bombs refused."""

from __future__ import annotations

import gzip
import struct
import zipfile

import pytest

from analyzer.errors import ImportFileError
from analyzer.io.archive import Limits, is_archive, iter_archive, safe_member_name
from analyzer.io.gzipped import gunzip
from tests.helpers.archives import make_zip


def test_members_keep_nested_folder_names_as_labels():
    data = make_zip({"DI_CONNECT/DI-Connect-Wellness/x_sleepData.json": b"[]", "a.csv": b"a,b\n"})
    assert dict(iter_archive("export.zip", data)) == {
        "DI_CONNECT/DI-Connect-Wellness/x_sleepData.json": b"[]",
        "a.csv": b"a,b\n",
    }


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("../../etc/passwd", "etc/passwd"),
        ("/abs/path.csv", "abs/path.csv"),
        ("C:\\Users\\x\\..\\file.csv", "Users/x/file.csv"),
        ("./a/./b.csv", "a/b.csv"),
        ("../..", None),
    ],
)
def test_traversal_names_are_neutralised(raw, label):
    assert safe_member_name(raw) == label


def test_traversal_member_is_yielded_under_a_harmless_label(tmp_path):
    data = make_zip({"../../outside.csv": b"x,y\n"})
    assert list(iter_archive("evil.zip", data)) == [("outside.csv", b"x,y\n")]
    assert not (tmp_path.parent / "outside.csv").exists()


def test_mac_resource_forks_and_folders_are_skipped():
    data = make_zip({"__MACOSX/._a.csv": b"junk", "dir/.DS_Store": b"junk", "dir/a.csv": b"a,b\n"})
    assert [name for name, _ in iter_archive("mac.zip", data)] == ["dir/a.csv"]


def test_nested_zip_opened_one_level_deep():
    inner = make_zip({"activity.fit": b"fit-bytes"})
    data = make_zip({"DI-Connect-Uploaded-Files/UploadedFiles_0.zip": inner, "top.csv": b"t"})
    members = dict(iter_archive("garmin.zip", data))
    assert members == {
        "DI-Connect-Uploaded-Files/UploadedFiles_0.zip/activity.fit": b"fit-bytes",
        "top.csv": b"t",
    }


def test_zip_nested_two_levels_is_that_members_failure():
    innermost = make_zip({"a.csv": b"a"})
    data = make_zip({"outer.zip": make_zip({"inner.zip": innermost, "b.csv": b"b"})})
    members = dict(iter_archive("deep.zip", data))
    assert members["outer.zip/b.csv"] == b"b"
    assert isinstance(members["outer.zip/inner.zip"], ImportFileError)
    assert "only 1 level of nesting" in str(members["outer.zip/inner.zip"])


def test_high_compression_ratio_is_refused_as_a_bomb():
    data = make_zip({"bomb.csv": b"0" * (8 * 1024**2)})
    with pytest.raises(ImportFileError, match="archive bomb") as info:
        list(iter_archive("bomb.zip", data))
    assert "bomb.zip" in str(info.value)


def test_total_size_cap_counts_nested_members():
    inner = make_zip({"b.csv": b"b" * 3000}, zipfile.ZIP_STORED)
    data = make_zip({"a.csv": b"a" * 3000, "inner.zip": inner}, zipfile.ZIP_STORED)
    with pytest.raises(ImportFileError, match="in total"):
        list(iter_archive("big.zip", data, limits=Limits(max_total_bytes=8000)))


def test_member_count_cap():
    data = make_zip({f"f{i}.csv": b"x" for i in range(11)})
    with pytest.raises(ImportFileError, match="more than 10 files"):
        list(iter_archive("many.zip", data, limits=Limits(max_members=10)))


def test_under_declared_sizes_do_not_fool_the_reader():
    """A member whose headers claim 10 bytes but which inflates to 3 MiB is caught."""
    data = bytearray(make_zip({"liar.csv": b"1" * (3 * 1024**2)}))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 10)
    struct.pack_into("<I", data, central + 24, 10)
    members = dict(iter_archive("liar.zip", bytes(data), limits=Limits(max_member_bytes=1024**2)))
    assert isinstance(members["liar.csv"], ImportFileError)  # the member fails, not grows


def test_damaged_zip_names_the_file():
    data = make_zip({"a.csv": b"a,b\n"})[:30]
    with pytest.raises(ImportFileError, match="damaged.zip"):
        list(iter_archive("damaged.zip", data))


def test_is_archive_by_content_not_name():
    assert is_archive("export.csv", make_zip({"a": b"a"}))
    assert not is_archive("export.zip", b"a,b\n1,2\n")


def test_gunzip_under_caps():
    assert gunzip("a.fit.gz", gzip.compress(b"abc" * 10)) == b"abc" * 10
    with pytest.raises(ImportFileError, match="archive bomb"):
        gunzip("bomb.gz", gzip.compress(b"\0" * (4 * 1024**2)))
    with pytest.raises(ImportFileError, match="damaged"):
        gunzip("bad.gz", b"\x1f\x8bnot really")


def test_read_archive_stops_at_a_bomb_but_reports_bad_members_one_by_one():
    from analyzer.io.registry import read_archive

    data = make_zip({"a.txt": b"not a known format", "bomb.csv": b"0" * (8 * 1024**2)})
    results = read_archive("mixed.zip", data)
    member, error = next(results)
    assert member == "a.txt" and isinstance(error, ImportFileError)
    with pytest.raises(ImportFileError, match="archive bomb"):
        next(results)
