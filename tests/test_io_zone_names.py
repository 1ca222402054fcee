"""One rule for time-zone names: a command's --timezone, the library, the readers' zone cells."""

from __future__ import annotations

import pytest

from analyzer.errors import CsvImportError, LibraryError
from analyzer.io.localtime import check_zone_name, parse_zone, source_zone
from analyzer.io.registry import read_bytes
from analyzer.store.validation import check_timezone

ABSURD = [
    "localtime",  # the computer's own zone under another name
    "posixrules",
    "Factory",
    "right/UTC",  # leap-second copy: Unix time has no leap seconds
    "posix/Europe/Berlin",
    "Europe/Berlin\n",
    " Europe/Berlin",
    "europe/berlin",
    "../../etc/passwd",
    "/etc/localtime",
    "",
    "x" * 300,  # over the 255-byte file-name limit: OSError from zoneinfo itself
    "Europe/" + "a" * 5000,
    "Europe\x00Berlin",
]


@pytest.mark.parametrize("name", ["Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"])
def test_real_zones_pass(name):
    assert check_zone_name(name) == name
    assert check_timezone(name) == name


@pytest.mark.parametrize("name", ABSURD)
def test_absurd_zone_names_are_refused_as_invalid_zones(name):
    with pytest.raises(ValueError, match="not an IANA time-zone name"):
        check_zone_name(name)
    with pytest.raises(LibraryError, match="not an IANA time-zone name"):
        check_timezone(name)
    with pytest.raises(CsvImportError, match="not an IANA time-zone name"):
        source_zone("log.csv", name, needed_for="cramp times")


def test_a_long_name_is_quoted_short_in_the_message():
    with pytest.raises(ValueError) as info:
        check_zone_name("x" * 10_000)
    assert len(str(info.value)) < 200
    assert "10000 characters" in str(info.value)


def test_parse_zone_refuses_the_same_names():
    for name in ("localtime", "Factory", "x" * 300):
        with pytest.raises(ValueError):
            parse_zone(name)


def test_cramp_log_read_with_an_overlong_zone_is_a_clear_file_error():
    data = b"start_local,muscle\n2024-05-12T02:30,calf\n"
    with pytest.raises(CsvImportError, match="not an IANA time-zone name"):
        read_bytes("cramps.csv", data, timezone="Europe/" + "x" * 300)


def test_whoop_row_with_an_overlong_zone_is_a_row_problem(samples_dir):
    """A zone cell over 255 characters is that row's problem (OSError before), not a crash."""
    path = samples_dir / "exports" / "whoop" / "workouts.csv"
    lines = path.read_bytes().decode("utf-8").splitlines()
    header = lines[0].split(",")
    zone_at = header.index("Cycle timezone")
    row = lines[1].split(",")
    row[zone_at] = "Mars/" + "x" * 300
    data = "\n".join([lines[0], ",".join(row), *lines[2:]]).encode()
    with pytest.raises(CsvImportError, match=r"row 1.*a time zone for this row"):
        read_bytes("workouts.csv", data)
    bundle = read_bytes("workouts.csv", data, valid_rows_only=True)
    assert len(bundle.tables["activities"]) == len(lines) - 2
