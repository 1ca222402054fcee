"""Session: the streams of one session with the cramp marked."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Session")
if ui.require_athlete(ctx):
    ui.not_available("Session streams", "analyzer.store.Library.samples")
