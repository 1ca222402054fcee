"""Import: upload tracker files, export ZIPs and logs into the library."""

import streamlit as st

from dashboards import ui

ctx = ui.context()
st.title("Import")
ui.not_available("Importing", "analyzer.store.Library.import_file")
