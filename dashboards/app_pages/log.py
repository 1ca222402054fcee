"""Log: record a cramp, a medication or a day of the daily log, saved to the library at once."""

import streamlit as st

from analyzer.figures import cramp_table
from analyzer.figures.journal import daily_log_table
from analyzer.indicators.journal import journal_days
from dashboards import data, ui
from dashboards.log_forms import cramp_form, daily_log_form, medication_form
from dashboards.medication_notes import medication_section

_SAVED_KEY = "log_saved"

ctx = ui.context()
st.title("Log a cramp, a medication or your day")
if ui.require_athlete(ctx):
    timezone = data.athlete(ctx.path, ctx.version, ctx.athlete_id).get("timezone") or "UTC"
    saved = st.session_state.pop(_SAVED_KEY, None)
    if saved:
        st.success(saved)
        st.page_link(
            "app_pages/overview.py", label="See it on the Overview", icon=":material/timeline:"
        )

    cramp_tab, medication_tab, day_tab = st.tabs(["Cramp", "Medication", "Daily log"])
    with cramp_tab:
        st.caption(f"Times are local to the athlete's time zone, {timezone}.")
        if cramp_form(ctx.path, ctx.athlete_id, timezone):
            st.session_state[_SAVED_KEY] = "Cramp saved to the library."
            st.rerun()
        st.subheader("Logged cramps")
        cramps = data.table(ctx.path, ctx.version, "cramps", ctx.athlete_id)
        sessions = data.table(ctx.path, ctx.version, "activities", ctx.athlete_id)
        st.dataframe(
            cramp_table(cramps, timezone, sessions=sessions),
            hide_index=True,
            key="log_cramps",
            width="stretch",
        )
    with medication_tab:
        st.caption(
            "If you think a medication may be causing cramps, talk to your doctor; the report "
            "includes this timeline for them."
        )
        if medication_form(ctx.path, ctx.athlete_id):
            st.session_state[_SAVED_KEY] = "Medication saved to the library."
            st.rerun()
        st.subheader("Medications and supplements")
        medication_section(
            data.table(ctx.path, ctx.version, "medications", ctx.athlete_id), key="log_medications"
        )
    with day_tab:
        st.caption(
            "Fluids, electrolytes, alcohol, caffeine, stretching, massage and illness, one day at "
            'a time. Leave an item "not logged" when you do not know: a day without an answer '
            'is left out of the comparisons, never counted as a "no". The same items can be '
            "imported from a daily-log CSV or a WHOOP journal on the Import page."
        )
        log = data.table(ctx.path, ctx.version, "daily_log", ctx.athlete_id)
        tags = data.table(ctx.path, ctx.version, "daily_tags", ctx.athlete_id)
        known = sorted(set(tags["tag"].dropna())) if len(tags) else []
        if daily_log_form(ctx.path, ctx.athlete_id, known):
            st.session_state[_SAVED_KEY] = "Day saved to the library."
            st.rerun()
        st.subheader("Logged days")
        st.metric("Days with any answer", len(journal_days(log)))
        st.dataframe(daily_log_table(log, tags), hide_index=True, key="log_days", width="stretch")
