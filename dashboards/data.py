"""Cached reads from the library and cached analysis calls.

Every function is keyed on ``(library path, content_version)`` plus its own
arguments, so an import or a logged cramp (which changes the content version)
invalidates exactly what it must. Caches are bounded with ``max_entries``.
The functions only fetch and call ``analyzer`` (the analysis steps of
:mod:`analyzer.pipeline`, the same the command line runs); they shape nothing
themselves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer import pipeline
from dashboards.state import open_library

_SMALL = 64  # entries for cheap per-athlete reads
_HEAVY = 16  # entries for analysis results


def content_version(path: str) -> object:
    """The library's current content version (not cached: it is the cache key)."""
    with open_library(path) as library:
        return library.content_version()


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def athletes(path: str, version: object) -> pd.DataFrame:
    """The canonical ``athletes`` table of the library."""
    with open_library(path) as library:
        return library.athletes()


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def table(path: str, version: object, name: str, athlete_id: str) -> pd.DataFrame:
    """One athlete's rows of a library table (``activities``, ``sleep``, ``wellness``,
    ``cramps`` or ``medications``), read with the library method of that name."""
    with open_library(path) as library:
        return getattr(library, name)(athlete_id)


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def imports(path: str, version: object) -> pd.DataFrame:
    """The library's ``imports`` table: every file it has been given."""
    with open_library(path) as library:
        return library.imports()


@st.cache_data(max_entries=_SMALL, show_spinner="Reading the session's streams…")
def samples(path: str, version: object, activity_id: str) -> pd.DataFrame:
    """The 1 Hz streams of one session."""
    with open_library(path) as library:
        return library.samples(activity_id)


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def date_span(path: str, version: object, athlete_id: str) -> tuple:
    """First and last local date with data of the athlete (:func:`analyzer.pipeline.date_span`)."""
    with open_library(path) as library:
        return pipeline.date_span(library, athlete_id)


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def athlete(path: str, version: object, athlete_id: str) -> dict:
    """One athlete's row (physiology, time zone) as a plain dict."""
    with open_library(path) as library:
        return dict(library.athlete(athlete_id))


@st.cache_data(max_entries=_HEAVY, show_spinner="Computing session metrics…")
def sessions(path: str, version: object, athlete_id: str, params) -> pd.DataFrame:
    """Per-session indicators of one athlete (:func:`analyzer.pipeline.session_table`)."""
    with open_library(path) as library:
        return pipeline.session_table(library, athlete_id, params)


@st.cache_data(max_entries=_HEAVY, show_spinner="Computing daily indicators…")
def daily(path: str, version: object, athlete_id: str, params) -> pd.DataFrame:
    """The daily indicator table of one athlete (:func:`analyzer.pipeline.daily_table`)."""
    per_session = sessions(path, version, athlete_id, params)
    with open_library(path) as library:
        return pipeline.daily_table(library, athlete_id, per_session, params)


@st.cache_data(max_entries=_HEAVY, show_spinner="Comparing cramp days with ordinary days…")
def findings(path: str, version: object, athlete_id: str, params, findings_params=None):
    """What lines up with one athlete's cramps (:func:`analyzer.pipeline.athlete_findings`)."""
    days = daily(path, version, athlete_id, params)
    per_session = sessions(path, version, athlete_id, params)
    with open_library(path) as library:
        return pipeline.athlete_findings(library, athlete_id, days, findings_params, per_session)


@st.cache_data(max_entries=4, show_spinner="Analysing the squad…")
def squad(path: str, version: object, params, findings_params=None):
    """Every athlete analysed, then pooled (:func:`analyzer.pipeline.squad_findings`)."""
    roster = athletes(path, version)
    dailies = {a: daily(path, version, a, params) for a in roster["athlete_id"]}
    per_session = {a: sessions(path, version, a, params) for a in roster["athlete_id"]}
    with open_library(path) as library:
        return pipeline.squad_findings(library, dailies, findings_params, per_session)


@st.cache_data(max_entries=_HEAVY, show_spinner="Writing the report…")
def report_document(
    path: str, version: object, athlete_id: str, params, findings_params=None
) -> dict:
    """The athlete's report as a JSON-ready dict (:func:`analyzer.pipeline.report_document`)."""
    result = findings(path, version, athlete_id, params, findings_params)
    days = daily(path, version, athlete_id, params)
    with open_library(path) as library:
        return pipeline.report_document(library, athlete_id, days, result)
