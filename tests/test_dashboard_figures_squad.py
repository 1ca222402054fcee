"""Epoch panels, the lag heat map, in-session bars and the squad figures, on hand-made tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analyzer.figures.epochs import (
    deviation_from_null,
    epoch_panels,
    epochs_display_table,
    lag_heatmap,
)
from analyzer.figures.insession import context_bars, context_table
from analyzer.figures.team import PER_100H, roster_table, side_by_side, weekly_summary
from analyzer.indicators.recent import recent_flags


def _epochs() -> pd.DataFrame:
    lags = np.arange(-3, 2)
    frames = []
    for indicator, caption, bump in (
        ("load", "daily training load", 40.0),
        ("sleep_asleep_min", "sleep [min]", 0.0),
    ):
        mean = np.full(lags.size, 100.0)
        mean[lags == -1] += bump
        frames.append(
            pd.DataFrame(
                {
                    "indicator": indicator,
                    "caption": caption,
                    "cramp_type": "nocturnal",
                    "lag_days": lags,
                    "mean": mean,
                    "n_events": 12,
                    "null_mean": 100.0,
                    "pointwise_low": 90.0,
                    "pointwise_high": 110.0,
                    "familywise_low": 80.0,
                    "familywise_high": 120.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_deviation_is_in_family_wise_half_widths():
    matrix = deviation_from_null(_epochs(), "nocturnal")
    assert list(matrix.index) == ["daily training load", "sleep [min]"]
    assert matrix.loc["daily training load", -1] == 2.0  # 40 above a null of 100 with a +-20 band
    assert matrix.loc["sleep [min]", -1] == 0.0
    assert deviation_from_null(_epochs(), "exercise").empty


def test_epoch_panels_draw_one_panel_per_indicator_with_bands_and_units():
    fig = epoch_panels(_epochs(), "nocturnal")
    observed = [t for t in fig.data if t.name == "average around the cramps"]
    assert len(observed) == 2
    assert any(t.fill == "tonexty" for t in fig.data)
    assert fig.layout.yaxis.title.text == "[a.u.]" and fig.layout.yaxis2.title.text == "[min]"
    assert "days from the cramp" in fig.layout.xaxis.title.text
    assert len(epochs_display_table(_epochs(), "nocturnal")) == 10
    notes = [a.text for a in fig.layout.annotations if "not measured" in a.text]
    assert notes == []  # both panels have data


def test_an_epoch_panel_without_data_says_so():
    epochs = _epochs()
    epochs.loc[epochs["indicator"] == "sleep_asleep_min", "mean"] = np.nan
    fig = epoch_panels(epochs, "nocturnal")
    (note,) = [a for a in fig.layout.annotations if "not measured" in a.text]
    assert (note.xref, note.yref) == ("x2 domain", "y2 domain")  # in the sleep panel


def test_heatmap_is_centred_on_zero():
    fig = lag_heatmap(_epochs(), "nocturnal")
    (heat,) = fig.data
    assert heat.zmid == 0 and heat.zmax == -heat.zmin
    assert "[" in fig.layout.xaxis.title.text
    empty = lag_heatmap(_epochs(), "exercise")
    assert not empty.data and empty.layout.annotations[0].text == "No cramps of this type"
    assert empty.layout.height == 160


def test_context_bars_compare_the_last_ten_minutes():
    row = pd.Series(
        {
            "heart_rate_before_bpm": 140.0,
            "heart_rate_last10_bpm": 165.0,
            "power_before_w": np.nan,
            "power_last10_w": np.nan,
            "speed_before_mps": 3.0,
            "speed_last10_mps": 3.4,
            "minutes_into_session": 75.0,
        }
    )
    fig = context_bars(row)
    assert [a.text for a in fig.layout.annotations] == ["heart rate [bpm]", "speed [m/s]"]
    assert list(fig.data[0].y) == [140.0, 165.0]
    assert "into the session [min]" in context_table(row)["measure"].tolist()


def _daily(days: int = 70, sleep_min: float = 420.0) -> pd.DataFrame:
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(days)]
    return pd.DataFrame(
        {
            "date": dates,
            "load": 50.0,
            "ctl": 40.0,
            "acwr_ewma": np.r_[np.full(days - 3, 1.0), [1.6, 1.7, 1.2]],
            "sleep_asleep_min": sleep_min,
            "sleep_debt_7n_h": 3.0,
            "coverage": ["activity+sleep"] * (days - 7) + ["none"] * 7,
        }
    )


def test_recent_flags_count_the_last_28_days_only():
    flags = recent_flags(_daily(sleep_min=300.0))
    assert flags["load_28d"] == 28 * 50.0
    assert flags["acwr_high_days"] == 2
    assert flags["short_nights"] == 28 and flags["nights_recorded"] == 28
    assert flags["coverage_pct"] == 100.0 * 21 / 28
    assert recent_flags(_daily().iloc[0:0])["nights_recorded"] == 0


def test_roster_and_side_by_side():
    athletes = pd.DataFrame({"athlete_id": ["a", "b"], "display_name": ["Ann", None]})
    summary = pd.DataFrame(
        {
            "athlete_id": ["a"],
            "cramps": [4],
            "training_h": [80.0],
            "exercise_cramps_per_100h": [5.0],
            "summary": ["x"],
        }
    )
    table = roster_table(athletes, {"a": recent_flags(_daily())}, summary)
    assert list(table["athlete"]) == ["Ann", "b"]
    assert table.loc[0, "load, last 28 d [a.u.]"] == 28 * 50.0
    assert pd.isna(table.loc[1, "last data"]) and table.loc[1, "nights recorded"] == 0
    assert table.loc[0, PER_100H] == 5.0 and pd.isna(table.loc[1, PER_100H])
    weekly = weekly_summary(_daily(), weeks=4)
    assert (weekly["sleep_h"].dropna() == 7.0).all()
    fig = side_by_side({"a": _daily(), "b": _daily()}, {"a": "Ann"})
    assert {t.name for t in fig.data} == {"Ann", "b"}
    assert len({t.line.dash for t in fig.data}) == 2  # shape repeats colour


def test_figures_pass_plotly_validation():
    from tests.helpers.dashboard import assert_valid_figure

    assert_valid_figure(epoch_panels(_epochs(), "nocturnal"))
    assert_valid_figure(lag_heatmap(_epochs(), "nocturnal"))
    assert_valid_figure(side_by_side({"a": _daily()}))


def test_weekly_fitness_is_missing_across_a_long_stretch_without_data():
    daily = _daily(days=140)
    daily.loc[35:104, "load"] = np.nan  # ten weeks without any device data
    weekly = weekly_summary(daily, weeks=26)
    inside = weekly.loc["2024-02-18":"2024-04-07"]
    assert inside["load"].isna().all() and inside["ctl"].isna().all()
    assert weekly["ctl"].iloc[0] == 40.0 and weekly["ctl"].iloc[-1] == 40.0
