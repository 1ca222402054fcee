"""The athlete's timeline: daily load, form, ACWR, sleep, resting HR and HRV with cramps.

One figure, stacked panels on a shared local-date axis, so that a cramp can be
read against everything that came before it. Panels whose columns are absent
or all-missing are left out rather than drawn empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analyzer import timebase
from analyzer.figures.palette import SERIES_COLOURS, context_symbol, muscle_colour, plain
from analyzer.figures.session import session_labels
from analyzer.figures.stacked import StackedPanels

#: Baseline band of a series: (column of the baseline mean, column of its SD).
DEFAULT_BANDS = {
    "resting_hr_bpm": ("resting_hr_baseline_bpm", "resting_hr_baseline_sd_bpm"),
    "hrv_lnrmssd": ("hrv_lnrmssd_baseline", "hrv_lnrmssd_baseline_sd"),
}
ACWR_LABELS = {
    "acwr_ewma": "ACWR (EWMA)",
    "acwr_rolling_uncoupled": "ACWR (rolling, uncoupled)",
    "acwr_rolling_coupled": "ACWR (rolling, coupled)",
}
PANEL_HEIGHT_PX = 150
CRAMP_STRIP_HEIGHT_PX = 90


@dataclass(frozen=True)
class _Panel:
    columns: tuple[str, ...]
    y_title: str
    draw: Callable[[StackedPanels, int, list, pd.DataFrame, dict], None]


def _local_dates(days: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(days["date"].astype(str))


def _has(days: pd.DataFrame, column: str) -> bool:
    return column in days.columns and days[column].notna().any()


def _values(series: pd.Series) -> list:
    """Plain floats with ``None`` for missing (gaps stay gaps)."""
    return [None if pd.isna(v) else float(v) for v in series]


def _draw_load(panels, row, x, days, opts):
    panels.add(
        row,
        dict(
            type="bar",
            x=x,
            y=_values(days["load"]),
            name="Daily load",
            marker=dict(color=SERIES_COLOURS["load"]),
            hovertemplate="%{x|%a %d %b %Y}<br>load %{y:.0f} a.u.<extra></extra>",
        ),
    )


def _line(panels, row, x, y, name, colour, unit, dash="solid", fmt=".1f"):
    panels.add(
        row,
        dict(
            type="scatter",
            x=x,
            y=_values(y),
            name=name,
            mode="lines",
            line=dict(color=colour, dash=dash, width=1.8),
            connectgaps=False,
            hovertemplate=f"%{{x|%a %d %b %Y}}<br>{name} %{{y:{fmt}}} {unit}<extra></extra>",
        ),
    )


def _band(panels, row, x, mean, sd, name):
    panels.add(
        row,
        dict(
            type="scatter",
            x=x,
            y=_values(mean + sd),
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
            connectgaps=False,
        ),
    )
    panels.add(
        row,
        dict(
            type="scatter",
            x=x,
            y=_values(mean - sd),
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor=SERIES_COLOURS["band"],
            name=name,
            hoverinfo="skip",
            connectgaps=False,
        ),
    )


#: A stretch of at least this many days without a known load is drawn as a gap in the
#: fitness/fatigue lines: there the model only decays, it measures nothing.
LONG_GAP_D = 28


def long_gap_days(load: pd.Series, min_days: int = LONG_GAP_D) -> np.ndarray:
    """True on days inside a run of at least ``min_days`` consecutive days without a load."""
    missing = pd.to_numeric(load, errors="coerce").isna().to_numpy()
    run_id = np.cumsum(~missing)  # days of one missing run share the id of the day before
    run_length = pd.Series(missing.astype(int)).groupby(run_id).transform("sum").to_numpy()
    return missing & (run_length >= min_days)


def _draw_form(panels, row, x, days, opts):
    gap = long_gap_days(days["load"]) if "load" in days else np.zeros(len(days), dtype=bool)
    for column, name, colour, dash in (
        ("ctl", "Fitness (CTL)", SERIES_COLOURS["ctl"], "solid"),
        ("atl", "Fatigue (ATL)", SERIES_COLOURS["atl"], "dash"),
        ("tsb", "Form (TSB)", SERIES_COLOURS["tsb"], "dot"),
    ):
        if _has(days, column):
            values = days[column].where(~gap)
            _line(panels, row, x, values, name, colour, "a.u./day", dash, ".0f")


def _draw_acwr(panels, row, x, days, opts):
    column = opts["acwr_column"]
    low, high = opts["acwr_band"]
    panels.band(row, low, high, SERIES_COLOURS["band"])
    _line(
        panels,
        row,
        x,
        days[column],
        ACWR_LABELS.get(column, column),
        SERIES_COLOURS["acwr"],
        "",
        fmt=".2f",
    )


def _draw_sleep(panels, row, x, days, opts):
    if _has(days, "sleep_asleep_min"):
        panels.add(
            row,
            dict(
                type="bar",
                x=x,
                y=_values(days["sleep_asleep_min"] / 60.0),
                name="Asleep",
                marker=dict(color=SERIES_COLOURS["sleep"]),
                hovertemplate="night ending %{x|%a %d %b %Y}<br>asleep %{y:.1f} h<extra></extra>",
            ),
        )
    if _has(days, "sleep_debt_7n_h"):
        _line(
            panels,
            row,
            x,
            days["sleep_debt_7n_h"],
            "Sleep debt, 7 nights",
            SERIES_COLOURS["sleep_debt"],
            "h",
        )


def _draw_baseline_series(column, name, colour, unit, fmt):
    def draw(panels, row, x, days, opts):
        mean_col, sd_col = opts["bands"].get(column, (None, None))
        if mean_col and sd_col and _has(days, mean_col) and _has(days, sd_col):
            _band(panels, row, x, days[mean_col], days[sd_col], f"{name}: baseline ±1 SD")
        panels.add(
            row,
            dict(
                type="scatter",
                x=x,
                y=_values(days[column]),
                name=name,
                mode="lines+markers",
                line=dict(color=colour, width=1.5),
                marker=dict(size=4),
                connectgaps=False,
                hovertemplate=f"%{{x|%a %d %b %Y}}<br>{name} %{{y:{fmt}}} {unit}<extra></extra>",
            ),
        )

    return draw


def _panels(acwr_column: str) -> list[_Panel]:
    return [
        _Panel(("load",), "load<br>[a.u./day]", _draw_load),
        _Panel(("ctl", "atl", "tsb"), "CTL, ATL, TSB<br>[a.u./day]", _draw_form),
        _Panel((acwr_column,), "ACWR<br>[ratio]", _draw_acwr),
        _Panel(("sleep_asleep_min", "sleep_debt_7n_h"), "sleep, debt<br>[h]", _draw_sleep),
        _Panel(
            ("resting_hr_bpm",),
            "resting HR<br>[bpm]",
            _draw_baseline_series(
                "resting_hr_bpm", "Resting HR", SERIES_COLOURS["resting_hr"], "bpm", ".0f"
            ),
        ),
        _Panel(
            ("hrv_lnrmssd",),
            "HRV lnRMSSD<br>[ln ms]",
            _draw_baseline_series("hrv_lnrmssd", "lnRMSSD", SERIES_COLOURS["hrv"], "ln ms", ".2f"),
        ),
    ]


def between(days: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    """Rows of a daily table whose local ``date`` lies in ``[start, end]`` (open ends allowed)."""
    if days.empty:
        return days
    dates = _local_dates(days).dt.date
    keep = pd.Series(True, index=days.index)
    if start is not None:
        keep &= dates >= start
    if end is not None:
        keep &= dates <= end
    return days.loc[keep]


def local_cramp_times(cramps: pd.DataFrame, timezone: str) -> pd.Series:
    """Cramp start times as naive local wall-clock times (``timebase.wall_clock_ns``)."""
    wall = timebase.wall_clock_ns(cramps["start_utc"], timezone)
    return pd.Series(wall.astype("datetime64[ns]"), index=cramps.index)


def cramps_between(cramps: pd.DataFrame, timezone: str, start, end) -> pd.DataFrame:
    """Cramps whose local date lies in ``[start, end]``, with a ``start_local`` column added."""
    if cramps is None or cramps.empty:
        return pd.DataFrame(
            columns=[*(cramps.columns if cramps is not None else []), "start_local"]
        )
    out = cramps.assign(start_local=local_cramp_times(cramps, timezone))
    dates = pd.Series(timebase.local_dates(cramps["start_utc"], timezone).to_numpy(), out.index)
    keep = pd.Series(True, index=out.index)
    if start is not None:
        keep &= dates >= start
    if end is not None:
        keep &= dates <= end
    return out.loc[keep]


#: Columns of the cramp table shown beside the timeline.
CRAMP_COLUMNS = {
    "start_local": "local time",
    "muscle": "muscle",
    "side": "side",
    "severity_0_10": "severity [0-10]",
    "duration_s": "duration [s]",
    "context": "context",
    "relief": "relief",
    "activity_id": "session",
    "notes": "notes",
}


#: Text columns of the cramp table, shown blank where nothing was logged (not "None").
_CRAMP_TEXT = ("side", "context", "relief", "activity_id", "notes")


def cramp_table(
    cramps: pd.DataFrame,
    timezone: str,
    start=None,
    end=None,
    sessions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cramps in the date range at local time, newest first, with unit-named columns.

    With ``sessions`` (the ``activities`` table) a linked session is named by its
    local start, sport and minutes (:func:`analyzer.figures.session.session_labels`)
    instead of its id.
    """
    shown = cramps_between(cramps, timezone, start, end)
    present = [c for c in CRAMP_COLUMNS if c in shown.columns]
    ordered = shown.sort_values("start_local", ascending=False) if len(shown) else shown
    table = ordered[present].copy()
    if "activity_id" in table and sessions is not None and len(sessions):
        labels = session_labels(sessions, timezone)
        table["activity_id"] = table["activity_id"].map(lambda a: labels.get(a, a))
    for column in _CRAMP_TEXT:
        if column in table:
            table[column] = table[column].astype(object).where(table[column].notna(), "")
    return table.rename(columns=CRAMP_COLUMNS).reset_index(drop=True)


def _cramp_hover(cramps: pd.DataFrame) -> list[str]:
    texts = []
    for row in cramps.itertuples(index=False):
        duration = getattr(row, "duration_s", None)
        duration_txt = "–" if duration is None or pd.isna(duration) else f"{duration:.0f} s"
        texts.append(
            f"<b>{row.start_local:%a %d %b %Y %H:%M}</b><br>"
            f"{plain(row.muscle)} ({plain(row.side)}), {plain(row.context)}<br>"
            f"severity {plain(row.severity_0_10)}/10, {duration_txt}<br>"
            f"relief: {plain(getattr(row, 'relief', None))}<br>"
            f"notes: {plain(getattr(row, 'notes', None))}"
        )
    return texts


def _draw_cramps(panels: StackedPanels, cramps: pd.DataFrame) -> None:
    if cramps.empty:
        return
    severity = pd.to_numeric(cramps["severity_0_10"], errors="coerce").fillna(5.0)
    panels.add(
        1,
        dict(
            type="scatter",
            x=list(cramps["start_local"]),
            y=list(cramps["context"].fillna("unknown")),
            mode="markers",
            name="Cramps",
            marker=dict(
                color=[muscle_colour(m) for m in cramps["muscle"]],
                symbol=[context_symbol(c) for c in cramps["context"]],
                size=list(8 + 1.6 * severity),
                line=dict(width=1, color="#000000"),
            ),
            text=_cramp_hover(cramps),
            hovertemplate="%{text}<extra></extra>",
        ),
    )
    for when in cramps["start_local"]:  # one faint line through every panel
        panels.vline(when, SERIES_COLOURS["cramp_line"])


def daily_timeline(
    daily: pd.DataFrame,
    cramps: pd.DataFrame | None = None,
    *,
    timezone: str = "UTC",
    start: dt.date | None = None,
    end: dt.date | None = None,
    acwr_column: str = "acwr_ewma",
    acwr_band: Sequence[float] = (0.8, 1.3),
    bands: dict[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """Stacked daily panels on one shared date axis, with every cramp marked.

    Parameters
    ----------
    daily : DataFrame
        The athlete's daily table (``analyzer.indicators.daily_table``): a local
        ``date`` column and any of ``load``, ``ctl``, ``atl``, ``tsb``, the ACWR
        column, ``sleep_asleep_min``, ``sleep_debt_7n_h``, ``resting_hr_bpm``,
        ``hrv_lnrmssd`` and their baseline columns.
    cramps : DataFrame, optional
        Canonical ``cramps`` rows. Drawn in a strip on top (colour = muscle,
        shape = context, size = severity, details on hover) and as a faint
        vertical line through every panel.
    timezone : str
        The athlete's IANA zone; cramps are placed at their local wall-clock time.
    start, end : datetime.date, optional
        Local date range shown, both ends included.
    acwr_column : str
        Which ACWR variant to draw.
    acwr_band : (float, float)
        Shaded reference band of the ACWR panel (0.8-1.3, Gabbett 2016,
        doi:10.1136/bjsports-2015-095788); a convention, not a risk threshold.
    bands : dict, optional
        Baseline band columns per series, default :data:`DEFAULT_BANDS`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    days = between(daily, start, end)
    shown = cramps_between(cramps, timezone, start, end) if cramps is not None else pd.DataFrame()
    drawn = [p for p in _panels(acwr_column) if any(_has(days, c) for c in p.columns)]
    panels = StackedPanels([CRAMP_STRIP_HEIGHT_PX] + [PANEL_HEIGHT_PX] * len(drawn), gap=0.015)
    opts = {
        "acwr_column": acwr_column,
        "acwr_band": tuple(acwr_band),
        "bands": bands or DEFAULT_BANDS,
    }
    x = [d.strftime("%Y-%m-%d") for d in _local_dates(days)] if not days.empty else []
    for row, panel in enumerate(drawn, start=2):
        panel.draw(panels, row, x, days, opts)
        panels.y_axis(row, title=dict(text=panel.y_title))
    _draw_cramps(panels, shown)
    panels.y_axis(
        1,
        title=dict(text="cramps<br>[context]"),
        type="category",
        categoryorder="array",
        categoryarray=["rest", "night", "after_exercise", "exercise"],
    )
    x_axis = {"type": "date", "title": dict(text="local date")}
    if start is not None and end is not None:
        x_axis["range"] = [str(start), str(pd.Timestamp(end) + pd.Timedelta(days=1))]
    return panels.figure(
        x_axis=x_axis,
        height=CRAMP_STRIP_HEIGHT_PX + PANEL_HEIGHT_PX * len(drawn) + 120,
        margin=dict(l=70, r=20, t=30, b=40),
        hovermode="closest",
        barmode="overlay",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
    )


#: Columns of the timeline's table, with their display names (units included).
TABLE_COLUMNS = {
    "date": "date (local)",
    "load": "load [a.u.]",
    "ctl": "CTL [a.u./day]",
    "atl": "ATL [a.u./day]",
    "tsb": "TSB [a.u./day]",
    "acwr_ewma": "ACWR EWMA [ratio]",
    "acwr_rolling_uncoupled": "ACWR rolling uncoupled [ratio]",
    "sleep_asleep_min": "asleep [min]",
    "sleep_debt_7n_h": "sleep debt 7 nights [h]",
    "resting_hr_bpm": "resting HR [bpm]",
    "resting_hr_z": "resting HR vs baseline [z]",
    "hrv_lnrmssd": "lnRMSSD [ln ms]",
    "hrv_lnrmssd_z": "lnRMSSD vs baseline [z]",
    "coverage": "coverage",
}


#: Decimals shown per column: the precision the measurement carries, no more.
TABLE_DECIMALS = {
    "load": 0,
    "ctl": 1,
    "atl": 1,
    "tsb": 1,
    "acwr_ewma": 2,
    "acwr_rolling_uncoupled": 2,
    "sleep_asleep_min": 0,
    "sleep_debt_7n_h": 1,
    "resting_hr_bpm": 0,
    "resting_hr_z": 2,
    "hrv_lnrmssd": 2,
    "hrv_lnrmssd_z": 2,
}


def timeline_table(daily: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """The numbers behind :func:`daily_timeline`: one row per local date, unit-named columns.

    Numbers are rounded to :data:`TABLE_DECIMALS` (a fitness that has decayed
    for years shows 0.0, not 3e-33).
    """
    days = between(daily, start, end)
    present = [c for c in TABLE_COLUMNS if c in days.columns]
    table = days[present].copy()
    for column, decimals in TABLE_DECIMALS.items():
        if column in table:
            table[column] = pd.to_numeric(table[column], errors="coerce").round(decimals)
    return table.rename(columns=TABLE_COLUMNS).reset_index(drop=True)
