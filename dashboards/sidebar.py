"""The sidebar every page shares: library, athlete and date range."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analyzer.errors import AnalyzerError
from analyzer.paths import SAMPLE_DATA_ENV
from dashboards import data
from dashboards.state import choose_library, ensure_demo_library
from dashboards.ui import AppContext, literal

DEFAULT_SPAN_DAYS = 182


def build_context() -> AppContext:
    """Resolve the library, draw the selectors and return what they selected."""
    choice = choose_library()
    if choice.is_demo and not _demo_ready(choice):
        return AppContext(choice)
    version = data.content_version(str(choice.path))
    roster = data.athletes(str(choice.path), version)
    _library_caption(choice)
    athlete_id = _athlete_selector(roster)
    start, end = _date_range_selector(str(choice.path), version, athlete_id)
    return AppContext(choice, True, version, roster, athlete_id, start, end)


def _demo_ready(choice) -> bool:
    """Build the demo library on first start, with a progress bar; say why when it cannot be."""
    if choice.path.exists():
        return True
    bar = st.progress(0.0, text="First start: building the demo squad's library from sample_data/…")

    def show(done: int, total: int, result) -> None:
        bar.progress(
            min(done / max(total, 1), 1.0), text=f"First start: reading demo file {done} of {total}"
        )

    try:
        built = ensure_demo_library(choice.path, show)
    except AnalyzerError as exc:
        st.sidebar.warning("The demo squad could not be built: " + literal(exc))
        built = False
    bar.empty()
    if not built:
        st.sidebar.caption(
            "The demo library cannot be built: the folder `sample_data/` of the source checkout "
            "was not found. Start the app from the root of the checkout, or set "
            f"`{SAMPLE_DATA_ENV}` to that folder; or import your own files on the Import page."
        )
    return built


def _library_caption(choice) -> None:
    label = "Demo squad" if choice.is_demo else "Your library"
    st.sidebar.caption(f"{label}: `{choice.path}`")


def _athlete_selector(roster: pd.DataFrame) -> str | None:
    if roster.empty:
        st.sidebar.caption("No athletes yet.")
        return None
    ids = roster["athlete_id"].tolist()
    names = dict(zip(roster["athlete_id"], roster["display_name"].fillna(roster["athlete_id"])))
    return st.sidebar.selectbox(
        "Athlete", ids, format_func=lambda i: str(names.get(i) or i), key="athlete"
    )


def _date_range_selector(path: str, version: object, athlete_id: str | None):
    if athlete_id is None:
        return None, None
    first, last = data.date_span(path, version, athlete_id)
    if first is None:
        return None, None
    default_start = max(first, last - dt.timedelta(days=DEFAULT_SPAN_DAYS))
    chosen = st.sidebar.date_input(
        "Date range",
        value=(default_start, last),
        min_value=first,
        max_value=last,
        key=f"range_{athlete_id}_{first}_{last}",  # a new data span resets the range
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        return chosen
    # Half-picked range (one end clicked): keep the default until the second end is picked.
    return default_start, last
