"""Report: download the report (HTML and Markdown) and the data."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Report")
if ui.require_athlete(ctx):
    ui.not_available("The report", "the findings report")
