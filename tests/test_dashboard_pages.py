"""AppTest: every page renders without exceptions, on a fresh machine and on a library."""

from __future__ import annotations

import pytest

from dashboard_support import app, errors, small_library
from dashboards.app_pages import PAGE_FILES


@pytest.fixture
def fresh_user(tmp_path, monkeypatch):
    """A user with no library of their own and an empty data folder."""
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.delenv("CRAMP_ANALYZER_DEMO_LIBRARY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path


@pytest.fixture
def own_library(tmp_path, monkeypatch):
    """A user whose own library holds one athlete with logged cramps."""
    path = small_library(tmp_path / "own.sqlite")
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    return path


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_on_first_start(fresh_user, page):
    at = app(page)
    assert not at.exception, errors(at)
    assert at.title, f"{page} drew no title"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_on_a_library(own_library, page):
    at = app(page)
    assert not at.exception, errors(at)
    assert at.title, f"{page} drew no title"
    assert at.sidebar.selectbox(key="athlete").value == "anna"
