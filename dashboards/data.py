"""Cached reads from the library and cached analysis calls.

Every function is keyed on ``(library path, content_version)`` plus its own
arguments, so an import or a logged cramp (which changes the content version)
invalidates exactly what it must. Caches are bounded with ``max_entries``.
The functions only fetch and call ``analyzer``; they shape nothing themselves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

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
    """First and last local date holding any data of the athlete, or ``(None, None)``."""
    with open_library(path) as library:
        days = library.daily(athlete_id)
    if days.empty:
        return None, None
    dates = days["date"] if "date" in days.columns else days.index
    return min(dates), max(dates)


@st.cache_data(max_entries=_SMALL, show_spinner=False)
def athlete(path: str, version: object, athlete_id: str) -> dict:
    """One athlete's row (physiology, time zone) as a plain dict."""
    with open_library(path) as library:
        return dict(library.athlete(athlete_id))


@st.cache_data(max_entries=_HEAVY, show_spinner="Computing session metrics…")
def sessions(path: str, version: object, athlete_id: str, params) -> pd.DataFrame:
    """Per-session indicators (``analyzer.indicators.sessions_table``) of one athlete."""
    from analyzer.indicators import sessions_table

    with open_library(path) as library:
        row = library.athlete(athlete_id)
        activities = library.activities(athlete_id)
        streams = library.samples_for_athlete(athlete_id)  # one read, not one per session
    return sessions_table(activities, streams, row, params)


@st.cache_data(max_entries=_HEAVY, show_spinner="Computing daily indicators…")
def daily(path: str, version: object, athlete_id: str, params) -> pd.DataFrame:
    """The daily indicator table (``analyzer.indicators.daily_table``) of one athlete."""
    from analyzer.indicators import daily_table

    per_session = sessions(path, version, athlete_id, params)
    with open_library(path) as library:
        row = library.athlete(athlete_id)
        nights = library.sleep(athlete_id)
        days = library.wellness(athlete_id)
    return daily_table(per_session, nights, days, row, params)


def _analysis_inputs(library, athlete_id: str, daily_table: pd.DataFrame) -> dict:
    """The arguments of ``analyze_athlete`` for one athlete, read from an open library."""
    row = library.athlete(athlete_id)
    return {
        "daily": daily_table,
        "cramps": library.cramps(athlete_id),
        "medications": library.medications(athlete_id),
        "samples_for": library.samples,
        "timezone": row.get("timezone") or "UTC",
        "sleep_need_h": row.get("sleep_need_h"),
    }


@st.cache_data(max_entries=_HEAVY, show_spinner="Comparing cramp days with ordinary days…")
def findings(path: str, version: object, athlete_id: str, params):
    """``analyzer.findings.analyze_athlete`` on one athlete (an ``AthleteFindings``)."""
    from analyzer.findings import analyze_athlete

    days = daily(path, version, athlete_id, params)
    with open_library(path) as library:
        return analyze_athlete(**_analysis_inputs(library, athlete_id, days))


@st.cache_data(max_entries=4, show_spinner="Analysing the squad…")
def squad(path: str, version: object, params):
    """``analyzer.findings.analyze_squad`` over every athlete of the library."""
    from analyzer.findings import analyze_squad

    roster = athletes(path, version)
    dailies = {a: daily(path, version, a, params) for a in roster["athlete_id"]}
    with open_library(path) as library:
        inputs = {a: _analysis_inputs(library, a, dailies[a]) for a in roster["athlete_id"]}
        return analyze_squad(inputs)


@st.cache_data(max_entries=_HEAVY, show_spinner="Writing the report…")
def report_document(path: str, version: object, athlete_id: str, params) -> dict:
    """``analyzer.findings.report.report_document`` for one athlete (JSON-ready dict)."""
    from analyzer.findings.report import report_document as build

    result = findings(path, version, athlete_id, params)
    days = daily(path, version, athlete_id, params)
    with open_library(path) as library:
        return build(result, library.athlete(athlete_id), days, library.medications(athlete_id))
