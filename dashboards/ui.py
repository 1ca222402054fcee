"""Shared pieces of the pages: the app context, honest gaps, chart-plus-table."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards.state import LibraryChoice, own_library_path

_CONTEXT_KEY = "_app_context"


@dataclass(frozen=True)
class AppContext:
    """What the sidebar selected, shared by every page of one session.

    Attributes
    ----------
    library : LibraryChoice
        The library file shown and whether it is the demo squad.
    ready : bool
        True when the library file exists and can be read.
    version : object
        The library's ``content_version()``: the cache key of everything read from it.
    athletes : DataFrame
        The library's athletes (canonical ``athletes`` table).
    athlete_id : str or None
        The selected athlete.
    start, end : datetime.date or None
        The selected local date range, both ends included.
    """

    library: LibraryChoice
    ready: bool = False
    version: object = None
    athletes: pd.DataFrame = field(default_factory=pd.DataFrame)
    athlete_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def path(self) -> str:
        """The library file as a string (hashable cache key)."""
        return str(self.library.path)


def set_context(context: AppContext) -> None:
    """Remember the context of this run for the page (called by the entrypoint)."""
    st.session_state[_CONTEXT_KEY] = context


def context() -> AppContext:
    """Return the context the entrypoint set for this run."""
    return st.session_state[_CONTEXT_KEY]


def require_library(ctx: AppContext) -> bool:
    """Show why nothing can be drawn when no library is open; return ``ctx.ready``."""
    if not ctx.ready:
        st.info(
            "No athlete library is open: the demo squad could not be built (the sidebar says "
            "why). Import your own files on the Import page to start a library of your own."
        )
    return ctx.ready


def require_athlete(ctx: AppContext) -> bool:
    """Show a hint when no athlete is selected; return whether one is."""
    if not require_library(ctx):
        return False
    if ctx.athlete_id is None:
        st.warning("The library holds no athletes yet. Import files on the Import page.")
        return False
    return True


def demo_notice(ctx: AppContext) -> None:
    """On the demo library: say so, and how to add your own data."""
    if not ctx.library.is_demo:
        return
    st.info(
        "You are looking at the **demo squad**: simulated athletes from `sample_data/` with "
        "known, planted patterns. To add your own data, upload your tracker files (FIT, CSV, "
        "JSON or a whole export ZIP) and your cramp log on the **Import** page; they go into "
        f"a library of your own at `{own_library_path()}`, which the app opens from then on. "
        "From a terminal: `cramp-analyzer import --athlete YOUR_NAME FILES...`.",
        icon=":material/science:",
    )


def data_notes(daily: pd.DataFrame) -> None:
    """Say what the athlete's results lack or estimate, and how to supply it.

    The sentences are the pipeline's (:func:`analyzer.indicators.missing.data_notes`, carried
    in ``daily.attrs["data_notes"]``), the same the report and ``features`` print.
    """
    notes = list(getattr(daily, "attrs", {}).get("data_notes", []))
    if notes:
        st.info(
            "**What is missing or estimated**\n\n" + "\n".join(f"- {literal(n)}" for n in notes),
            icon=":material/info:",
        )


def chart_with_table(
    figure: go.Figure,
    table: pd.DataFrame,
    *,
    key: str,
    caption: str = "The numbers behind this chart",
) -> None:
    """Draw ``figure`` with its numbers in an expander below it, for those who prefer tables."""
    st.plotly_chart(figure, key=f"chart_{key}", width="stretch", config={"displaylogo": False})
    with st.expander(caption):
        st.dataframe(table, key=f"table_{key}", hide_index=True, width="stretch")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def literal(text: object) -> str:
    """``text`` with Markdown syntax escaped, so it shows as typed (for file names, messages)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def error(message: object) -> None:
    """Show an error whose text may contain file names or typed values, literally."""
    st.error(literal(message), icon=":material/error:")
