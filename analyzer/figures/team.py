"""The squad view: a roster of recent load and sleep flags, and athletes side by side.

The flags themselves are computed in :mod:`analyzer.indicators.recent`; here they are laid out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyzer.figures.palette import OKABE_ITO, plain
from analyzer.figures.timeline import long_gap_days
from analyzer.indicators.recent import recent_flags

_LINE_COLOURS = [
    OKABE_ITO[k]
    for k in (
        "blue",
        "vermillion",
        "bluish_green",
        "reddish_purple",
        "orange",
        "sky_blue",
        "black",
        "yellow",
    )
]
_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def _dates(daily: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(daily["date"].astype(str))


#: Roster columns over all of an athlete's data (the others cover the last 28 days).
ALL_CRAMPS = "cramps, all data"
PER_100H = "exercise cramps per 100 h of training"


def roster_table(
    athletes: pd.DataFrame,
    flags: Mapping[str, dict],
    squad_summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per athlete: cramps and exercise cramps per 100 h, recent load, sleep, coverage.

    Parameters
    ----------
    athletes : DataFrame
        Canonical ``athletes`` table.
    flags : mapping of athlete id to dict
        Each athlete's recent load and sleep
        (:func:`analyzer.indicators.recent.recent_flags`; an athlete left out
        shows as having no data).
    squad_summary : DataFrame, optional
        ``SquadFindings.roster`` (``athlete_id``, ``cramps``, ``training_h``,
        ``exercise_cramps_per_100h``, ``summary``), over all of each
        athlete's data.
    """
    rows = []
    summary = (
        squad_summary.set_index("athlete_id")
        if squad_summary is not None and len(squad_summary)
        else None
    )
    for athlete in athletes.itertuples(index=False):
        recent = flags.get(athlete.athlete_id) or recent_flags(pd.DataFrame())
        name = (
            athlete.display_name
            if isinstance(athlete.display_name, str) and athlete.display_name
            else None
        )
        row = {"athlete": name or athlete.athlete_id, "athlete_id": athlete.athlete_id}
        if summary is not None and athlete.athlete_id in summary.index:
            s = summary.loc[athlete.athlete_id]
            row.update(
                {
                    ALL_CRAMPS: int(s["cramps"]),
                    "training, all data [h]": round(float(s["training_h"]), 1),
                    PER_100H: round(float(s["exercise_cramps_per_100h"]), 1)
                    if pd.notna(s["exercise_cramps_per_100h"])
                    else np.nan,
                }
            )
        row.update(
            {
                "last data": recent["last_date"],
                "load, last 28 d [a.u.]": round(recent["load_28d"], 0)
                if pd.notna(recent["load_28d"])
                else np.nan,
                "days ACWR high": recent["acwr_high_days"],
                "short nights": recent["short_nights"],
                "nights recorded": recent["nights_recorded"],
                "sleep debt, 7 nights [h]": round(recent["sleep_debt_7n_h"], 1)
                if pd.notna(recent["sleep_debt_7n_h"])
                else np.nan,
                "coverage, last 28 d [%]": round(recent["coverage_pct"], 0),
            }
        )
        if summary is not None and athlete.athlete_id in summary.index:
            row["summary"] = summary.loc[athlete.athlete_id, "summary"]
        rows.append(row)
    return pd.DataFrame(rows)


def weekly_summary(daily: pd.DataFrame, *, weeks: int = 26) -> pd.DataFrame:
    """Weekly load [a.u./week], CTL at week end [a.u./day] and sleep [h/night], last ``weeks``.

    Weeks end on Sunday (local dates); a week without any known value stays missing, and
    so does the CTL of a week inside a long stretch without data
    (:func:`analyzer.figures.timeline.long_gap_days`).
    """
    if daily.empty:
        return pd.DataFrame(columns=["load", "ctl", "sleep_h"])
    gap = long_gap_days(daily["load"])
    ctl = pd.to_numeric(daily["ctl"], errors="coerce").where(~gap)
    frame = daily.assign(_date=_dates(daily), ctl=ctl).set_index("_date")
    frame = frame.loc[frame.index > frame.index.max() - pd.Timedelta(weeks=weeks)]
    resampled = frame.resample("W-SUN")
    return pd.DataFrame(
        {
            "load": pd.to_numeric(frame["load"], errors="coerce")
            .resample("W-SUN")
            .sum(min_count=1),
            "ctl": pd.to_numeric(frame["ctl"], errors="coerce").resample("W-SUN").last(),
            "sleep_h": pd.to_numeric(frame["sleep_asleep_min"], errors="coerce")
            .resample("W-SUN")
            .mean()
            / 60,
        },
        index=resampled.size().index,
    )


_WEEKLY_PANELS = (
    ("load", "weekly load<br>[a.u./week]", "a.u./week"),
    ("ctl", "fitness CTL<br>[a.u./day]", "a.u./day"),
    ("sleep_h", "mean sleep<br>[h/night]", "h/night"),
)


def side_by_side(
    dailies: Mapping[str, pd.DataFrame], names: Mapping[str, str] | None = None, *, weeks: int = 26
) -> go.Figure:
    """Weekly load, fitness (CTL) and mean nightly sleep of several athletes on one date axis.

    Each athlete keeps one colour and one dash pattern in every panel.
    """
    names = names or {}
    fig = make_subplots(rows=len(_WEEKLY_PANELS), cols=1, shared_xaxes=True, vertical_spacing=0.04)
    for k, (athlete_id, daily) in enumerate(dailies.items()):
        weekly = weekly_summary(daily, weeks=weeks)
        style = dict(
            color=_LINE_COLOURS[k % len(_LINE_COLOURS)], dash=_DASHES[k % len(_DASHES)], width=1.8
        )
        label = plain(names.get(athlete_id, athlete_id))
        for row, (column, _, unit) in enumerate(_WEEKLY_PANELS, start=1):
            fig.add_trace(
                go.Scatter(
                    x=weekly.index,
                    y=weekly[column],
                    mode="lines+markers",
                    name=label,
                    legendgroup=athlete_id,
                    showlegend=row == 1,
                    line=style,
                    marker=dict(size=4),
                    hovertemplate=f"{label}<br>week ending %{{x|%d %b %Y}}: "
                    f"%{{y:.1f}} {unit}<extra></extra>",
                ),
                row=row,
                col=1,
            )
    for row, (_, title, _) in enumerate(_WEEKLY_PANELS, start=1):
        fig.update_yaxes(title_text=title, row=row, col=1)
    fig.update_xaxes(title_text="week ending (local date)", row=len(_WEEKLY_PANELS), col=1)
    fig.update_layout(
        height=620,
        margin=dict(l=70, r=20, t=40, b=40),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    return fig


def side_by_side_table(dailies: Mapping[str, pd.DataFrame], *, weeks: int = 26) -> pd.DataFrame:
    """The weekly numbers behind :func:`side_by_side`, one row per athlete and week."""
    frames = []
    for athlete_id, daily in dailies.items():
        weekly = weekly_summary(daily, weeks=weeks)
        if weekly.empty:
            continue
        weekly = weekly.rename(
            columns={
                "load": "weekly load [a.u.]",
                "ctl": "CTL at week end [a.u./day]",
                "sleep_h": "mean sleep [h/night]",
            }
        )
        weekly.insert(0, "athlete_id", athlete_id)
        weekly.index = [d.date() for d in weekly.index]
        frames.append(weekly.rename_axis("week ending").reset_index())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
