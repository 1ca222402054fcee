"""Event-triggered averages around cramps, and the indicator-by-lag heat map."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyzer.figures.palette import OKABE_ITO, SERIES_COLOURS, plain, say_nothing_to_draw

PANEL_HEIGHT_PX = 210
#: Diverging scale from Okabe-Ito blue through white to vermillion (colour-blind safe).
DIVERGING = [[0.0, OKABE_ITO["blue"]], [0.5, "#FFFFFF"], [1.0, OKABE_ITO["vermillion"]]]


def _rows(epochs: pd.DataFrame, cramp_type: str) -> pd.DataFrame:
    return epochs.loc[epochs["cramp_type"] == cramp_type]


def _axis(kind: str, k: int) -> str:
    return kind if k == 1 else f"{kind}{k}"


def epoch_panels(epochs: pd.DataFrame, cramp_type: str, *, columns: int = 2) -> go.Figure:
    """One small panel per indicator: its average around the cramps against the null bands.

    Parameters
    ----------
    epochs : DataFrame
        ``AthleteFindings.epochs`` (``analyzer.findings.epoch_family.epochs_table``):
        ``indicator``, ``caption``, ``cramp_type``, ``lag_days``, ``mean``,
        ``null_mean``, ``pointwise_low/high``, ``familywise_low/high``, ``n_events``.
    cramp_type : str
        Which cramps (``exercise`` or ``nocturnal``).
    columns : int
        Panels per row.

    Returns
    -------
    plotly.graph_objects.Figure
        Grey span: lags measured at or after the cramp (possibly a consequence
        of it, e.g. the night a cramp woke you from). Shaded: the pointwise
        95% band of the circular-shift null; dashed: the
        family-wise band (look at every lag at once); dotted: the null mean.
        Built from dicts in one go (see :mod:`analyzer.figures.stacked`).
    """
    rows = _rows(epochs, cramp_type)
    indicators = list(dict.fromkeys(rows["indicator"]))
    if not indicators:
        fig = go.Figure()
        say_nothing_to_draw(fig, "No cramps of this type to average around", height=160)
        return fig
    captions = [plain(rows.loc[rows["indicator"] == i, "caption"].iloc[0]) for i in indicators]
    n_rows = math.ceil(len(indicators) / columns)
    grid = make_subplots(
        rows=n_rows,
        cols=columns,
        subplot_titles=captions,
        vertical_spacing=0.5 / n_rows,
        horizontal_spacing=0.08,
    )
    layout = grid.layout.to_plotly_json()
    data, shapes = [], []
    for k, indicator in enumerate(indicators, start=1):
        frame = rows.loc[rows["indicator"] == indicator].sort_values("lag_days")
        xaxis, yaxis = _axis("x", k), _axis("y", k)
        data += [
            {**trace, "xaxis": xaxis, "yaxis": yaxis} for trace in _panel(frame, legend=k == 1)
        ]
        layout.setdefault(_axis("yaxis", k), {})["title"] = dict(text=_unit(indicator))
        shapes.append(
            dict(
                type="line",
                xref=xaxis,
                x0=0,
                x1=0,
                yref=f"{yaxis} domain",
                y0=0,
                y1=1,
                line=dict(width=1, color=SERIES_COLOURS["cramp_line"]),
            )
        )
        after = (
            frame.loc[frame["possibly_consequence"].astype(bool), "lag_days"]
            if "possibly_consequence" in frame.columns
            else frame.iloc[0:0]["lag_days"]
        )
        if len(after):
            shapes.append(_after_the_cramp(xaxis, yaxis, int(after.min()), int(after.max())))
        if frame["mean"].isna().all():  # an empty panel says why instead of looking broken
            layout.setdefault("annotations", []).append(_no_data_note(xaxis, yaxis))
        if k > len(indicators) - columns:  # bottom panel of its column
            layout.setdefault(_axis("xaxis", k), {})["title"] = dict(text="days from the cramp [d]")
    layout.update(
        shapes=shapes,
        height=PANEL_HEIGHT_PX * n_rows + 80,
        margin=dict(l=60, r=20, t=50, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    return go.Figure({"data": data, "layout": layout}, skip_invalid=True)


def _after_the_cramp(xaxis: str, yaxis: str, first: int, last: int) -> dict:
    """Hatched-looking grey span over the lags measured at or after the cramp."""
    return dict(
        type="rect",
        xref=xaxis,
        x0=first - 0.5,
        x1=last + 0.5,
        yref=f"{yaxis} domain",
        y0=0,
        y1=1,
        fillcolor=SERIES_COLOURS["band"],
        opacity=0.35,
        line=dict(width=0),
        layer="below",
        label=dict(text="after: maybe a result", textposition="top center", font=dict(size=9)),
    )


def _no_data_note(xaxis: str, yaxis: str) -> dict:
    """A note in the middle of a panel whose indicator was never measured around the cramps."""
    return dict(
        text="not measured around these cramps",
        xref=f"{xaxis} domain",
        yref=f"{yaxis} domain",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=11, color=SERIES_COLOURS["neutral"]),
    )


def _floats(series: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in series]


def _panel(frame: pd.DataFrame, legend: bool) -> list[dict]:
    lag = [int(v) for v in frame["lag_days"]]
    neutral = SERIES_COLOURS["neutral"]
    return [
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["pointwise_high"]),
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["pointwise_low"]),
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=SERIES_COLOURS["band"],
            name="null band, pointwise 95%",
            showlegend=legend,
            legendgroup="pw",
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["familywise_high"]),
            mode="lines",
            name="null band, family-wise 95%",
            line=dict(color=neutral, dash="dash", width=1),
            showlegend=legend,
            legendgroup="fw",
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["familywise_low"]),
            mode="lines",
            showlegend=False,
            line=dict(color=neutral, dash="dash", width=1),
            legendgroup="fw",
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["null_mean"]),
            mode="lines",
            name="null mean",
            line=dict(color=neutral, dash="dot", width=1),
            showlegend=legend,
            legendgroup="nm",
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=lag,
            y=_floats(frame["mean"]),
            mode="lines+markers",
            name="average around the cramps",
            line=dict(color=OKABE_ITO["vermillion"], width=2),
            marker=dict(size=5),
            showlegend=legend,
            legendgroup="obs",
            customdata=[[float(n)] for n in frame["n_events"]],
            hovertemplate=(
                "day %{x}<br>average %{y:.2f}<br>%{customdata[0]:.0f} cramps<extra></extra>"
            ),
        ),
    ]


_UNITS = {
    "load": "[a.u.]",
    "tsb": "[a.u./day]",
    "acwr_ewma": "[ratio]",
    "monotony": "[ratio]",
    "intensity_rel_habit": "[ratio]",
    "sleep_asleep_min": "[min]",
    "sleep_debt_7n_h": "[h]",
    "resting_hr_z": "[z]",
    "hrv_lnrmssd_z": "[z]",
    "avg_temperature_c": "[°C]",
}


def _unit(indicator: str) -> str:
    return _UNITS.get(indicator, "[indicator units]")


def deviation_from_null(epochs: pd.DataFrame, cramp_type: str) -> pd.DataFrame:
    """Indicator-by-lag matrix of how far the average around cramps sits from its null.

    The value is ``(mean − null_mean) / half-width of the family-wise band``:
    beyond ±1 the average leaves the family-wise 95% band at that lag.

    Returns
    -------
    DataFrame
        Index: indicator caption; columns: lag [days].
    """
    rows = _rows(epochs, cramp_type)
    if rows.empty:
        return pd.DataFrame()
    half_width = (rows["familywise_high"] - rows["familywise_low"]) / 2.0
    deviation = (rows["mean"] - rows["null_mean"]) / half_width.where(half_width > 0)
    frame = rows.assign(deviation=deviation)
    order = list(dict.fromkeys(frame["caption"]))
    matrix = frame.pivot_table(
        index="caption", columns="lag_days", values="deviation", aggfunc="first", dropna=False
    )
    return matrix.reindex(order)


def lag_heatmap(epochs: pd.DataFrame, cramp_type: str) -> go.Figure:
    """Heat map of :func:`deviation_from_null`: indicators by days from the cramp."""
    matrix = deviation_from_null(epochs, cramp_type)
    fig = go.Figure()
    if matrix.empty:
        say_nothing_to_draw(fig, "No cramps of this type", height=160)
        return fig
    limit = (
        float(np.nanmax(np.abs(matrix.to_numpy(dtype=float))))
        if np.isfinite(matrix.to_numpy(dtype=float)).any()
        else 1.0
    )
    limit = max(limit, 1.5)
    fig.add_trace(
        go.Heatmap(
            z=matrix.to_numpy(dtype=float),
            x=list(matrix.columns),
            y=[plain(c) for c in matrix.index],
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            colorbar=dict(title=dict(text="deviation from null<br>[family-wise band half-widths]")),
            hovertemplate="%{y}<br>day %{x}: %{z:.2f} band half-widths<extra></extra>",
        )
    )
    fig.add_vline(x=0, line_width=1, line_color=SERIES_COLOURS["neutral"])
    fig.update_xaxes(title_text="days from the cramp [d]", dtick=1)
    fig.update_yaxes(title_text="indicator", autorange="reversed")
    fig.update_layout(height=max(260, 34 * len(matrix) + 120), margin=dict(l=10, r=10, t=30, b=40))
    return fig


def epoch_status(epochs: pd.DataFrame) -> pd.Series:
    """What each average is, in words: a listed finding, exploratory, after the cramp, or nothing.

    ``listed``: outside the family-wise band over every curve shown, before the
    cramp (a finding); outside only its pointwise band: exploratory; lags at
    or after the cramp: possibly a consequence, never a finding.
    """
    status = pd.Series("", index=epochs.index, dtype=object)
    if "possibly_consequence" in epochs.columns:
        after = epochs["possibly_consequence"].astype(bool)
        status[after] = "after the cramp: possibly a consequence"
    else:
        after = pd.Series(False, index=epochs.index)
    if "outside_pointwise" in epochs.columns:
        status[epochs["outside_pointwise"].astype(bool) & ~after] = (
            "exploratory: outside the pointwise band only"
        )
    if "listed" in epochs.columns:
        status[epochs["listed"].astype(bool)] = "finding: outside the family-wise band"
    return status


def epochs_display_table(epochs: pd.DataFrame, cramp_type: str) -> pd.DataFrame:
    """The numbers behind :func:`epoch_panels` for one cramp type, with each average's status."""
    rows = _rows(epochs, cramp_type).assign(status=lambda f: epoch_status(f))
    keep = [
        c
        for c in (
            "caption",
            "lag_days",
            "mean",
            "n_events",
            "null_mean",
            "pointwise_low",
            "pointwise_high",
            "familywise_low",
            "familywise_high",
            "status",
        )
        if c in rows.columns
    ]
    return (
        rows[keep]
        .rename(columns={"caption": "indicator", "lag_days": "day from cramp [d]"})
        .reset_index(drop=True)
    )
