"""Settings: athlete physiology and the disputed conventions."""

from dataclasses import fields

import streamlit as st

from dashboards import conventions, ui
from dashboards.settings_forms import conventions_form, physiology_form

ctx = ui.context()
st.title("Settings")

st.header("Athlete physiology")
if ui.require_athlete(ctx):
    physiology_form(ctx)

st.header("Conventions")
st.markdown(
    "Sports-science papers disagree on several small choices. Each is a named setting here, with the "
    "documented default; results say which were used. Changes apply to this browser session."
)
params = conventions.current_params()
if params is None:
    ui.not_available("Indicator conventions", "analyzer.indicators.params.IndicatorParams")
else:
    conventions_form(params)
    with st.expander("All indicator parameters in use"):
        st.dataframe(
            {
                "parameter": [f.name for f in fields(params)],
                "value": [str(getattr(params, f.name)) for f in fields(params)],
            },
            hide_index=True,
            key="all_params",
        )
