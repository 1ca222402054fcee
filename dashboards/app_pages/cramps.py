"""Cramps: what lines up with them, with honest uncertainty."""

import streamlit as st

from analyzer.figures import cramp_table, findings_table, forest_plot
from analyzer.figures.epochs import epoch_panels, epochs_display_table, lag_heatmap
from analyzer.figures.timeline import local_cramp_times
from analyzer.findings.epoch_family import excursion_clauses
from dashboards import conventions, data, ui
from dashboards.medication_notes import medication_section

ctx = ui.context()
st.title("Cramps")
st.caption(
    "Each cramp is compared with the same athlete's ordinary days (case-crossover, "
    "time-stratified referents). These are associations, not causes; rows with few events are "
    "marked descriptive only."
)
params = conventions.current_params()
if not ui.require_athlete(ctx):
    st.stop()

result = data.findings(ctx.path, ctx.version, ctx.athlete_id, params)
st.markdown("**" + ui.literal(result.summary) + "**")
ui.data_notes(data.daily(ctx.path, ctx.version, ctx.athlete_id, params))
for note in result.notes:
    st.info(ui.literal(note))
counts = st.columns(3)
counts[0].metric("Exercise-associated cramps", result.n_cramps.get("exercise", 0))
counts[1].metric("Nocturnal cramps", result.n_cramps.get("nocturnal", 0))
counts[2].metric("Other cramps", result.n_cramps.get("other", 0))

st.header("What lines up with the cramps")
ranked = result.findings
if ranked.empty:
    st.write("No comparison is possible yet: log cramps and import device data first.")
else:
    ui.chart_with_table(
        forest_plot(ranked), findings_table(ranked), key="forest", caption="Findings table"
    )
    st.subheader("In words")
    for sentence in ranked["sentence"].dropna().head(8):
        st.markdown("- " + ui.literal(sentence))
with st.expander("Method and parameters"):
    st.markdown(ui.literal(result.method))
    st.json(result.conventions, expanded=False)

st.header("Around the cramps")
types = [t for t in ("exercise", "nocturnal") if t in set(result.epochs.get("cramp_type", []))]
if not types:
    st.write("No cramps with enough daily data around them to average.")
else:
    cramp_type = st.radio("Cramps", types, horizontal=True, key="epoch_type")
    n_curves = int(result.epochs["n_curves"].iloc[0])
    st.caption(
        "Average of each daily indicator from 14 days before to 2 days after the cramps. Grey "
        "band: where the average falls when each cramp is moved to another day it could have "
        "fallen on (same season; a training day for an exercise cramp), pointwise 95%; dashed: "
        f"the band for looking at all {n_curves} curves and every day at once (family-wise "
        "95%). Only an average outside the dashed band before the cramps is a finding; one "
        "outside the grey band only is exploratory; grey-shaded days come after the cramp and "
        "may show its consequences (a cramp shortens the night it wakes you from)."
    )
    for clause in excursion_clauses(result.epochs, most=10):
        st.markdown("- Finding: " + ui.literal(clause))
    ui.chart_with_table(
        epoch_panels(result.epochs, cramp_type),
        epochs_display_table(result.epochs, cramp_type),
        key="epochs",
        caption="Event-triggered averages",
    )
    st.subheader("Exposure by lag")
    st.caption(
        "How far each indicator's average sits from its null on each day; beyond ±1 it leaves "
        "the family-wise band."
    )
    ui.chart_with_table(
        lag_heatmap(result.epochs, cramp_type),
        epochs_display_table(result.epochs, cramp_type),
        key="lag_heatmap",
        caption="Event-triggered averages",
    )

if not result.rate_ratios.empty:
    st.header("While taking each medication")
    st.caption(
        "Cramp rate while taking it against off it in the same calendar months of any year, "
        "so that the season is not taken for the medication: exercise cramps per training day, "
        "nocturnal cramps per night with data. Months entirely on or off it, or without a "
        "cramp, tell nothing; when no month is left the row says it cannot be compared."
    )
    st.dataframe(result.rate_ratios, hide_index=True, key="rate_ratios")
if not result.relief.empty:
    st.header("What relieved them")
    st.dataframe(result.relief, hide_index=True, key="relief")

st.header("Medications")
st.caption(
    "Each logged medication with its drug class; for a class reported with cramps, what was "
    "reported and where."
)
medication_section(
    data.table(ctx.path, ctx.version, "medications", ctx.athlete_id), key="cramps_medications"
)

st.header("Every cramp")
timezone = data.athlete(ctx.path, ctx.version, ctx.athlete_id).get("timezone") or "UTC"
cramps = data.table(ctx.path, ctx.version, "cramps", ctx.athlete_id)
sessions = data.table(ctx.path, ctx.version, "activities", ctx.athlete_id)
st.dataframe(
    cramp_table(cramps, timezone, sessions=sessions),
    hide_index=True,
    key="cramp_list",
    width="stretch",
)
linked = (
    cramps.loc[cramps["activity_id"].notna()]
    if "activity_id" in cramps.columns
    else cramps.iloc[0:0]
)
if linked.empty:
    st.caption("No cramp is linked to a recorded session.")
else:
    local = local_cramp_times(linked, timezone)
    labels = {
        cid: f"{when:%Y-%m-%d %H:%M} — {muscle or '?'}"
        for cid, when, muscle in zip(linked["cramp_id"], local, linked["muscle"])
    }
    chosen = st.selectbox(
        "Open a cramp in the Session view", list(labels), format_func=labels.get, key="open_cramp"
    )
    if st.button("Open in Session view", key="open_session"):
        st.session_state["session_cramp"] = chosen
        st.switch_page("app_pages/session.py")
