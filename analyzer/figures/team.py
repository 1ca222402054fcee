"""The squad view: a roster of recent load and sleep flags, and athletes side by side."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyzer.figures.palette import OKABE_ITO, plain

RECENT_DAYS = 28
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


def recent_flags(
    daily: pd.DataFrame,
    *,
    days: int = RECENT_DAYS,
    acwr_high: float = 1.5,
    short_sleep_h: float = 6.0,
    sleep_debt_high_h: float = 7.0,
) -> dict:
    """Load and sleep over an athlete's last ``days`` days of data, with simple flags.

    Parameters
    ----------
    daily : DataFrame
        The athlete's daily table (``analyzer.indicators.daily_table``).
    days : int
        Window ending on the athlete's last date with data [d].
    acwr_high, short_sleep_h, sleep_debt_high_h : float
        Flag thresholds; the dashboard passes the findings' own pre-specified
        thresholds (``FindingsParams.acwr_min``, ``short_sleep_floor_h``,
        ``sleep_debt_7n_min_h``) so the roster and the findings agree.

    Returns
    -------
    dict
        ``last_date``, ``load_28d`` [a.u.], ``acwr_high_days``, ``short_nights``,
        ``nights_recorded``, ``sleep_debt_7n_h`` (latest) [h] and
        ``coverage_pct`` (days with any device data) [%].
    """
    if daily.empty:
        return {
            "last_date": None,
            "load_28d": np.nan,
            "acwr_high_days": 0,
            "short_nights": 0,
            "nights_recorded": 0,
            "sleep_debt_7n_h": np.nan,
            "coverage_pct": 0.0,
        }
    dates = _dates(daily)
    last = dates.max()
    recent = daily.loc[dates > last - pd.Timedelta(days=days)]
    asleep = pd.to_numeric(recent.get("sleep_asleep_min"), errors="coerce")
    debt = pd.to_numeric(recent.get("sleep_debt_7n_h"), errors="coerce").dropna()
    acwr = pd.to_numeric(recent.get("acwr_ewma"), errors="coerce")
    covered = (
        recent["coverage"].ne("none")
        if "coverage" in recent.columns
        else pd.Series(False, index=recent.index)
    )
    return {
        "last_date": last.date(),
        "load_28d": float(pd.to_numeric(recent["load"], errors="coerce").sum(min_count=1)),
        "acwr_high_days": int((acwr > acwr_high).sum()),
        "short_nights": int((asleep < short_sleep_h * 60).sum()),
        "nights_recorded": int(asleep.notna().sum()),
        "sleep_debt_7n_h": float(debt.iloc[-1]) if len(debt) else np.nan,
        "coverage_pct": 100.0 * float(covered.sum()) / days,
    }


def roster_table(
    athletes: pd.DataFrame,
    dailies: Mapping[str, pd.DataFrame],
    squad_summary: pd.DataFrame | None = None,
    **flag_thresholds,
) -> pd.DataFrame:
    """One row per athlete: cramps per 100 h of training, last 28 days' load and sleep flags, coverage.

    Parameters
    ----------
    athletes : DataFrame
        Canonical ``athletes`` table.
    dailies : mapping of athlete id to DataFrame
        Each athlete's daily table.
    squad_summary : DataFrame, optional
        ``SquadFindings.summary`` (``athlete_id``, ``cramps``, ``training_h``,
        ``cramps_per_100h``, ``top_finding``).
    **flag_thresholds
        Passed to :func:`recent_flags`.
    """
    rows = []
    summary = (
        squad_summary.set_index("athlete_id")
        if squad_summary is not None and len(squad_summary)
        else None
    )
    for athlete in athletes.itertuples(index=False):
        flags = recent_flags(dailies.get(athlete.athlete_id, pd.DataFrame()), **flag_thresholds)
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
                    "cramps": int(s["cramps"]),
                    "training [h]": round(float(s["training_h"]), 1),
                    "cramps per 100 h": round(float(s["cramps_per_100h"]), 2)
                    if pd.notna(s["cramps_per_100h"])
                    else np.nan,
                }
            )
        row.update(
            {
                "last data": flags["last_date"],
                "load, last 28 d [a.u.]": round(flags["load_28d"], 0)
                if pd.notna(flags["load_28d"])
                else np.nan,
                "days ACWR high": flags["acwr_high_days"],
                "short nights": flags["short_nights"],
                "nights recorded": flags["nights_recorded"],
                "sleep debt, 7 nights [h]": round(flags["sleep_debt_7n_h"], 1)
                if pd.notna(flags["sleep_debt_7n_h"])
                else np.nan,
                "coverage, last 28 d [%]": round(flags["coverage_pct"], 0),
            }
        )
        if summary is not None and athlete.athlete_id in summary.index:
            row["top finding"] = summary.loc[athlete.athlete_id, "top_finding"]
        rows.append(row)
    return pd.DataFrame(rows)


def weekly_summary(daily: pd.DataFrame, *, weeks: int = 26) -> pd.DataFrame:
    """Weekly load [a.u./week], CTL at week end [a.u./day] and mean sleep [h/night] of the last ``weeks``.

    Weeks end on Sunday (local dates); a week without any known value stays missing.
    """
    if daily.empty:
        return pd.DataFrame(columns=["load", "ctl", "sleep_h"])
    frame = daily.assign(_date=_dates(daily)).set_index("_date")
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
                    hovertemplate=f"{label}<br>week ending %{{x|%d %b %Y}}: %{{y:.1f}} {unit}<extra></extra>",
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
