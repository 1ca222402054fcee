"""Which library the dashboard opens."""

from __future__ import annotations

from dashboards.state import choose_library, demo_library_path, own_library_path
from dashboards.ui import literal


def test_first_start_opens_the_demo_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.delenv("CRAMP_ANALYZER_DEMO_LIBRARY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    choice = choose_library()
    assert choice.is_demo
    assert choice.path == tmp_path / "cramp-analyzer" / "demo" / "demo-library.sqlite"
    assert choice.path.parent.parent == own_library_path().parent  # next to the user's own library


def test_an_existing_own_library_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    own_library_path().parent.mkdir(parents=True)
    own_library_path().write_bytes(b"")
    choice = choose_library()
    assert not choice.is_demo and choice.path == own_library_path()


def test_the_environment_variable_names_the_users_library(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(tmp_path / "team.sqlite"))
    choice = choose_library()
    assert not choice.is_demo and choice.path == tmp_path / "team.sqlite"


def test_demo_location_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMP_ANALYZER_DEMO_LIBRARY", str(tmp_path / "d.sqlite"))
    assert demo_library_path() == tmp_path / "d.sqlite"


def test_literal_escapes_markdown_from_file_names():
    assert literal("[click](javascript:alert(1))") == r"\[click\]\(javascript:alert\(1\)\)"
    assert literal("a_b*c*") == r"a\_b\*c\*"
