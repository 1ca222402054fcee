"""One athlete's analysis, step by step, from an open library to the report.

Every caller runs the same steps in the same order, so that the command line
and the dashboard cannot drift apart::

    athlete profile -> session table -> daily table -> findings -> report document

* :func:`athlete_profile` -- the athlete's row as stored (physiology, time zone,
  sleep need), and :func:`athlete_settings` -- each value with its source, set by
  the athlete or else estimated from their data or a default;
* :func:`session_table` -- per-session indicators
  (:func:`analyzer.indicators.sessions_table`);
* :func:`daily_table` -- the daily indicator table
  (:func:`analyzer.indicators.daily_table`);
* :func:`athlete_findings` -- what lines up with the cramps
  (:func:`analyzer.findings.analyze_athlete`);
* :func:`report_document` -- the JSON-ready report
  (:func:`analyzer.findings.report.report_document`);
* :func:`squad_findings` -- every athlete analysed, then pooled
  (:func:`analyzer.findings.analyze_squad`), and :func:`roster_flags` -- each
  athlete's last four weeks, flagged with the findings' own thresholds.

Each step takes what the step before returned, so a caller that keeps results
(the dashboard caches each step) recomputes only what a change invalidates;
:func:`analyse_athlete` runs them all at once. The library is only read; the
indicator conventions (:class:`~analyzer.indicators.IndicatorParams`) and the
findings' parameters (:class:`~analyzer.findings.FindingsParams`) are explicit
arguments, defaulting to the documented defaults, and travel with the results
(``attrs["indicator_params"]`` of the tables, ``conventions`` of the findings).

Examples
--------
>>> from analyzer.store import Library                          # doctest: +SKIP
>>> with Library("library.sqlite") as lib:                      # doctest: +SKIP
...     result = analyse_athlete(lib, "anna")
...     result.daily[["date", "load", "ctl"]].tail()
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analyzer import indicators
from analyzer.indicators import IndicatorParams
from analyzer.indicators.athlete_settings import AthleteSettings, needs_data, resolve_settings
from analyzer.indicators.journal import with_journal
from analyzer.indicators.missing import data_notes
from analyzer.indicators.recent import recent_flags

if TYPE_CHECKING:
    from analyzer.findings import AthleteFindings, FindingsParams, SquadFindings


def sleep_need_h(athlete: Mapping) -> float | None:
    """The athlete's own sleep need [h], or ``None`` when it is not set (or not a number).

    The findings' short-sleep threshold uses it only when set; the indicators'
    sleep debt falls back to ``IndicatorParams.sleep_need_h``.
    """
    value = athlete.get("sleep_need_h")
    try:
        need = float(value)
    except (TypeError, ValueError):
        return None
    return need if math.isfinite(need) and need > 0 else None


def athlete_profile(library, athlete_id: str) -> dict:
    """The athlete's row (physiology, ``timezone``, ``sleep_need_h``) as the analysis uses it.

    Raises
    ------
    analyzer.errors.LibraryError
        If the library holds no such athlete.
    """
    return dict(library.athlete(athlete_id))


def athlete_settings(
    library,
    athlete_id: str,
    params: IndicatorParams | None = None,
    activities: pd.DataFrame | None = None,
    samples=None,
) -> AthleteSettings:
    """The athlete's settings, each with its source: set by you > estimated > default.

    Values the athlete left empty are estimated from their sessions and daily resting heart
    rate (:func:`analyzer.indicators.athlete_settings.resolve_settings`) every time, so new
    imports refine them; nothing is read when every estimable value is set.

    Parameters
    ----------
    activities, samples : optional
        The athlete's sessions and streams when the caller has read them already.
    """
    stored = athlete_profile(library, athlete_id)
    params = params or IndicatorParams()
    if not needs_data(stored):
        return resolve_settings(stored, params=params)
    if activities is None:
        activities = library.activities(athlete_id)
    if samples is None:
        samples = library.samples_for_athlete(athlete_id)
    return resolve_settings(stored, activities, samples, library.wellness(athlete_id), params)


def session_table(library, athlete_id: str, params: IndicatorParams | None = None) -> pd.DataFrame:
    """Per-session indicators of one athlete (:func:`analyzer.indicators.sessions_table`).

    The physiology is :func:`athlete_settings` (estimated where not set), recorded in
    ``attrs["athlete_settings"]``. The streams of every session are read at once, not one
    query per session.
    """
    params = params or IndicatorParams()
    activities = library.activities(athlete_id)
    streams = library.samples_for_athlete(athlete_id)
    settings = athlete_settings(library, athlete_id, params, activities, streams)
    table = indicators.sessions_table(activities, streams, settings.values(), params)
    table.attrs["athlete_settings"] = settings.as_dict()["settings"]
    return table


def daily_table(
    library, athlete_id: str, sessions: pd.DataFrame, params: IndicatorParams | None = None
) -> pd.DataFrame:
    """The daily indicator table of one athlete, with what the daily log holds.

    :func:`analyzer.indicators.daily_table`, then the daily log's columns
    (:func:`analyzer.indicators.journal.with_journal`).

    ``attrs`` carry the settings the sessions were computed with (``athlete_settings``) and
    what is missing or estimated, in words (``data_notes``,
    :func:`analyzer.indicators.missing.data_notes`).

    Parameters
    ----------
    library : analyzer.store.Library
    athlete_id : str
    sessions : pandas.DataFrame
        :func:`session_table` of the same athlete, computed with the same ``params``.
    params : IndicatorParams, optional
    """
    athlete = athlete_profile(library, athlete_id)
    daily = indicators.daily_table(
        sessions,
        library.sleep(athlete_id),
        library.wellness(athlete_id),
        athlete,
        params or IndicatorParams(),
    )
    daily = with_journal(daily, library.daily_log(athlete_id), library.daily_tags(athlete_id))
    settings = sessions.attrs.get("athlete_settings")
    if settings is None:
        settings = athlete_settings(library, athlete_id, params).as_dict()["settings"]
    daily.attrs["athlete_settings"] = settings
    daily.attrs["data_notes"] = data_notes(athlete_id, daily, settings, sessions)
    return daily


def cramps_with_offsets(library, athlete_id: str) -> pd.DataFrame:
    """The athlete's cramps with ``utc_offset_s``: the offset their linked session recorded.

    So that a cramp falls on the same local day as its session when the device
    recorded where the athlete was (a trip abroad); NaN for cramps without a
    session or a recorded offset, which then use the athlete's time zone
    (:mod:`analyzer.timebase`). Nocturnal cramps keep the ``night`` the
    library linked them to.
    """
    cramps = library.cramps(athlete_id)
    sessions = library.activities(athlete_id)
    offsets = pd.Series(
        sessions["utc_offset_s"].to_numpy(dtype="float64", na_value=np.nan),
        index=sessions["activity_id"],
    )
    return cramps.assign(utc_offset_s=cramps["activity_id"].map(offsets).astype("float64"))


def findings_inputs(
    library, athlete_id: str, daily: pd.DataFrame, sessions: pd.DataFrame | None = None
) -> dict:
    """The keyword arguments of :func:`analyzer.findings.analyze_athlete` for one athlete.

    ``samples_for`` reads from ``library``, so the analysis must run while it is open.
    ``sessions`` (:func:`session_table`) lets exercise cramps be compared through
    the session they happened in; without it they are compared through their day.
    """
    athlete = athlete_profile(library, athlete_id)
    return {
        "daily": daily,
        "cramps": cramps_with_offsets(library, athlete_id),
        "medications": library.medications(athlete_id),
        "samples_for": library.samples,
        "timezone": athlete.get("timezone") or "UTC",
        "sleep_need_h": sleep_need_h(athlete),
        "sessions": sessions,
    }


def athlete_findings(
    library,
    athlete_id: str,
    daily: pd.DataFrame,
    params: FindingsParams | None = None,
    sessions: pd.DataFrame | None = None,
) -> AthleteFindings:
    """What lines up with one athlete's cramps (:func:`analyzer.findings.analyze_athlete`)."""
    # Imported here: the findings load scipy.stats (about 0.7 s), which the daily
    # indicators (the dashboard's first page) do not need.
    from analyzer.findings import analyze_athlete

    return analyze_athlete(**findings_inputs(library, athlete_id, daily, sessions), params=params)


def report_document(
    library, athlete_id: str, daily: pd.DataFrame, findings: AthleteFindings
) -> dict:
    """The athlete's report as a JSON-ready dict (:func:`analyzer.findings.report.report_document`).

    ``daily`` and ``findings`` are the results of :func:`daily_table` and
    :func:`athlete_findings` for the same athlete.
    """
    from analyzer.findings.report import report_document as document

    return document(
        findings,
        athlete_profile(library, athlete_id),
        daily,
        library.medications(athlete_id),
    )


def squad_findings(
    library,
    dailies: Mapping[str, pd.DataFrame],
    params: FindingsParams | None = None,
    sessions: Mapping[str, pd.DataFrame] | None = None,
) -> SquadFindings:
    """Every athlete of ``dailies`` analysed, then pooled (:func:`analyzer.findings.analyze_squad`).

    Parameters
    ----------
    library : analyzer.store.Library
    dailies : mapping of athlete id to pandas.DataFrame
        Each athlete's :func:`daily_table`.
    params : FindingsParams, optional
    sessions : mapping of athlete id to pandas.DataFrame, optional
        Each athlete's :func:`session_table` (exercise cramps compared by session).
    """
    from analyzer.findings import analyze_squad

    sessions = sessions or {}
    inputs = {
        a: findings_inputs(library, a, daily, sessions.get(a)) for a, daily in dailies.items()
    }
    return analyze_squad(inputs, params)


def date_span(library, athlete_id: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last local date holding any data of the athlete: ``(None, None)`` without any.

    The library's rule (:meth:`analyzer.store.Library.date_span`), which the ``athletes``
    command and the import summary print too: session starts and cramps on their local day
    (with the offset the session recorded), nights on their wake-up date, wellness rows on
    their date (:mod:`analyzer.timebase`).
    """
    return library.date_span(athlete_id)


def flag_thresholds(params: FindingsParams | None = None) -> dict[str, float]:
    """The roster's thresholds for a high ACWR and a short night: the findings' own.

    So that the roster and the findings agree on what "high" and "short" mean
    (``FindingsParams.acwr_min`` and ``short_sleep_floor_h``).
    """
    from analyzer.findings import FindingsParams

    params = params or FindingsParams()
    return {"acwr_high": params.acwr_min, "short_sleep_h": params.short_sleep_floor_h}


def roster_flags(
    dailies: Mapping[str, pd.DataFrame], params: FindingsParams | None = None
) -> dict[str, dict]:
    """Each athlete's last four weeks (:func:`analyzer.indicators.recent.recent_flags`).

    Flags use :func:`flag_thresholds`.
    """
    thresholds = flag_thresholds(params)
    return {a: recent_flags(daily, **thresholds) for a, daily in dailies.items()}


@dataclass
class AthleteAnalysis:
    """Every step's result for one athlete (see :func:`analyse_athlete`)."""

    athlete: dict
    sessions: pd.DataFrame
    daily: pd.DataFrame
    findings: AthleteFindings
    report: dict


def analyse_athlete(
    library,
    athlete_id: str,
    indicator_params: IndicatorParams | None = None,
    findings_params: FindingsParams | None = None,
) -> AthleteAnalysis:
    """Run every step for one athlete of an open library."""
    sessions = session_table(library, athlete_id, indicator_params)
    daily = daily_table(library, athlete_id, sessions, indicator_params)
    findings = athlete_findings(library, athlete_id, daily, findings_params, sessions)
    report = report_document(library, athlete_id, daily, findings)
    return AthleteAnalysis(athlete_profile(library, athlete_id), sessions, daily, findings, report)


def daily_tables(
    library, athlete_ids: Iterable[str], params: IndicatorParams | None = None
) -> dict[str, pd.DataFrame]:
    """The daily table of each athlete (for the squad)."""
    return {
        a: daily_table(library, a, session_table(library, a, params), params) for a in athlete_ids
    }
