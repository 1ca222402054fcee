"""Team: the roster, athletes side by side, and the pooled squad findings."""

import streamlit as st

from analyzer.figures import findings_table, forest_plot
from analyzer.figures.team import roster_table, side_by_side, side_by_side_table
from dashboards import conventions, data, ui
from dashboards.sources import api

ctx = ui.context()
st.title("Team")
params = conventions.current_params()
if not ui.require_library(ctx):
    st.stop()
if ctx.athletes.empty:
    st.write("The library holds no athletes yet. Import files on the Import page.")
    st.stop()
if params is None:
    ui.not_available("The roster", "analyzer.indicators.daily_table")
    st.stop()

ids = ctx.athletes["athlete_id"].tolist()
names = dict(zip(ids, ctx.athletes["display_name"].fillna(ctx.athletes["athlete_id"])))
dailies = {a: data.daily(ctx.path, ctx.version, a, params) for a in ids}
findings_params = api("analyzer.findings", "FindingsParams")
squad = data.squad(ctx.path, ctx.version, params) if findings_params is not None else None
thresholds = {}
if findings_params is not None:
    fp = findings_params()
    thresholds = dict(
        acwr_high=fp.acwr_min,
        short_sleep_h=fp.short_sleep_floor_h,
        sleep_debt_high_h=fp.sleep_debt_7n_min_h,
    )

st.header("Roster")
st.caption(
    "Last 28 days of each athlete's data. Flags use the findings' own thresholds: ACWR above "
    f"{thresholds.get('acwr_high', 1.5):g}, nights under {thresholds.get('short_sleep_h', 6.0):g} h asleep. "
    "Coverage: days with any device data."
)
st.dataframe(
    roster_table(ctx.athletes, dailies, squad.summary if squad else None, **thresholds),
    hide_index=True,
    key="roster",
    width="stretch",
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
if squad is None:
    ui.not_available("Squad findings", "analyzer.findings.analyze_squad")
elif squad.findings.empty:
    st.write("No comparison is possible yet across the squad.")
else:
    st.caption(
        "Each cramp is still compared with its own athlete's ordinary days; the strata of every athlete "
        "are pooled into one common odds ratio per exposure (medications stay personal)."
    )
    ui.chart_with_table(
        forest_plot(squad.findings),
        findings_table(squad.findings),
        key="squad_forest",
        caption="Squad findings table",
    )
