"""Figures of the cramp findings: the forest plot and its table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analyzer.figures.palette import OKABE_ITO, SERIES_COLOURS, plain

SIGNIFICANT = OKABE_ITO["vermillion"]
NOT_SIGNIFICANT = OKABE_ITO["blue"]
DESCRIPTIVE = SERIES_COLOURS["neutral"]
ROW_HEIGHT_PX = 34


def _label(row) -> str:
    scope = getattr(row, "cramp_type", None) or getattr(row, "scope", None)
    name = plain(row.exposure)
    return f"{name} ({plain(scope)})" if scope else name


def _category(row, alpha: float) -> str:
    if bool(row.descriptive_only):
        return "descriptive only (few events)"
    p = row.p_adjusted
    if p is not None and not pd.isna(p) and p < alpha:
        return f"p adjusted < {alpha:g}"
    return f"p adjusted ≥ {alpha:g}"


_STYLE = {
    "descriptive only (few events)": (DESCRIPTIVE, "circle-open"),
    "p adjusted <": (SIGNIFICANT, "diamond"),
    "p adjusted ≥": (NOT_SIGNIFICANT, "square"),
}


def _style(category: str) -> tuple[str, str]:
    for prefix, style in _STYLE.items():
        if category.startswith(prefix):
            return style
    return DESCRIPTIVE, "circle-open"


def forest_plot(
    findings: pd.DataFrame, *, alpha: float = 0.05, estimate_name: str = "odds ratio"
) -> go.Figure:
    """Estimate and confidence interval of each exposure on a log axis, ranked as given.

    Parameters
    ----------
    findings : DataFrame
        The findings table (``analyzer.findings``): ``exposure``, ``estimate``,
        ``ci_low``, ``ci_high``, ``p_adjusted``, ``n_events``, ``descriptive_only``;
        optionally ``cramp_type`` to tell exercise from nocturnal rows.
    alpha : float
        Threshold on the Benjamini-Hochberg adjusted p-value used for the colour
        and shape of a row (shape repeats colour for colour-blind readers).
    estimate_name : str
        What ``estimate`` is, for the axis title.

    Returns
    -------
    plotly.graph_objects.Figure
        Rows with no estimate (exposure never varied, no events) are listed
        with their event count but no marker.
    """
    fig = go.Figure()
    if findings.empty:
        fig.update_layout(
            height=160,
            annotations=[
                dict(
                    text="No findings to show",
                    showarrow=False,
                    xref="paper",
                    yref="paper",
                    x=0.5,
                    y=0.5,
                )
            ],
        )
        return fig
    rows = list(findings.itertuples(index=False))
    labels = [_label(r) for r in rows]
    categories = [_category(r, alpha) for r in rows]
    for category in dict.fromkeys(categories):
        idx = [i for i, c in enumerate(categories) if c == category]
        colour, symbol = _style(category)
        est = np.array([rows[i].estimate for i in idx], dtype=float)
        low = np.array([rows[i].ci_low for i in idx], dtype=float)
        high = np.array([rows[i].ci_high for i in idx], dtype=float)
        with np.errstate(invalid="ignore"):  # rows without an estimate keep NaN bars (not drawn)
            above, below = high - est, est - low
        fig.add_trace(
            go.Scatter(
                x=est,
                y=[labels[i] for i in idx],
                mode="markers",
                name=category,
                marker=dict(
                    color=colour, symbol=symbol, size=11, line=dict(width=1.5, color=colour)
                ),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=above,
                    arrayminus=below,
                    color=colour,
                    thickness=1.5,
                    width=4,
                ),
                text=[_hover(rows[i], estimate_name) for i in idx],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.add_vline(x=1.0, line_dash="dash", line_color=SERIES_COLOURS["neutral"])
    fig.update_xaxes(
        type="log", title_text=f"{estimate_name} [ratio, log scale; 1 = no association]"
    )
    fig.update_yaxes(
        title_text="exposure", categoryorder="array", categoryarray=labels[::-1], autorange=True
    )
    annotations = [
        dict(
            x=1.0,
            y=labels[i],
            xref="paper",
            yref="y",
            xanchor="left",
            showarrow=False,
            text=f"{_int(r.n_events)} events",
            font=dict(size=11),
        )
        for i, r in enumerate(rows)
    ]
    fig.update_layout(
        height=max(220, ROW_HEIGHT_PX * len(rows) + 120),
        margin=dict(l=10, r=80, t=30, b=50),
        annotations=annotations,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
    )
    return fig


def _int(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{int(value)}"


def _num(value, fmt: str = ".2f") -> str:
    return "–" if value is None or pd.isna(value) else format(float(value), fmt)


def _hover(row, estimate_name: str) -> str:
    return (
        f"<b>{_label(row)}</b><br>{estimate_name} {_num(row.estimate)} "
        f"(95% CI {_num(row.ci_low)}–{_num(row.ci_high)})<br>"
        f"p {_num(getattr(row, 'p_value', None), '.3g')}, adjusted {_num(row.p_adjusted, '.3g')}<br>"
        f"{_int(row.n_events)} events, {_int(getattr(row, 'n_referents', None))} referent days"
    )


#: Columns of the findings table as the dashboard shows it.
FINDINGS_COLUMNS = {
    "cramp_type": "cramps",
    "exposure": "exposure",
    "estimate": "estimate [ratio]",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_value": "p",
    "p_adjusted": "p adjusted (BH)",
    "n_events": "events",
    "n_referents": "referent days",
    "descriptive_only": "descriptive only",
    "sentence": "in words",
}


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind :func:`forest_plot`, with readable column names."""
    present = [c for c in FINDINGS_COLUMNS if c in findings.columns]
    return findings[present].rename(columns=FINDINGS_COLUMNS).reset_index(drop=True)
