"""Overview: one timeline of load, form, sleep and recovery with every cramp marked."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Overview")
ui.demo_notice(ctx)
if ui.require_athlete(ctx):
    ui.not_available("The daily timeline", "analyzer.indicators.daily_table")
