"""Plotly figure builders for the dashboard and the report.

Pure functions of DataFrames that return a ``plotly.graph_objects.Figure``:
no Streamlit, no library access, testable alone. Every axis carries its unit,
colours come from the Okabe-Ito palette (readable with the common forms of
colour blindness), and any text that came from a user's files or logs is
escaped before it reaches plotly's hover labels.
"""

from analyzer.figures.palette import CONTEXT_SYMBOLS, OKABE_ITO, muscle_colour
from analyzer.figures.timeline import daily_timeline, timeline_table

__all__ = [
    "CONTEXT_SYMBOLS",
    "OKABE_ITO",
    "daily_timeline",
    "muscle_colour",
    "timeline_table",
]
