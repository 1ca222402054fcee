"""The streams of one session (HR, power or pace, cadence, temperature) with cramps marked."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyzer import timebase
from analyzer.figures.palette import (
    OKABE_ITO,
    SERIES_COLOURS,
    muscle_colour,
    plain,
    say_nothing_to_draw,
)

PANEL_HEIGHT_PX = 170
#: Slowest pace drawn [min/km]; slower samples (standing still) would flatten the axis.
PACE_CEILING_MIN_PER_KM = 20.0


def _utc_offset_text(offset_s: float) -> str:
    sign = "+" if offset_s >= 0 else "\u2212"
    minutes = int(round(abs(offset_s) / 60.0))
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def session_labels(
    sessions: pd.DataFrame, timezone: str | None, with_cramp: Collection[str] = frozenset()
) -> dict[str, str]:
    """A label per session for choosing one: local start, sport, minutes, cramp.

    The start is the local time where the session was recorded: the UTC offset the device
    recorded for it where known, else the athlete's ``timezone`` (:mod:`analyzer.timebase`),
    so a run abroad shows the clock time it was run at, followed by its UTC offset when that
    differs from the home zone's. An unknown duration is left out, never shown as 0.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``activity_id``, ``start_utc``, ``utc_offset_s``, ``sport``, ``duration_s``.
    timezone : str or None
        The athlete's IANA time zone.
    with_cramp : collection of str
        Sessions with a cramp linked to them.

    Returns
    -------
    dict
        ``{activity_id: label}`` in the order of ``sessions``.
    """
    starts = pd.to_datetime(sessions["start_utc"], utc=True)
    recorded = sessions["utc_offset_s"] if "utc_offset_s" in sessions.columns else None
    wall = timebase.wall_clock_ns(starts, timezone, recorded)
    own = timebase.utc_offsets_s(starts, timezone, recorded)
    home = timebase.utc_offsets_s(starts, timezone)
    labels = {}
    for i, (activity_id, sport, duration) in enumerate(
        zip(sessions["activity_id"], sessions["sport"], sessions["duration_s"])
    ):
        if np.isnan(own[i]):
            start = "start not known"
        else:
            start = f"{pd.Timestamp(wall[i]):%Y-%m-%d %H:%M}"
            if own[i] != home[i]:
                start += f" ({_utc_offset_text(own[i])})"
        parts = [start]
        parts.append(sport if isinstance(sport, str) and sport else "session")
        if not pd.isna(duration):
            parts.append(f"{float(duration) / 60:.0f} min")
        if activity_id in with_cramp:
            parts.append("cramp")
        labels[activity_id] = " · ".join(parts)
    return labels


def _elapsed_min(t_utc: pd.Series, start_utc: pd.Timestamp) -> pd.Series:
    return (t_utc - start_utc).dt.total_seconds() / 60.0


def pace_min_per_km(speed_mps: pd.Series) -> pd.Series:
    """Pace [min/km] from speed [m/s]; standing still (and slower than 20 min/km) is missing."""
    speed = pd.to_numeric(speed_mps, errors="coerce").astype(float)
    pace = 1000.0 / 60.0 / speed.where(speed > 0)
    return pace.where(pace <= PACE_CEILING_MIN_PER_KM)


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and frame[column].notna().any()


def stream_panels(samples: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The panels a session can show: (column, title with unit, colour, hover unit)."""
    panels = []
    if _has(samples, "heart_rate_bpm"):
        panels.append(("heart_rate_bpm", "heart rate<br>[bpm]", OKABE_ITO["vermillion"], "bpm"))
    if _has(samples, "power_w"):
        panels.append(("power_w", "power<br>[W]", OKABE_ITO["blue"], "W"))
    elif _has(samples, "speed_mps"):
        panels.append(("pace_min_per_km", "pace<br>[min/km]", OKABE_ITO["blue"], "min/km"))
    if _has(samples, "cadence_rpm"):
        panels.append(("cadence_rpm", "cadence<br>[rpm]", OKABE_ITO["bluish_green"], "rpm"))
    if _has(samples, "temperature_c"):
        panels.append(("temperature_c", "temperature<br>[°C]", OKABE_ITO["orange"], "°C"))
    return panels


def session_streams(
    samples: pd.DataFrame,
    cramps: pd.DataFrame | None = None,
    *,
    start_utc: pd.Timestamp | None = None,
) -> go.Figure:
    """Stacked streams against minutes into the session, each cramp a marked line.

    Parameters
    ----------
    samples : DataFrame
        Canonical ``samples`` rows of one activity (``t_utc`` and any streams).
    cramps : DataFrame, optional
        Canonical ``cramps`` rows to mark (those outside the session are still
        drawn where they fall, e.g. just after it).
    start_utc : Timestamp, optional
        Session start; defaults to the first sample.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    frame = samples.sort_values("t_utc")
    if "speed_mps" in frame.columns:
        frame = frame.assign(pace_min_per_km=pace_min_per_km(frame["speed_mps"]))
    panels = stream_panels(frame)
    fig = make_subplots(rows=max(1, len(panels)), cols=1, shared_xaxes=True, vertical_spacing=0.03)
    if frame.empty or not panels:
        say_nothing_to_draw(fig, "This session has no streams", height=200)
        return fig
    start = start_utc if start_utc is not None else frame["t_utc"].iloc[0]
    minutes = _elapsed_min(frame["t_utc"], start)
    for row, (column, title, colour, unit) in enumerate(panels, start=1):
        fig.add_trace(
            go.Scattergl(
                x=minutes,
                y=frame[column],
                mode="lines",
                name=title.split("<br>")[0],
                line=dict(color=colour, width=1.2),
                hovertemplate=f"%{{x:.1f}} min<br>%{{y:.1f}} {unit}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title_text=title, row=row, col=1)
        if column == "pace_min_per_km":
            fig.update_yaxes(autorange="reversed", row=row, col=1)
    _mark_cramps(fig, cramps, start)
    fig.update_xaxes(title_text="time into the session [min]", row=len(panels), col=1)
    fig.update_layout(
        height=PANEL_HEIGHT_PX * len(panels) + 80,
        margin=dict(l=70, r=20, t=30, b=40),
        showlegend=False,
        hovermode="x unified",
    )
    return fig


def _mark_cramps(fig: go.Figure, cramps: pd.DataFrame | None, start: pd.Timestamp) -> None:
    if cramps is None or cramps.empty:
        return
    for row in cramps.itertuples(index=False):
        at_min = (row.start_utc - start).total_seconds() / 60.0
        fig.add_shape(
            type="line",
            x0=at_min,
            x1=at_min,
            xref="x",
            yref="paper",
            y0=0,
            y1=1,
            line=dict(width=2, color=muscle_colour(row.muscle), dash="dash"),
        )
        fig.add_annotation(
            x=at_min,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=(
                f"cramp: {plain(row.muscle)} {plain(row.side)}, "
                f"severity {plain(row.severity_0_10)}/10"
            ),
            font=dict(color=SERIES_COLOURS["neutral"], size=11),
        )


def streams_table(samples: pd.DataFrame, *, every_s: int = 10) -> pd.DataFrame:
    """The session's streams every ``every_s`` seconds, with elapsed time and unit-named columns."""
    if samples.empty:
        return pd.DataFrame()
    frame = samples.sort_values("t_utc")
    elapsed_s = (frame["t_utc"] - frame["t_utc"].iloc[0]).dt.total_seconds()
    keep = (np.floor(elapsed_s / every_s).diff().fillna(1) != 0).to_numpy()
    columns = [
        c
        for c in (
            "heart_rate_bpm",
            "power_w",
            "speed_mps",
            "cadence_rpm",
            "temperature_c",
            "altitude_m",
            "distance_m",
        )
        if _has(frame, c)
    ]
    out = frame.loc[keep, columns].copy()
    out.insert(0, "elapsed_min", (elapsed_s[keep] / 60.0).round(2))
    return out.reset_index(drop=True)
