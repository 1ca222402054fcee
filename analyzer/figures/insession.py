"""The in-session context of one cramp: the last 10 minutes against the session before them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyzer.figures.palette import OKABE_ITO, say_nothing_to_draw

#: (before column, last-10-min column, title with unit) of each measure compared.
MEASURES = (
    ("heart_rate_before_bpm", "heart_rate_last10_bpm", "heart rate [bpm]"),
    ("power_before_w", "power_last10_w", "power [W]"),
    ("speed_before_mps", "speed_last10_mps", "speed [m/s]"),
)


def _finite(value) -> bool:
    return value is not None and not pd.isna(value) and np.isfinite(float(value))


def context_bars(context: pd.Series) -> go.Figure:
    """Bars of each measure in the session before the last 10 minutes and in those 10 minutes.

    Parameters
    ----------
    context : Series
        One row of ``AthleteFindings.in_session``
        (``analyzer.findings.insession.in_session_table``).
    """
    shown = [m for m in MEASURES if _finite(context.get(m[0])) and _finite(context.get(m[1]))]
    fig = make_subplots(rows=1, cols=max(1, len(shown)), subplot_titles=[m[2] for m in shown])
    for k, (before, last10, title) in enumerate(shown, start=1):
        fig.add_trace(
            go.Bar(
                x=["session before", "last 10 min"],
                y=[float(context[before]), float(context[last10])],
                marker_color=[OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]],
                marker_pattern_shape=["", "/"],
                showlegend=False,
                hovertemplate="%{x}: %{y:.1f}<extra></extra>",
            ),
            row=1,
            col=k,
        )
        fig.update_yaxes(title_text=title, row=1, col=k)
    if not shown:
        say_nothing_to_draw(fig, "No HR, power or speed around this cramp")
    fig.update_layout(height=280, margin=dict(l=60, r=20, t=40, b=30))
    return fig


#: Display names of the in-session context columns.
CONTEXT_COLUMNS = {
    "minutes_into_session": "into the session [min]",
    "fraction_of_session": "fraction of the session",
    "session_duration_min": "session duration [min]",
    "heart_rate_before_bpm": "HR before [bpm]",
    "heart_rate_last10_bpm": "HR last 10 min [bpm]",
    "power_before_w": "power before [W]",
    "power_last10_w": "power last 10 min [W]",
    "speed_before_mps": "speed before [m/s]",
    "speed_last10_mps": "speed last 10 min [m/s]",
    "decoupling_pct": "decoupling up to the cramp [%]",
    "temperature_last10_c": "temperature last 10 min [°C]",
    "work_kj": "work so far [kJ]",
    "distance_m": "distance so far [m]",
}


def context_table(context: pd.Series) -> pd.DataFrame:
    """One cramp's in-session context as a two-column table (measure, value)."""
    rows = [
        (label, context.get(column))
        for column, label in CONTEXT_COLUMNS.items()
        if column in context.index
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])
