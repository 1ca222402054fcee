"""Overview: one timeline of load, form, sleep and recovery with every cramp marked."""

import streamlit as st

from analyzer.figures import cramp_table, daily_timeline, timeline_table
from dashboards import conventions, data, ui

ctx = ui.context()
st.title("Overview")
ui.demo_notice(ctx)
params = conventions.current_params()
if ui.require_athlete(ctx):
    days = data.daily(ctx.path, ctx.version, ctx.athlete_id, params)
    ui.data_notes(days)
    cramps = data.table(ctx.path, ctx.version, "cramps", ctx.athlete_id)
    timezone = data.athlete(ctx.path, ctx.version, ctx.athlete_id).get("timezone") or "UTC"
    sessions = data.table(ctx.path, ctx.version, "activities", ctx.athlete_id)
    shown = cramp_table(cramps, timezone, ctx.start, ctx.end, sessions=sessions)
    in_range = timeline_table(days, ctx.start, ctx.end)

    col1, col2, col3 = st.columns(3)
    col1.metric("Cramps in range", len(shown))
    col2.metric("Days in range", len(in_range))
    col3.metric("Time zone", timezone)

    figure = daily_timeline(
        days,
        cramps,
        timezone=timezone,
        start=ctx.start,
        end=ctx.end,
        acwr_column=conventions.acwr_variant(),
    )
    st.caption(
        "Cramps on top: colour = muscle, shape = context (▲ exercise, ◆ after exercise, ● night, "
        "■ rest), size = severity; hover for details. Grey bands: ACWR 0.8-1.3 and each personal "
        "baseline ± 1 SD. Load is in the units of the session load used (TSS, hrTSS, TRIMP or "
        "sRPE)."
    )
    ui.chart_with_table(figure, in_range, key="timeline", caption="Daily numbers")
    st.subheader("Cramps in this range")
    st.dataframe(shown, hide_index=True, key="overview_cramps", width="stretch")
