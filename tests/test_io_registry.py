"""Format detection by content, and the registry's dispatch and error messages."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from analyzer.errors import ImportFileError, UnknownFormatError
from analyzer.io.registry import detect_format, read_archive, read_bytes
from tests.helpers.paths import TEST_DATA


def fit_header(size: int = 14) -> bytes:
    header = struct.pack("<BBHI4s", size, 0x20, 2132, 0, b".FIT")
    return header + (b"\0\0" if size == 14 else b"")


def test_fit_detected_by_header_magic_whatever_the_name():
    assert detect_format("notes.txt", fit_header(14)) == "fit"
    assert detect_format("x", fit_header(12)) == "fit"


def test_fit_name_without_fit_content_is_not_fit():
    assert detect_format("run.fit", b"a,b\n1,2\n") != "fit"
    # Magic in place but an impossible header size.
    assert detect_format("run.fit", b"\x40" + fit_header(14)[1:]) != "fit"


def test_a_fit_file_with_a_damaged_header_fails_with_the_reason_instead_of_being_skipped():
    from analyzer.errors import FitHeaderError

    damaged = bytearray((TEST_DATA / "activity_hr_fenix2_run.fit").read_bytes())
    damaged[9] ^= 0x04  # one flipped bit: '.FIT' becomes '.FMT'
    with pytest.raises(FitHeaderError, match=r"run.FIT \(byte 0\): no FIT header.*signature"):
        read_bytes("run.FIT", bytes(damaged))
    # The same bytes under another name are not claimed as FIT.
    with pytest.raises(UnknownFormatError, match="binary data"):
        read_bytes("run.bin", bytes(damaged))
    with pytest.raises(UnknownFormatError, match="empty file"):
        read_bytes("empty.fit", b"")


def test_zip_and_gzip_detected_by_signature():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "a,b\n")
    assert detect_format("export.dat", buffer.getvalue()) == "zip"
    assert detect_format("a.fit.gz", b"\x1f\x8b\x08\x00rest") == "gzip"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"foo,bar,baz\n1,2,3\n", "CSV file with the columns foo, bar, baz"),
        (b'{"hello": 1}', "JSON document with the keys hello"),
        (b"<?xml version='1.0'?><gpx><trk/></gpx>", "root element <gpx>"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"", "an empty file"),
        (b"just some notes\nand more\n", "text file with one column, starting 'just some notes'"),
    ],
)
def test_unknown_content_is_named_and_described(data, looks_like):
    assert detect_format("mystery.bin", data) is None
    with pytest.raises(UnknownFormatError) as info:
        read_bytes("mystery.bin", data)
    assert "mystery.bin" in str(info.value)
    assert looks_like in str(info.value)


def test_zip_given_to_read_bytes_points_to_read_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "a,b\n")
    with pytest.raises(ImportFileError, match="read_archive"):
        read_bytes("export.zip", buffer.getvalue())


def test_forcing_an_unknown_format_lists_the_known_ones():
    with pytest.raises(UnknownFormatError, match="known formats: fit"):
        read_bytes("a.csv", b"a,b\n", format="nonsense")


def test_every_real_sample_is_recognised_by_content(samples_dir):
    expected = {
        "garmin_connect/Activities.csv": "garmin_connect_csv",
        "strava/activities.csv": "strava_activities_csv",
        "whoop/physiological_cycles.csv": "whoop_cycles_csv",
        "whoop/sleeps.csv": "whoop_sleeps_csv",
        "whoop/workouts.csv": "whoop_workouts_csv",
        "whoop/journal_entries.csv": "whoop_journal_csv",
    }
    for path, fmt in expected.items():
        assert detect_format("upload", (samples_dir / "exports" / path).read_bytes()) == fmt, path
    for fit in sorted(
        (samples_dir / "fit").glob("*.fit")
    ):  # corrupt ones too: their first header is sound
        assert detect_format("upload", fit.read_bytes()) == "fit", fit.name


def test_strava_style_archive_with_gzipped_fit(samples_dir):
    import gzip

    fit = (samples_dir / "fit" / "activity_hr_fenix2_run.fit").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "activities.csv", (samples_dir / "exports" / "strava" / "activities.csv").read_bytes()
        )
        archive.writestr("activities/8474917700.fit.gz", gzip.compress(fit))
        archive.writestr("activities/123.gpx", "<?xml version='1.0'?><gpx/>")
    results = dict(read_archive("export_123.zip", buffer.getvalue()))
    assert results["activities.csv"].format == "strava_activities_csv"
    assert results["activities/8474917700.fit.gz"].format == "fit"
    assert len(results["activities/8474917700.fit.gz"].tables["samples"]) > 1000
    gpx = results["activities/123.gpx"]
    assert isinstance(gpx, UnknownFormatError) and "<gpx>" in str(gpx)


def test_a_zip_with_macos_appledouble_files_imports_the_real_ones():
    run = (TEST_DATA / "activity_hr_fenix2_run.fit").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("GARMIN/Activity/run.fit", run)
        archive.writestr("GARMIN/Activity/._run.fit", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    members = [name for name, _ in read_archive("garmin.zip", buffer.getvalue())]
    assert members == ["GARMIN/Activity/run.fit"]  # the ._ file is skipped, not failed


def test_other_binary_data_named_fit_is_not_taken_for_a_damaged_fit_file():
    with pytest.raises(UnknownFormatError, match="binary data"):
        read_bytes("notes.fit", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
