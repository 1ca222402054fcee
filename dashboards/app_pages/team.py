"""Team: the roster, athletes side by side, and the pooled squad findings."""

import streamlit as st

from analyzer import pipeline
from analyzer.figures import findings_table, forest_plot
from analyzer.figures.team import roster_table, side_by_side, side_by_side_table
from dashboards import conventions, data, ui

ctx = ui.context()
st.title("Team")
params = conventions.current_params()
if not ui.require_library(ctx):
    st.stop()
if ctx.athletes.empty:
    st.write("The library holds no athletes yet. Import files on the Import page.")
    st.stop()

ids = ctx.athletes["athlete_id"].tolist()
names = dict(zip(ids, ctx.athletes["display_name"].fillna(ctx.athletes["athlete_id"])))
dailies = {a: data.daily(ctx.path, ctx.version, a, params) for a in ids}
squad = data.squad(ctx.path, ctx.version, params)
thresholds = pipeline.flag_thresholds()

st.markdown("**" + ui.literal(squad.summary) + "**")

st.header("Roster")
st.caption(
    "Cramps and training hours cover all of each athlete's data (nocturnal cramps are not "
    "counted per training hour); load, flags and coverage the last 28 days. Flags use the "
    "findings' own thresholds: ACWR above "
    f"{thresholds['acwr_high']:g}, nights under {thresholds['short_sleep_h']:g} h asleep. "
    "Coverage: days with any device data."
)
st.dataframe(
    roster_table(ctx.athletes, pipeline.roster_flags(dailies), squad.roster),
    hide_index=True,
    key="roster",
    width="stretch",
)

missing = {a: d.attrs.get("data_notes", []) for a, d in dailies.items()}
if any(missing.values()):
    with st.expander("What is missing or estimated, athlete by athlete"):
        for a, notes in missing.items():
            if notes:
                st.markdown(
                    f"**{ui.literal(names.get(a, a))}**\n\n"
                    + "\n".join(f"- {ui.literal(n)}" for n in notes)
                )

st.header("Side by side")
chosen = st.multiselect(
    "Athletes", ids, default=ids[:4], format_func=lambda a: str(names.get(a, a)), key="team_compare"
)
shown = {a: dailies[a] for a in chosen}
ui.chart_with_table(
    side_by_side(shown, names),
    side_by_side_table(shown),
    key="side_by_side",
    caption="Weekly numbers",
)

st.header("Pooled squad findings")
if squad.findings.empty:
    st.write("No comparison is possible yet across the squad.")
else:
    st.caption(
        "Each cramp is still compared with its own athlete's ordinary days; the strata of every "
        "athlete are pooled into one common odds ratio per exposure (medications stay personal)."
    )
    ui.chart_with_table(
        forest_plot(squad.findings),
        findings_table(squad.findings),
        key="squad_forest",
        caption="Squad findings table",
    )
