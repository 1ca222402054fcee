"""Readers against hostile and broken files: a clear error or data.

The cases: a cell over 131,072 characters,
a duplicated Garmin row, a WHOOP file cut mid-row, CSV and JSON files far over
their size caps (read from a stream: refused without being held), and values
no reader should choke on (an integer of 400 digits, years 9999 and 0001, a
sleep stage of 1e29 seconds).
"""

from __future__ import annotations

import io
import json
import os
import random

import pytest

from analyzer.errors import CsvImportError, ImportFileError, ReaderFault
from analyzer.io import caps
from analyzer.io.registry import read_bytes, read_stream
from tests.helpers.paths import SAMPLE_DATA, TEST_DATA

CRAMP_LOG = (SAMPLE_DATA / "templates" / "cramp_log_template.csv").read_bytes()


def _lines(path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()


# --- one long cell ----------------------------------------------------------------------------


def _cramp_log_with_note(length: int) -> bytes:
    header, first, *rest = CRAMP_LOG.decode().splitlines()
    cells = first.split(",")
    cells[-1] = "n" * length
    return "\n".join([header, ",".join(cells), *rest]).encode() + b"\n"


def test_a_note_up_to_the_cell_cap_is_read():
    bundle = read_bytes("cramps.csv", _cramp_log_with_note(caps.MAX_CELL_CHARS), timezone="UTC")
    assert len(bundle.tables["cramps"].iloc[0]["notes"]) == caps.MAX_CELL_CHARS


def test_a_note_over_the_cell_cap_is_a_clear_error_naming_the_row():
    """Before: _csv.Error ended the whole import batch."""
    with pytest.raises(CsvImportError, match=r"row 1\).*longer than 131072 characters") as info:
        read_bytes("cramps.csv", _cramp_log_with_note(caps.MAX_CELL_CHARS + 1), timezone="UTC")
    assert not isinstance(info.value, ReaderFault)


def test_an_unclosed_quote_is_refused_naming_its_row():
    data = b'date,steps\n2024-01-01,"5\n' + b"2024-01-02,6\n" * 200_000
    with pytest.raises(CsvImportError, match=r"steps.csv \(row 1\): a cell is longer than"):
        read_bytes("steps.csv", data)


def test_a_record_of_many_multi_line_cells_is_refused_at_the_record_cap():
    data = b"date,steps\n2024-01-01," + b'"x\n",' * 300_000 + b"\n"
    with pytest.raises(CsvImportError, match=r"row 1\): the record is longer than 1048576"):
        read_bytes("steps.csv", data)


def test_a_header_of_absurd_width_is_refused():
    data = (",".join(f"c{i}" for i in range(caps.MAX_COLUMNS + 1)) + "\n1,2\n").encode()
    with pytest.raises(CsvImportError, match="names 1001 columns"):
        read_bytes("wide.csv", data, format="generic_csv")


# --- valid-looking files with a repeated or a cut row -----------------------------------------


def test_garmin_activities_with_a_repeated_row_keep_it_once(samples_dir):
    """Before: IntegrityError 'UNIQUE constraint failed' refused the whole file."""
    header, *rows = _lines(samples_dir / "exports" / "garmin_connect" / "Activities.csv")
    data = "\n".join([header, *rows[:3], rows[1], *rows[3:]]).encode()
    bundle = read_bytes("Activities.csv", data, timezone="Europe/Berlin")
    assert len(bundle.tables["activities"]) == len(rows)
    assert bundle.tables["activities"]["activity_id"].is_unique
    assert any("row(s) 4 repeat an activity listed earlier" in w for w in bundle.warnings)


def test_garmin_activities_with_a_repeated_row_import(samples_dir, tmp_path):
    from analyzer.store import Library

    header, *rows = _lines(samples_dir / "exports" / "garmin_connect" / "Activities.csv")
    data = "\n".join([header, rows[0], rows[0], *rows[1:]]).encode()
    with Library(tmp_path / "l.sqlite") as library:
        library.create_athlete("a", "A", timezone="Europe/Berlin")
        result = library.import_file("a", "Activities.csv", data)
    assert result.status == "partial" and "repeat an activity" in result.message
    assert result.counts["activities"] == len(rows)


def _cut_workouts(samples_dir) -> tuple[bytes, int]:
    """WHOOP workouts.csv cut in the middle of its last row's start time."""
    text = (samples_dir / "exports" / "whoop" / "workouts.csv").read_bytes().decode()
    lines = text.rstrip("\n").split("\n")
    last = lines[-1]
    cut = last.index(",", last.index(",", last.index(",") + 1) + 1) + 12  # mid start time
    return ("\n".join(lines[:-1]) + "\n" + last[:cut]).encode(), len(lines) - 1


def test_whoop_workouts_cut_mid_row_name_the_row(samples_dir):
    """Before: 'activity ... has no start time' from the library, valid rows only or not."""
    data, n_rows = _cut_workouts(samples_dir)
    with pytest.raises(CsvImportError, match=rf"row {n_rows}\b.*ends in the middle of this row"):
        read_bytes("workouts.csv", data)
    bundle = read_bytes("workouts.csv", data, valid_rows_only=True)
    assert len(bundle.tables["activities"]) == n_rows - 1
    assert bundle.tables["activities"]["start_utc"].notna().all()
    assert any(f"skipped 1 of {n_rows} rows" in w for w in bundle.warnings)


def test_whoop_workouts_cut_mid_row_import_with_valid_rows_only(samples_dir, tmp_path):
    from analyzer.store import Library

    data, n_rows = _cut_workouts(samples_dir)
    with Library(tmp_path / "l.sqlite") as library:
        library.create_athlete("a", "A", timezone="UTC")
        refused = library.import_file("a", "workouts.csv", data)
        partial = library.import_file("a", "workouts.csv", data, valid_rows_only=True)
    assert refused.status == "failed" and f"row {n_rows}" in refused.message
    assert partial.status == "partial" and partial.counts["activities"] == n_rows - 1


def test_an_activity_row_without_start_time_is_a_row_problem():
    text = (TEST_DATA / "exports" / "whoop_workouts_zones.csv").read_bytes().decode()
    header, first, *rest = text.splitlines()
    names = header.split(",")
    cells = first.split(",")
    cells[names.index("Workout start time")] = ""
    data = "\n".join([header, ",".join(cells), *rest]).encode()
    with pytest.raises(CsvImportError, match="row 1, column 'Workout start time'.*needs one"):
        read_bytes("workouts.csv", data)


def test_a_cramp_log_cut_mid_row_names_the_row():
    data = CRAMP_LOG.rstrip(b"\n")
    data = data[: data.rindex(b",", 0, data.rindex(b","))]  # the last row loses two fields
    n_rows = data.count(b"\n")
    with pytest.raises(CsvImportError, match=rf"row {n_rows}\b.*ends in the middle"):
        read_bytes("cramps.csv", data, timezone="UTC")
    bundle = read_bytes("cramps.csv", data, timezone="UTC", valid_rows_only=True)
    assert len(bundle.tables["cramps"]) == n_rows - 1


def test_a_last_row_without_line_break_but_complete_is_read():
    bundle = read_bytes("cramps.csv", CRAMP_LOG.rstrip(b"\n"), timezone="UTC")
    assert len(bundle.tables["cramps"]) == CRAMP_LOG.rstrip(b"\n").count(b"\n")


# --- files far over their caps, from a stream -------------------------------------------------


class CountingStream(io.RawIOBase):
    """An endless stream: a head, then one line repeated forever; counts the bytes handed out."""

    def __init__(self, head: bytes, line: bytes) -> None:
        self.head = head
        self.block = line * (1 << 16)
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io protocol
        n = min(len(buffer), len(self.block))
        if self.given == 0:
            n = len(self.head)
            buffer[:n] = self.head
        else:
            buffer[:n] = self.block[:n]
        self.given += n
        return n


@pytest.mark.parametrize(
    ("head", "line", "cap"),
    [
        (b"date,resting hr\n", b"2024-01-01,50\n", caps.MAX_TABLE_BYTES),
        (b'[{"dateTime": "04/22/19 04:00:05", "value": {"bpm": 69}}', b",[1]", caps.MAX_JSON_BYTES),
        (b"\x00\x01binary", b"\x00" * 64, caps.MAX_TABLE_BYTES),
    ],
    ids=["csv", "json", "unknown"],
)
def test_an_endless_stream_is_refused_after_its_cap(head, line, cap):
    """Before: a 1 GB CSV in a ZIP was read whole and held as Python lists (> 10 GB)."""
    stream = CountingStream(head, line)
    with pytest.raises(ImportFileError, match="32 MiB") as info:
        read_stream("endless", io.BufferedReader(stream, 1 << 20))
    assert not isinstance(info.value, ReaderFault)
    assert stream.given <= cap + 2 * (1 << 20)


def test_csv_and_json_bytes_over_their_caps_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr("analyzer.io.registry._WHOLE_READ_CAPS", {"csv": 1000, "json": 1000})
    with pytest.raises(ImportFileError, match="the CSV file is 1.56 KiB"):
        read_bytes("c.csv", CRAMP_LOG + b"," * (1600 - len(CRAMP_LOG)))
    document = json.dumps([{"dateTime": "04/22/19 04:00:05", "value": {"bpm": 1}}] * 40).encode()
    with pytest.raises(ImportFileError, match="JSON document"):
        read_bytes("j.json", document)


def test_a_zip_member_csv_over_its_cap_is_refused_not_held(tmp_path):
    """A 14.6 MB ZIP holding a 1 GB CSV, scaled to 40 MB: refused, memory flat."""
    import zipfile

    rng = random.Random(3)
    block = "".join(f"2024-01-{rng.randint(10, 28)},{rng.randint(35, 99)}\n" for _ in range(75_000))
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("big.csv", "w", force_zip64=True) as member:
            member.write(b"date,resting hr\n")
            for _ in range(40):
                member.write(block.encode())
    from analyzer.io.archive import iter_archive_members

    for member in iter_archive_members("export.zip", path):
        with member.open() as stream, pytest.raises(ImportFileError, match="over 32 MiB"):
            read_stream(member.label, stream)
        assert member.counted_bytes <= caps.MAX_TABLE_BYTES + 2 * (1 << 20)


# --- the net under every reader ---------------------------------------------------------------


def test_a_reader_bug_fails_its_file_with_a_report_hint(monkeypatch):
    def broken(name, data, **kwargs):
        raise TypeError("unsupported operand type(s) for -: 'str' and 'int'")

    from analyzer.io import logs
    from analyzer.io.formats import FormatSpec

    spec = next(s for s in logs.FORMATS if s.name == "cramp_log_csv")
    broken_spec = FormatSpec(spec.name, spec.description, spec.kind, spec.matches, broken)
    monkeypatch.setattr("analyzer.io.registry._spec_for", lambda probe: broken_spec)
    monkeypatch.delenv("CRAMP_ANALYZER_STRICT", raising=False)
    with pytest.raises(ReaderFault, match="TypeError.*bug in cramp-analyzer") as info:
        read_bytes("cramps.csv", CRAMP_LOG, timezone="UTC")
    assert isinstance(info.value, ImportFileError)
    monkeypatch.setenv("CRAMP_ANALYZER_STRICT", "1")
    with pytest.raises(TypeError):
        read_bytes("cramps.csv", CRAMP_LOG, timezone="UTC")


def test_strict_mode_is_on_in_the_test_suite():
    """Reader bugs must surface in tests, not hide behind ReaderFault (see tests/conftest.py)."""
    assert os.environ.get("CRAMP_ANALYZER_STRICT") == "1"


def test_a_large_zip_given_to_read_stream_is_named_a_zip_without_being_read():
    stream = CountingStream(b"PK\x03\x04" + b"\x00" * 26, b"\x00" * 64)
    with pytest.raises(ImportFileError, match="is a ZIP archive; open it with read_archive"):
        read_stream("export.zip", io.BufferedReader(stream, 1 << 16))
    assert stream.given < 1 << 20
