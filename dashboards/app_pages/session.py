"""Session: the streams of one session with the cramp marked, and the cramp's in-session context."""

import pandas as pd
import streamlit as st

from analyzer.figures import session_streams, streams_table
from analyzer.figures.insession import context_bars, context_table
from analyzer.figures.session import session_labels
from analyzer.indicators.plausible import plausible_samples
from dashboards import conventions, data, ui

ctx = ui.context()
st.title("Session")
if not ui.require_athlete(ctx):
    st.stop()

timezone = data.athlete(ctx.path, ctx.version, ctx.athlete_id).get("timezone") or "UTC"
ui.data_notes(data.daily(ctx.path, ctx.version, ctx.athlete_id, conventions.current_params()))
activities = data.table(ctx.path, ctx.version, "activities", ctx.athlete_id)
cramps = data.table(ctx.path, ctx.version, "cramps", ctx.athlete_id)
if activities.empty:
    st.write("This athlete has no recorded sessions yet. Import FIT files on the Import page.")
    st.stop()

with_cramp = set(cramps["activity_id"].dropna())
wanted = st.session_state.pop(
    "session_cramp", None
)  # set by "Open in Session view" on the Cramps page
wanted_activity = cramps.loc[cramps["cramp_id"] == wanted, "activity_id"].dropna()
only_cramps = st.toggle(
    "Only sessions with a cramp", value=bool(with_cramp), key="only_cramp_sessions"
)
listed = (
    activities.loc[activities["activity_id"].isin(with_cramp)]
    if only_cramps and with_cramp
    else activities
)
listed = listed.sort_values("start_utc", ascending=False)
labels = session_labels(listed, timezone, with_cramp)
ids = list(labels)
if len(wanted_activity) and wanted_activity.iloc[0] in labels:
    st.session_state["session_pick"] = wanted_activity.iloc[0]
activity_id = st.selectbox("Session", ids, format_func=labels.get, key="session_pick")

cleaned = plausible_samples(data.samples(ctx.path, ctx.version, activity_id))
samples = cleaned.samples
session_cramps = cramps.loc[cramps["activity_id"] == activity_id]
start = listed.loc[listed["activity_id"] == activity_id, "start_utc"].iloc[0]
ui.chart_with_table(
    session_streams(samples, session_cramps, start_utc=pd.Timestamp(start)),
    streams_table(samples),
    key="streams",
    caption="Streams every 10 s",
)
if cleaned.note():
    st.caption(ui.literal(cleaned.note()))

st.header("The cramp in its session")
params = conventions.current_params()
if session_cramps.empty:
    st.write("No cramp is linked to this session.")
else:
    in_session = data.findings(ctx.path, ctx.version, ctx.athlete_id, params).in_session
    rows = in_session.loc[in_session["activity_id"] == activity_id]
    if rows.empty:
        st.write(
            "The cramps of this session were not logged as exercise cramps, so no in-session "
            "context is computed for them."
        )
    for _, row in rows.iterrows():
        st.markdown(ui.literal(row["sentence"]))
        ui.chart_with_table(
            context_bars(row),
            context_table(row),
            key=f"context_{row['cramp_id']}",
            caption="In-session context",
        )
