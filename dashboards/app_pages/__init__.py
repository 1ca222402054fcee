"""Pages of the dashboard, grouped as the sidebar shows them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).resolve().parent


def _page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(str(_HERE / file), title=title, icon=icon, default=default)


PAGES = {
    "Athlete": [
        _page("home.py", "Start", ":material/home:", default=True),
    ],
}
