"""Plotly figure builders for the dashboard and the report.

Pure functions of DataFrames that return a ``plotly.graph_objects.Figure``:
no Streamlit, no library access, testable alone. Every axis carries its unit,
colours come from the Okabe-Ito palette (readable with the common forms of
colour blindness), and any text that came from a user's files or logs is
escaped before it reaches plotly's hover labels.
"""

from analyzer.figures.findings import findings_table, forest_plot
from analyzer.figures.palette import CONTEXT_SYMBOLS, OKABE_ITO, muscle_colour
from analyzer.figures.session import session_streams, streams_table
from analyzer.figures.timeline import cramp_table, daily_timeline, timeline_table

__all__ = [
    "CONTEXT_SYMBOLS",
    "OKABE_ITO",
    "cramp_table",
    "daily_timeline",
    "findings_table",
    "forest_plot",
    "muscle_colour",
    "session_streams",
    "streams_table",
    "timeline_table",
]
