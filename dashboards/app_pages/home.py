"""Start page: what the app does and how to add your own data."""

import streamlit as st

st.title("Cramp pattern analyser")
st.markdown(
    "This app lines up your logged muscle cramps with what your trackers recorded "
    "before them: training load, unusually hard or long sessions, accumulated fatigue, "
    "sleep, resting heart rate and HRV. It shows **associations, not causes**, and says "
    "how sure it can be. If you think a medication may be causing cramps, talk to your doctor."
)
st.info(
    "To add your own data, import your tracker files (FIT, CSV or a whole export ZIP) "
    "and a cramp log with `cramp-analyzer import --athlete YOUR_NAME FILES...`."
)
