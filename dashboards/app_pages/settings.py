"""Settings: athlete physiology and the disputed conventions."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Settings")
if ui.require_athlete(ctx):
    ui.not_available("Physiology and conventions", "analyzer.indicators parameters")
