"""One import path: uploads through the dashboard and paths through the command line agree.

Both go through :class:`analyzer.store.ImportJob`, so a month of Garmin daily
files uploaded on the Import page assembles its nights and days once, after
the last file, as the ``import`` command does, and stores the same nights.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.store import ImportJob, Library, nights
from dashboards.importing import import_uploads

TZ = "Europe/Copenhagen"


@pytest.fixture
def files(garmin_month):
    return sorted(garmin_month.glob("0[1-3]/*.fit"))  # three days and their nights, 50-odd files


@pytest.fixture
def assemblies(monkeypatch) -> list[str]:
    """Every assembly of an athlete's pending nights and days, by athlete."""
    calls = []
    real = nights.assemble_pending

    def counted(conn, athlete_id, timezone):
        calls.append(athlete_id)
        return real(conn, athlete_id, timezone)

    monkeypatch.setattr(nights, "assemble_pending", counted)
    return calls


def _library(path) -> Library:
    lib = Library(path)
    lib.create_athlete("kent", "Kent", timezone=TZ)
    return lib


def test_an_uploaded_month_assembles_its_nights_once_like_the_command_line(
    files, tmp_path, assemblies
):
    with _library(tmp_path / "uploaded.sqlite") as uploaded:
        shown = []
        table = import_uploads(
            uploaded,
            "kent",
            [(p.name, p.read_bytes()) for p in files],
            lambda done, total, name: shown.append((done, total)),
        )
        assert assemblies == ["kent"]
        assert set(table["status"]) == {"imported"} and len(table) == len(files)
        assert shown[-1] == (len(files), len(files))
        with _library(tmp_path / "cli.sqlite") as cli:
            report = ImportJob(cli, "kent").add_paths(files).run()
            assert assemblies == ["kent", "kent"]
            assert [r.status for r in report.results] == ["imported"] * len(files)
            for read in (Library.sleep, Library.wellness, Library.sleep_stages):
                pd.testing.assert_frame_equal(read(uploaded, "kent"), read(cli, "kent"))
        assert len(uploaded.sleep("kent")) >= 2 and len(uploaded.wellness("kent")) >= 3


def test_an_uploaded_zip_is_one_job_too(files, tmp_path, assemblies):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for path in files:
            zf.writestr(f"garmin/{path.name}", path.read_bytes())
    with _library(tmp_path / "zip.sqlite") as lib:
        table = import_uploads(lib, "kent", [("garmin.zip", archive.getvalue())])
        assert list(table["file"]) == [f"garmin.zip/garmin/{p.name}" for p in files]
        assert assemblies == ["kent"]
        assert len(lib.sleep("kent")) >= 2
