"""Settings: athlete physiology and the disputed conventions."""

import streamlit as st

from analyzer.parameters import describe
from dashboards import conventions, data, ui
from dashboards.settings_forms import conventions_form, physiology_form, settings_table

ctx = ui.context()
st.title("Settings")

st.header("Athlete physiology")
params = conventions.current_params()
if ui.require_athlete(ctx):
    days = data.daily(ctx.path, ctx.version, ctx.athlete_id, params)
    settings = days.attrs.get("athlete_settings", {})
    st.markdown(
        "Values you leave empty are estimated from your own data each time it changes (or "
        "take a documented default); a value you enter always wins. In use now:"
    )
    st.dataframe(settings_table(settings), hide_index=True, key="settings_in_use")
    ui.data_notes(days)
    physiology_form(ctx, settings)

st.header("Conventions")
st.markdown(
    "Sports-science papers disagree on several small choices. Each is a named setting here, "
    "with the documented default; results say which were used. Changes apply to this browser "
    "session."
)
conventions_form(params)
with st.expander("All indicator parameters in use"):
    st.dataframe(
        {
            "parameter": [info.label for info in describe(params)],
            "value": [info.value_text() for info in describe(params)],
            "what it does": [info.help for info in describe(params)],
            "name (features --set)": [info.name for info in describe(params)],
        },
        hide_index=True,
        key="all_params",
    )
