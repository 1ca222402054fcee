"""The command line against hostile names and its own bugs: escapes shown, no tracebacks."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from analyzer.cli import EXIT_INTERNAL, EXIT_INTERRUPTED, main
from analyzer.printable import printable, printable_output
from tests.helpers.paths import SAMPLE_DATA, TEST_DATA

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
FORGED = "\nimported  forged.fit samples=9999\r"


def cramp_log() -> bytes:
    return (SAMPLE_DATA / "templates" / "cramp_log_template.csv").read_bytes()


def test_printable_escapes_terminal_commands_and_line_breaks():
    text = printable(f"run{ESCAPES}.fit{FORGED}\u202eexe.fit")
    assert "\x1b" not in text and "\x07" not in text
    assert "\n" not in text and "\r" not in text and "\u202e" not in text
    assert "\\x1b]0;owned\\x07" in text and "\\nimported" in text and "\\u202e" in text


def test_printable_keeps_ordinary_text():
    assert printable("Müller, Zoë — 日本 run.fit\u00a0(2)") == "Müller, Zoë — 日本 run.fit\u00a0(2)"


def test_whole_outputs_keep_their_line_ends_only():
    assert printable_output("a,b\r\n1,\x1b[31m2\t\n") == "a,b\r\n1,\\x1b[31m2\t\n"


def test_zip_member_names_cannot_drive_the_terminal_or_forge_lines(tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"cramps{ESCAPES}{FORGED}.csv", cramp_log())
        archive.writestr(f"notes{ESCAPES}.txt", b"not a data file\n")
    export = tmp_path / f"export{ESCAPES}.zip"
    export.write_bytes(buffer.getvalue())
    library = tmp_path / "lib.sqlite"
    main(
        ["import", "--library", str(library), "--athlete", "anna", "--timezone", "UTC", str(export)]
    )
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\r" not in stream
    assert "forged.fit" in out  # shown, as part of the member's escaped name
    assert not any(line.startswith("imported  forged") for line in out.splitlines())
    results = [line for line in out.splitlines() if "export" in line]
    assert len(results) == 2, out


def test_an_unexpected_error_is_an_internal_error_without_traceback(monkeypatch, capsys):
    def broken(args):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    monkeypatch.setattr("analyzer.cli.athletes.run", broken)
    monkeypatch.delenv("CRAMP_ANALYZER_DEBUG", raising=False)
    assert main(["athletes", "--library", "x.sqlite"]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("internal error: cramp-analyzer stopped on an unexpected TypeError")
    assert "'athletes'" in err and "please report it" in err
    assert "Traceback" not in err


def test_the_debug_variable_adds_the_traceback(monkeypatch, capsys):
    def broken(args):
        raise KeyError("no such column")

    monkeypatch.setattr("analyzer.cli.athletes.run", broken)
    monkeypatch.setenv("CRAMP_ANALYZER_DEBUG", "1")
    assert main(["athletes", "--library", "x.sqlite"]) == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (MemoryError(), EXIT_INTERNAL, "ran out of memory"),
        (RecursionError("maximum recursion depth exceeded"), EXIT_INTERNAL, "RecursionError"),
        (KeyboardInterrupt(), EXIT_INTERRUPTED, "interrupted"),
    ],
)
def test_other_ways_to_stop(monkeypatch, capsys, error, code, said):
    def broken(args):
        raise error

    monkeypatch.setattr("analyzer.cli.athletes.run", broken)
    assert main(["athletes", "--library", "x.sqlite"]) == code
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_streams_are_restored_after_a_command(capsys):
    before = sys.stdout, sys.stderr
    main(["athletes", "--library", os.devnull + "-missing-dir/x.sqlite"])
    assert (sys.stdout, sys.stderr) == before


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    """`cramp-analyzer features ... | head -1` must not print a BrokenPipeError traceback."""
    library = tmp_path / "lib.sqlite"
    log = tmp_path / "resting.csv"  # 3,000 days: far more output than a pipe buffer holds
    days = pd.date_range("2015-01-01", periods=3000).strftime("%Y-%m-%d")
    log.write_text(
        "date,resting hr\n" + "".join(f"{day},{50 + i % 7}\n" for i, day in enumerate(days))
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    base = [sys.executable, "-m", "analyzer"]
    subprocess.run(
        [
            *base,
            "import",
            "--library",
            str(library),
            "--athlete",
            "a",
            "--timezone",
            "UTC",
            str(log),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    command = [*base, "features", "--library", str(library), "--athlete", "a", "--format", "csv"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_inspect_reads_a_damaged_file_whose_timestamp_decodes_to_several_values(capsys):
    """Before: AttributeError ('tuple' object has no attribute 'isoformat') from inspect."""
    path = TEST_DATA / "hostile" / "event_timestamp_array.fit"
    for output in ("text", "json"):
        assert main(["inspect", str(path), "--format", output]) == 0
    assert "internal error" not in capsys.readouterr().err


def test_display_names_cannot_forge_rows_in_the_athlete_listings(tmp_path, capsys):
    from analyzer.store import Library

    library = tmp_path / "lib.sqlite"
    with Library(library) as lib:
        lib.create_athlete("anna", f"Anna{ESCAPES}\nbert  Bert  0  0  0", timezone="UTC")
    assert main(["athletes", "--library", str(library)]) == 0
    assert main(["athlete", "--library", str(library), "--athlete", "anna"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("bert") for line in out.splitlines())
    assert "Anna\\x1b]0;owned\\x07" in out and "\\nbert" in out


@pytest.mark.parametrize("zone", ["x" * 300, "localtime", "Factory", "Europe/Berlin\n"])
def test_an_absurd_timezone_option_is_refused_as_an_invalid_zone(tmp_path, capsys, zone):
    """Before: OSError traceback (file name too long) for a name over 255 characters."""
    log = tmp_path / "cramps.csv"
    log.write_bytes(cramp_log())
    library = str(tmp_path / "lib.sqlite")
    code = main(["import", "--library", library, "--athlete", "a", "--timezone", zone, str(log)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not an IANA time-zone name" in err and "Traceback" not in err
