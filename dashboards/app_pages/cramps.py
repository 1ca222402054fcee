"""Cramps: what lines up with them, with honest uncertainty."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Cramps")
if ui.require_athlete(ctx):
    ui.not_available("Findings", "analyzer.findings.analyze_athlete")
