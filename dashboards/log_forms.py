"""Forms of the Log page: a cramp, a medication and a day of the daily log, saved at once."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analyzer.errors import AnalyzerError
from analyzer.figures.journal import ITEM_LABELS
from analyzer.io.localtime import localize
from analyzer.limits import (
    ALCOHOL,
    CAFFEINE,
    CRAMP_DURATION,
    CRAMP_SEVERITY,
    FLUID,
    STRETCHING,
    Limit,
)
from analyzer.schema import CONTEXTS, MEDICATION_KINDS, MUSCLES, RELIEFS, SIDES
from dashboards import ui
from dashboards.state import open_library

CONTEXT_LABELS = {
    "exercise": "during exercise",
    "after_exercise": "after exercise",
    "night": "at night (in bed)",
    "rest": "at rest (daytime)",
}


def local_to_utc(day: dt.date, time: dt.time, timezone: str) -> pd.Timestamp:
    """The UTC instant of a local date and time in ``timezone``.

    Raises
    ------
    ValueError
        When the local time falls in a daylight-saving gap (never happened) or
        overlap (happened twice): the user must say which, nothing is shifted.
    """
    naive = pd.Series([pd.Timestamp(dt.datetime.combine(day, time))])
    utc, in_gap, in_overlap = localize(naive, timezone)
    if in_gap[0]:
        raise ValueError(
            f"{day} {time:%H:%M} does not exist in {timezone}: clocks jumped forward then"
        )
    if in_overlap[0]:
        raise ValueError(
            f"{day} {time:%H:%M} happened twice in {timezone} (clocks went back): pick a time "
            "a little before or after, or enter it in UTC"
        )
    return utc.iloc[0]


def _optional(value):
    return None if value in ("", "–") else value


def cramp_form(path: str, athlete_id: str, timezone: str) -> str | None:
    """Draw the cramp form; on submit save the cramp and return its id."""
    with st.form(key="log_cramp", clear_on_submit=False):
        left, right = st.columns(2)
        day = left.date_input("Date (local)", value=dt.date.today(), key="cramp_date")
        time = right.time_input("Time (local)", value=dt.time(7, 0), step=300, key="cramp_time")
        muscle = left.selectbox("Muscle", MUSCLES, key="cramp_muscle")
        side = right.selectbox("Side", ["–", *SIDES], key="cramp_side")
        context = left.selectbox(
            "When", CONTEXTS, format_func=CONTEXT_LABELS.get, key="cramp_context"
        )
        relief = right.selectbox("What relieved it", ["–", *RELIEFS], key="cramp_relief")
        severity = left.slider(
            "Severity [0 = barely, 10 = worst imaginable]",
            int(CRAMP_SEVERITY.low),
            int(CRAMP_SEVERITY.high),
            5,
            key="cramp_severity",
        )
        duration = right.number_input(
            "Duration [s]",
            min_value=int(CRAMP_DURATION.form_min),
            max_value=int(CRAMP_DURATION.high),
            value=60,
            step=int(CRAMP_DURATION.step),
            key="cramp_duration_s",
            help=CRAMP_DURATION.expected,
        )
        notes = st.text_area("Notes", key="cramp_notes", max_chars=2000)
        submitted = st.form_submit_button("Save cramp", type="primary")
    if not submitted:
        return None
    try:
        start_utc = local_to_utc(day, time, timezone)
        with open_library(path) as library:
            return library.add_cramp(
                athlete_id,
                start_utc,
                muscle,
                side=_optional(side),
                severity_0_10=float(severity),
                duration_s=float(duration),
                context=context,
                relief=_optional(relief),
                notes=notes.strip() or None,
            )
    except (AnalyzerError, ValueError) as exc:
        ui.error(exc)
        return None


def medication_form(path: str, athlete_id: str) -> bool:
    """Draw the medication form; on submit save the course and return True."""
    with st.form(key="log_medication"):
        name = st.text_input("Name of the medication or supplement", key="med_name", max_chars=200)
        left, mid, right = st.columns(3)
        kind = left.selectbox("Kind", MEDICATION_KINDS, key="med_kind")
        start = mid.date_input("Started", value=dt.date.today(), key="med_start")
        ongoing = right.checkbox("Still taking it", value=True, key="med_ongoing")
        end = right.date_input("Stopped", value=dt.date.today(), key="med_end", disabled=ongoing)
        notes = st.text_area("Notes (dose, reason)", key="med_notes", max_chars=2000)
        submitted = st.form_submit_button("Save medication", type="primary")
    if not submitted:
        return False
    try:
        with open_library(path) as library:
            library.add_medication(
                athlete_id,
                name,
                kind=kind,
                start_date=start,
                end_date=None if ongoing else end,
                notes=notes.strip() or None,
            )
    except AnalyzerError as exc:
        ui.error(exc)
        return False
    return True


#: The three answers of a yes/no item; "not logged" is saved as missing, never as "no".
ANSWERS = {"not logged": None, "yes": True, "no": False}
_YES_NO_HELP = {
    "hydrated": "Did you drink enough, in your own judgement?",
    "electrolytes": "Salt tablets, a sports drink or an electrolyte mix.",
    "alcohol": "Any alcoholic drink (or count them below).",
    "caffeine": "Any coffee, tea, energy drink... (or give the milligrams below).",
    "massage": "A massage that day.",
    "ill": "Feeling sick or ill.",
}
_AMOUNTS = (FLUID, ALCOHOL, CAFFEINE, STRETCHING)


def _three_state(column, item: str) -> bool | None:
    answer = column.radio(
        ITEM_LABELS[item],
        list(ANSWERS),
        horizontal=True,
        key=f"day_{item}",
        help=_YES_NO_HELP[item],
    )
    return ANSWERS[answer]


def _amount(column, limit: Limit) -> float | None:
    return column.number_input(
        ITEM_LABELS[limit.column],
        min_value=float(limit.low),
        max_value=float(limit.high),
        value=None,
        step=float(limit.step),
        key=f"day_{limit.column}",
        help=f"{limit.expected}; leave empty when not logged",
        placeholder="not logged",
    )


def daily_log_form(path: str, athlete_id: str, known_tags: list[str]) -> bool:
    """Draw the daily-log form; on submit save the day and return True.

    Every item starts as "not logged"; only what is answered is saved, and an
    item left "not logged" keeps what the day already holds.
    """
    with st.form(key="log_day"):
        day = st.date_input("Day (local)", value=dt.date.today(), key="day_date")
        left, right = st.columns(2)
        entry: dict = {"date": day}
        for i, item in enumerate(_YES_NO_HELP):
            entry[item] = _three_state(left if i % 2 == 0 else right, item)
        left, right = st.columns(2)
        for i, limit in enumerate(_AMOUNTS):
            entry[limit.column] = _amount(left if i % 2 == 0 else right, limit)
        tags = {
            tag: ANSWERS[st.radio(tag, list(ANSWERS), horizontal=True, key=f"day_tag_{tag}")]
            for tag in known_tags
        }
        left, right = st.columns([2, 1])
        new_tag = left.text_input(
            "Another yes/no item of your own (name)", key="day_new_tag", max_chars=200
        ).strip()
        new_answer = right.radio("Answer", ["yes", "no"], horizontal=True, key="day_new_answer")
        entry["notes"] = st.text_area("Notes", key="day_notes", max_chars=2000).strip() or None
        submitted = st.form_submit_button("Save day", type="primary")
    if not submitted:
        return False
    if new_tag:
        tags[new_tag] = ANSWERS[new_answer]
    try:
        with open_library(path) as library:
            library.add_daily_log(athlete_id, entry, tags)
    except AnalyzerError as exc:
        ui.error(exc)
        return False
    return True
