"""A broken part of ``analyzer`` breaks the dashboard loudly, not behind a "still being built" note.

The pages import what they draw from directly; when ``analyzer.findings``
cannot be imported, the app raises (the Streamlit error box, details in the
log), and the page tests fail with it.
"""

from __future__ import annotations

import sys

import pytest
from streamlit import config

from tests.helpers.dashboard import app, errors, small_library


@pytest.fixture
def own_library(tmp_path, monkeypatch):
    path = small_library(tmp_path / "own.sqlite")
    monkeypatch.setenv("CRAMP_ANALYZER_LIBRARY", str(path))
    return path


@pytest.mark.parametrize("page", ["cramps.py", "report.py", "team.py"])
def test_pages_with_findings_raise_when_the_findings_cannot_be_imported(
    own_library, monkeypatch, page
):
    for name in [
        m for m in sys.modules if m == "analyzer.findings" or m.startswith("analyzer.findings.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "analyzer.findings", None)  # import raises ImportError
    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")  # the app redacts them for users
    try:
        at = app(page)
    finally:
        config.set_option("client.showErrorDetails", shown)
    assert at.exception, f"{page} drew without analyzer.findings"
    assert "analyzer.findings" in "\n".join(errors(at))
    texts = [e.value for e in [*at.info, *at.warning, *at.markdown]]
    assert not [text for text in texts if "not available yet" in text or "being built" in text]


def test_the_same_pages_draw_when_the_findings_import(own_library):
    for page in ("cramps.py", "report.py", "team.py"):
        at = app(page)
        assert not at.exception, errors(at)
