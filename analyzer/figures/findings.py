"""Figures of the cramp findings: the forest plot and its table.

Rows are named in plain words (``label``, e.g. "a hard training day (night
cramps)") and coloured by their evidence level
(:mod:`analyzer.findings.evidence`); p-values read "< 0.001" when small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analyzer.figures.palette import OKABE_ITO, SERIES_COLOURS, plain, say_nothing_to_draw
from analyzer.findings.evidence import evidence_level, fmt_p

ROW_HEIGHT_PX = 34

#: Legend name, colour and marker of each evidence level (shape repeats colour).
EVIDENCE_STYLE = {
    "clear": ("clear (holds after adjustment)", OKABE_ITO["vermillion"], "diamond"),
    "suggestive": ("possible, not confirmed", OKABE_ITO["orange"], "triangle-up"),
    "none": ("no clear pattern", OKABE_ITO["blue"], "square"),
    "descriptive_only": (
        "too few cramps (descriptive only)",
        SERIES_COLOURS["neutral"],
        "circle-open",
    ),
}

#: How labels name each cramp type.
CRAMP_WORDS = {"exercise": "exercise cramps", "nocturnal": "night cramps"}


def _label(row) -> str:
    scope = getattr(row, "cramp_type", None) or getattr(row, "scope", None)
    name = getattr(row, "label", None)
    if name is None or (not isinstance(name, str) and pd.isna(name)) or name == "":
        name = str(row.exposure).replace("_", " ")
    name = plain(name)
    return f"{name} ({plain(CRAMP_WORDS.get(scope, scope))})" if scope else name


def _evidence(row) -> str:
    level = getattr(row, "evidence", None)
    if isinstance(level, str) and level in EVIDENCE_STYLE:
        return level
    if bool(getattr(row, "descriptive_only", False)):
        return "descriptive_only"
    return evidence_level(
        _float(getattr(row, "p_value", None)), _float(row.p_adjusted), 10**9, descriptive_below=0
    )


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


#: Ticks of the ratio axis: 1-2-5 steps, each labelled in full.
RATIO_TICKS = [m * 10.0**e for e in range(-3, 3) for m in (1, 2, 5)] + [1000.0]


def forest_plot(
    findings: pd.DataFrame, *, alpha: float = 0.05, estimate_name: str = "odds ratio"
) -> go.Figure:
    """Estimate and confidence interval of each exposure on a log axis, ranked as given.

    Parameters
    ----------
    findings : DataFrame
        The findings table (``analyzer.findings``): ``exposure``, ``estimate``,
        ``ci_low``, ``ci_high``, ``p_adjusted``, ``n_events``, ``descriptive_only``;
        optionally ``label`` (the plain name shown), ``evidence`` (colour and
        shape of the row) and ``cramp_type`` to tell exercise from nocturnal rows.
    alpha : float
        Significance level of the evidence levels (when a row carries none).
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
        say_nothing_to_draw(fig, "No findings to show", height=160)
        return fig
    rows = list(findings.itertuples(index=False))
    labels = [_label(r) for r in rows]
    categories = [_evidence(r) for r in rows]
    for category in dict.fromkeys(categories):
        idx = [i for i, c in enumerate(categories) if c == category]
        name, colour, symbol = EVIDENCE_STYLE[category]
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
                name=name,
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
        type="log",
        title_text=f"{estimate_name} [ratio, log scale; 1 = no association]",
        tickvals=RATIO_TICKS,  # plotly's own log ticks read "5 0.1 2 5 1 2 5 10"
        ticktext=[f"{tick:g}" for tick in RATIO_TICKS],
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


def _ratio_text(row, estimate_name: str) -> str:
    """The estimate and its interval; an infinite one has no upper limit (every cramp exposed)."""
    if np.isposinf(_float(row.estimate) or 0.0):
        return f"{estimate_name}: no upper limit (95% lower limit {_num(row.ci_low)})"
    high = "no upper limit" if np.isposinf(_float(row.ci_high) or 0.0) else _num(row.ci_high)
    return f"{estimate_name} {_num(row.estimate)} (95% CI {_num(row.ci_low)}–{high})"


def _hover(row, estimate_name: str) -> str:
    return (
        f"<b>{_label(row)}</b><br>{_ratio_text(row, estimate_name)}<br>"
        f"p {fmt_p(_float(getattr(row, 'p_value', None)))}, "
        f"adjusted {fmt_p(_float(row.p_adjusted))}<br>"
        f"{_int(row.n_events)} events, {_int(getattr(row, 'n_referents', None))} referent days"
    )


#: Columns of the findings table as the dashboard shows it.
FINDINGS_COLUMNS = {
    "cramp_type": "cramps",
    "label": "exposure",
    "evidence": "evidence",
    "estimate": "estimate [ratio]",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_value": "p",
    "p_adjusted": "p adjusted (BH)",
    "n_events": "events",
    "n_referents": "referent days",
    "sentence": "in words",
    "per_sd_estimate": "per SD [ratio, exploratory]",
    "per_sd_ci_low": "per SD 95% CI low",
    "per_sd_ci_high": "per SD 95% CI high",
}


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind :func:`forest_plot`, with readable column names.

    Exposures and cramp types are named in plain words and p-values are text
    ("< 0.001" when small, never "0"). Without a ``label`` column the exposure
    key is shown. The per-SD columns are exploratory descriptions (outside the
    adjusted family).
    """
    frame = findings.copy()
    if "label" not in frame.columns and "exposure" in frame.columns:
        frame["label"] = frame["exposure"].astype(str)
    if "cramp_type" in frame.columns:
        frame["cramp_type"] = frame["cramp_type"].map(lambda t: CRAMP_WORDS.get(t, t))
    if "evidence" in frame.columns:
        frame["evidence"] = frame["evidence"].map(
            lambda e: EVIDENCE_STYLE[e][0] if e in EVIDENCE_STYLE else e
        )
    for column in ("p_value", "p_adjusted"):
        if column in frame.columns:
            frame[column] = [fmt_p(_float(v)) for v in frame[column]]
    present = [c for c in FINDINGS_COLUMNS if c in frame.columns]
    return frame[present].rename(columns=FINDINGS_COLUMNS).reset_index(drop=True)
