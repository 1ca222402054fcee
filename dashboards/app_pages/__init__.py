"""Pages of the dashboard, grouped as the sidebar shows them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).resolve().parent

#: (section, script, title, icon), in sidebar order; the first page is the default.
PAGE_TABLE = [
    ("Athlete", "overview.py", "Overview", ":material/timeline:"),
    ("Athlete", "cramps.py", "Cramps", ":material/bolt:"),
    ("Athlete", "session.py", "Session", ":material/directions_run:"),
    ("Athlete", "log.py", "Log", ":material/edit_note:"),
    ("Library", "import_files.py", "Import", ":material/upload_file:"),
    ("Library", "team.py", "Team", ":material/groups:"),
    ("Library", "settings.py", "Settings", ":material/tune:"),
    ("Library", "report.py", "Report", ":material/description:"),
]

#: Every page's script, in sidebar order (the tests visit each one).
PAGE_FILES = [script for _, script, _, _ in PAGE_TABLE]


def pages() -> dict[str, list[st.Page]]:
    """The pages for ``st.navigation``, by section."""
    out: dict[str, list[st.Page]] = {}
    for index, (section, script, title, icon) in enumerate(PAGE_TABLE):
        page = st.Page(str(_HERE / script), title=title, icon=icon, default=index == 0)
        out.setdefault(section, []).append(page)
    return out
