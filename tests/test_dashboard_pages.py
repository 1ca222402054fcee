"""AppTest: every page of the dashboard renders without exceptions."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from dashboards.app_pages import PAGE_FILES

APP = ROOT / "dashboards" / "app.py"
TIMEOUT_S = 60


@pytest.fixture
def isolated_user(tmp_path, monkeypatch):
    """A user with no library of their own and an empty data folder."""
    monkeypatch.delenv("CRAMP_ANALYZER_LIBRARY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders(isolated_user, page):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert not at.exception
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} drew no title"
