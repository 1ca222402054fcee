"""Settings: athlete physiology and the disputed conventions."""

import streamlit as st

from analyzer.parameters import describe
from dashboards import conventions, ui
from dashboards.settings_forms import conventions_form, physiology_form

ctx = ui.context()
st.title("Settings")

st.header("Athlete physiology")
if ui.require_athlete(ctx):
    physiology_form(ctx)

st.header("Conventions")
st.markdown(
    "Sports-science papers disagree on several small choices. Each is a named setting here, "
    "with the documented default; results say which were used. Changes apply to this browser "
    "session."
)
params = conventions.current_params()
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
