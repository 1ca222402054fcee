"""Log: record a cramp or a medication, saved to the library at once."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Log a cramp or a medication")
if ui.require_athlete(ctx):
    ui.not_available("Logging", "analyzer.store.Library.add_cramp")
