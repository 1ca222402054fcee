"""The overview timeline figure builder, on small hand-made tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.figures import daily_timeline, timeline_table
from analyzer.figures.palette import CONTEXT_SYMBOLS, OKABE_ITO, muscle_colour, plain


def _daily(n_days: int = 60) -> pd.DataFrame:
    dates = [dt.date(2024, 3, 1) + dt.timedelta(days=i) for i in range(n_days)]
    rng = np.random.default_rng(1)
    load = rng.uniform(0, 120, n_days)
    return pd.DataFrame(
        {
            "date": dates,
            "load": load,
            "ctl": pd.Series(load).ewm(alpha=1 / 42).mean(),
            "atl": pd.Series(load).ewm(alpha=1 / 7).mean(),
            "tsb": rng.normal(0, 10, n_days),
            "acwr_ewma": rng.uniform(0.6, 1.6, n_days),
            "sleep_asleep_min": rng.uniform(300, 500, n_days),
            "sleep_debt_7n_h": rng.uniform(0, 6, n_days),
            "resting_hr_bpm": rng.normal(50, 2, n_days),
            "resting_hr_baseline_bpm": np.full(n_days, 50.0),
            "resting_hr_baseline_sd_bpm": np.full(n_days, 2.0),
            "hrv_lnrmssd": np.full(n_days, np.nan),  # no HRV device: panel left out
        }
    )


def _cramps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cramp_id": ["a", "b", "c"],
            "start_utc": pd.to_datetime(
                ["2024-03-10 01:30", "2024-03-20 15:00", "2024-06-01 12:00"], utc=True
            ),
            "muscle": ["calf", "hamstring", "calf"],
            "side": ["left", "right", "both"],
            "severity_0_10": [3.0, 9.0, 5.0],
            "duration_s": [60.0, None, 30.0],
            "context": ["night", "exercise", "rest"],
            "relief": ["stretching", None, "none"],
            "notes": ["<a href='javascript:alert(1)'>x</a>", None, ""],
        }
    )


def _traces(fig, name):
    return [t for t in fig.data if t.name == name]


def test_panels_with_data_are_drawn_and_empty_ones_left_out():
    fig = daily_timeline(_daily(), _cramps(), timezone="Europe/Berlin")
    names = {t.name for t in fig.data}
    assert {
        "Daily load",
        "Fitness (CTL)",
        "Fatigue (ATL)",
        "Form (TSB)",
        "ACWR (EWMA)",
        "Asleep",
        "Sleep debt, 7 nights",
        "Resting HR",
        "Cramps",
    } <= names
    assert "lnRMSSD" not in names
    assert any(t.name and "baseline" in t.name for t in fig.data)


def test_every_axis_has_a_unit():
    fig = daily_timeline(_daily(), _cramps())
    titles = [fig.layout[k].title.text for k in fig.layout if k.startswith("yaxis")]
    assert titles and all(t and "[" in t and "]" in t for t in titles)
    bottom_x = [
        fig.layout[k].title.text
        for k in fig.layout
        if k.startswith("xaxis") and fig.layout[k].title.text
    ]
    assert bottom_x == ["local date"]


def test_cramps_are_coded_by_muscle_context_and_severity_in_local_time():
    fig = daily_timeline(
        _daily(),
        _cramps(),
        timezone="Europe/Berlin",
        start=dt.date(2024, 3, 1),
        end=dt.date(2024, 4, 29),
    )
    (cramps,) = _traces(fig, "Cramps")
    assert len(cramps.x) == 2  # the June cramp is outside the range
    assert pd.Timestamp(cramps.x[0]) == pd.Timestamp("2024-03-10 02:30")  # UTC+1 in March
    assert list(cramps.marker.symbol) == [CONTEXT_SYMBOLS["night"], CONTEXT_SYMBOLS["exercise"]]
    assert list(cramps.marker.color) == [muscle_colour("calf"), muscle_colour("hamstring")]
    assert cramps.marker.size[1] > cramps.marker.size[0]  # severity 9 drawn larger than 3
    vlines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(vlines) == 2


def test_user_text_is_escaped_in_hover_labels():
    fig = daily_timeline(_daily(), _cramps())
    (cramps,) = _traces(fig, "Cramps")
    text = " ".join(cramps.text)
    assert "<a href" not in text and "&lt;a href" in text
    assert plain(None) == "–"


def test_colours_come_from_okabe_ito():
    fig = daily_timeline(_daily(), _cramps())
    palette = set(OKABE_ITO.values())
    for trace in fig.data:
        colour = getattr(getattr(trace, "line", None), "color", None) or getattr(
            trace.marker, "color", None
        )
        if isinstance(colour, str) and colour.startswith("#"):
            assert colour in palette


def test_empty_inputs_give_a_figure_without_error():
    empty = _daily().iloc[0:0]
    fig = daily_timeline(empty, None)
    assert not [t for t in fig.data if t.name == "Cramps"]


def test_table_has_units_and_respects_the_range():
    table = timeline_table(_daily(), dt.date(2024, 3, 5), dt.date(2024, 3, 11))
    assert len(table) == 7
    assert "load [a.u.]" in table.columns and "resting HR [bpm]" in table.columns


def test_table_numbers_are_rounded_to_what_they_carry_and_missing_stays_missing():
    daily = _daily()
    daily.loc[3, "ctl"] = 3.1e-33  # fitness decayed over years without data
    daily.loc[4, "resting_hr_bpm"] = np.nan
    table = timeline_table(daily)
    assert table.loc[3, "CTL [a.u./day]"] == 0.0
    assert pd.isna(table.loc[4, "resting HR [bpm]"])
    assert (table["ACWR EWMA [ratio]"] == table["ACWR EWMA [ratio]"].round(2)).all()
    assert (table["load [a.u.]"] == table["load [a.u.]"].round(0)).all()


def test_the_figure_passes_plotly_validation():
    from tests.helpers.dashboard import assert_valid_figure

    assert_valid_figure(
        daily_timeline(_daily(), _cramps(), start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 1))
    )
    assert_valid_figure(daily_timeline(_daily().iloc[0:0], None))


def test_the_cramp_table_names_the_session_and_leaves_unlogged_text_blank():
    from analyzer.figures import cramp_table

    cramps = _cramps().assign(activity_id=[None, "f00d", None])
    sessions = pd.DataFrame(
        {
            "activity_id": ["f00d"],
            "start_utc": pd.to_datetime(["2024-03-20 14:00"], utc=True),
            "utc_offset_s": [3600.0],
            "sport": ["running"],
            "duration_s": [3600.0],
        }
    )
    table = cramp_table(cramps, "Europe/Berlin", sessions=sessions).set_index("muscle")
    assert table.loc["hamstring", "session"] == "2024-03-20 15:00 · running · 60 min"
    assert table.loc["hamstring", "relief"] == ""  # not logged: blank, not "None"
    assert set(table["session"]) == {"", "2024-03-20 15:00 · running · 60 min"}
    assert cramp_table(cramps, "Europe/Berlin").set_index("muscle").loc["hamstring", "session"] == (
        "f00d"
    )


def test_fitness_lines_break_over_a_long_stretch_without_data():
    from analyzer.figures.timeline import long_gap_days

    daily = _daily(120)
    daily.loc[30:69, "load"] = np.nan  # 40 days without any device data
    daily.loc[90:99, "load"] = np.nan  # 10 days: a short break, still drawn
    gap = long_gap_days(daily["load"])
    assert gap[30:70].all() and not gap[:30].any() and not gap[70:].any()
    fig = daily_timeline(daily, None)
    (ctl,) = _traces(fig, "Fitness (CTL)")
    assert all(v is None for v in ctl.y[30:70])
    assert all(v is not None for v in ctl.y[90:100])
