"""Team: the roster, athletes side by side, and the pooled squad findings."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Team")
if ui.require_library(ctx):
    ui.not_available("The roster", "analyzer.indicators.daily_table")
