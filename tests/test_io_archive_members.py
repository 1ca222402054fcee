"""Archive members opened where the ZIP lies on disk, re-readable, under the same caps."""

from __future__ import annotations

import struct
import zipfile

import pytest

from analyzer.errors import ImportFileError
from analyzer.io.archive import Limits, is_archive_path, iter_archive, iter_archive_members
from tests.helpers.archives import make_zip


def _read_all(name, source, **kwargs) -> dict[str, bytes]:
    out = {}
    for member in iter_archive_members(name, source, **kwargs):
        with member.open() as stream:
            out[member.label] = stream.read()
    return out


def test_members_from_a_path_equal_members_from_bytes(tmp_path):
    inner = make_zip({"a.fit": b"\x0e" * 40, "b.json": b"[1]"})
    data = make_zip(
        {"UploadedFiles_0.zip": inner, "x/../y.csv": b"a,b\n1,2\n", "__MACOSX/._y.csv": b"junk"}
    )
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    expected = dict(iter_archive("export.zip", data))
    assert _read_all("export.zip", path) == expected == _read_all("export.zip", data)
    assert set(expected) == {"UploadedFiles_0.zip/a.fit", "UploadedFiles_0.zip/b.json", "x/y.csv"}


def test_declared_size_and_second_read_counted_once(tmp_path):
    payload = bytes(range(256)) * 4096  # 1 MiB, barely compressible
    path = tmp_path / "one.zip"
    path.write_bytes(make_zip({"export.xml": payload}))
    limits = Limits(max_total_bytes=len(payload) + 10)
    for member in iter_archive_members("one.zip", path, limits=limits):  # valid inside the loop
        assert member.size_bytes == len(payload)
        for _ in range(3):  # hash, parse, keep: the archive total is not tripled
            with member.open() as stream:
                assert stream.read() == payload


def test_bomb_refused_on_every_read_of_a_streamed_member(tmp_path):
    path = tmp_path / "bomb.zip"
    path.write_bytes(make_zip({"export.xml": b"0" * (4 * 1024**2)}))
    for member in iter_archive_members("bomb.zip", path):
        for _ in range(2):
            with (
                member.open() as stream,
                pytest.raises(ImportFileError, match="archive bomb") as info,
            ):
                while stream.read(1024**2):
                    pass
            assert info.value.archive_limit


def test_member_lying_about_its_size_fails_when_opened_from_disk(tmp_path):
    data = bytearray(make_zip({"liar.xml": b"1" * (3 * 1024**2)}))
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, 10)
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, 10)
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="liar.zip/liar.xml: cannot be decompressed: Bad CRC"):
        _read_all("liar.zip", path)  # zipfile stops at the declared 10 bytes, then the CRC fails


def test_not_a_zip_on_disk(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"<HealthData/>")
    assert not is_archive_path(path)
    with pytest.raises(ImportFileError, match="not a ZIP archive"):
        list(iter_archive_members("export.zip", path))
    path.write_bytes(make_zip({"a": b"1"}))
    assert is_archive_path(path)


def test_damaged_zip_on_disk_names_the_file(tmp_path):
    path = tmp_path / "cut.zip"
    path.write_bytes(make_zip({"a.csv": b"a,b\n" * 1000})[:60])
    with pytest.raises(ImportFileError, match="cut.zip.*damaged or truncated"):
        list(iter_archive_members("cut.zip", path))


def test_symlink_members_are_skipped(tmp_path):
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo("passwd")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("ok.csv", "a\n1\n")
    assert [m.label for m in iter_archive_members("links.zip", path)] == ["ok.csv"]
