"""Forest plot and session-stream figure builders, on small hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.figures.findings import findings_table, forest_plot
from analyzer.figures.session import pace_min_per_km, session_streams, streams_table


def _findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "exposure": ["load spike", "short sleep", "<b>heat</b>", "never varies"],
            "estimate": [2.4, 1.1, 0.7, np.nan],
            "ci_low": [1.1, 0.6, 0.2, np.nan],
            "ci_high": [5.2, 2.0, 2.5, np.nan],
            "p_value": [0.01, 0.7, 0.5, np.nan],
            "p_adjusted": [0.03, 0.9, 0.8, np.nan],
            "n_events": [14, 14, 6, 0],
            "n_referents": [300, 300, 120, 0],
            "descriptive_only": [False, False, True, True],
            "sentence": ["a", "b", "c", "d"],
        }
    )


def test_forest_plot_colours_and_shapes_by_evidence():
    fig = forest_plot(_findings())
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {
        "clear (holds after adjustment)",
        "no clear pattern",
        "too few cramps (descriptive only)",
    }
    significant = by_name["clear (holds after adjustment)"]
    assert list(significant.y) == ["load spike"]
    assert (
        significant.error_x.array[0] == 5.2 - 2.4 and significant.error_x.arrayminus[0] == 2.4 - 1.1
    )
    assert by_name["too few cramps (descriptive only)"].marker.symbol == "circle-open"
    assert fig.layout.xaxis.type == "log" and "[" in fig.layout.xaxis.title.text
    ticks = dict(zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext))
    assert ticks[0.5] == "0.5" and ticks[1.0] == "1" and ticks[5.0] == "5"  # each tick in full
    assert [a.text for a in fig.layout.annotations] == [
        "14 events",
        "14 events",
        "6 events",
        "0 events",
    ]


def test_forest_plot_and_table_name_exposures_in_plain_words():
    rows = _findings().assign(
        label=["a load spike", "a short night", "a hot session", "a sleep debt"],
        cramp_type=["nocturnal", "nocturnal", "exercise", "exercise"],
        evidence=["clear", "suggestive", "descriptive_only", "none"],
        p_value=[2e-7, 0.01, 0.5, np.nan],
    )
    fig = forest_plot(rows)
    labels = [y for t in fig.data for y in t.y]
    assert "a load spike (night cramps)" in labels and "a hot session (exercise cramps)" in labels
    assert not any("_" in label for label in labels)
    assert "p &lt; 0.001" in fig.data[0].text[0] or "p < 0.001" in fig.data[0].text[0]
    table = findings_table(rows)
    assert list(table["exposure"]) == list(rows["label"])
    assert table["p"].tolist() == ["< 0.001", "0.01", "0.50", "–"]
    assert table["evidence"].iloc[1] == "possible, not confirmed"


def test_forest_plot_escapes_exposure_names_and_handles_no_rows():
    fig = forest_plot(_findings())
    labels = [y for t in fig.data for y in t.y]
    assert "&lt;b&gt;heat&lt;/b&gt;" in labels
    empty = forest_plot(_findings().iloc[0:0])
    assert not empty.data


def test_forest_plot_hover_words_an_infinite_ratio():
    rows = _findings()
    rows.loc[0, ["estimate", "ci_high"]] = np.inf
    rows.loc[1, "ci_high"] = np.inf
    hovers = " ".join(t for trace in forest_plot(rows).data for t in (trace.text or ()))
    assert "odds ratio: no upper limit (95% lower limit 1.10)" in hovers, hovers
    assert "odds ratio 1.10 (95% CI 0.60–no upper limit)" in hovers, hovers
    assert "inf" not in hovers


def test_findings_table_keeps_the_numbers():
    table = findings_table(_findings())
    assert list(table["events"]) == [14, 14, 6, 0]
    assert "estimate [ratio]" in table.columns


def _samples(n: int = 1800) -> pd.DataFrame:
    t = pd.date_range("2024-05-01 08:00", periods=n, freq="1s", tz="UTC")
    return pd.DataFrame(
        {
            "activity_id": "a1",
            "t_utc": t,
            "heart_rate_bpm": np.linspace(100, 170, n),
            "power_w": np.nan,
            "speed_mps": np.r_[np.zeros(10), np.full(n - 10, 3.0)],
            "cadence_rpm": np.full(n, 85.0),
            "temperature_c": np.full(n, 24.0),
        }
    )


def test_session_streams_use_pace_without_power_and_mark_the_cramp():
    cramp = pd.DataFrame(
        {
            "start_utc": [pd.Timestamp("2024-05-01 08:20", tz="UTC")],
            "muscle": ["calf"],
            "side": ["left"],
            "severity_0_10": [7.0],
            "context": ["exercise"],
        }
    )
    fig = session_streams(_samples(), cramp)
    titles = [fig.layout[f"yaxis{i or ''}"].title.text for i in (0, 2, 3, 4)]
    assert titles == [
        "heart rate<br>[bpm]",
        "pace<br>[min/km]",
        "cadence<br>[rpm]",
        "temperature<br>[°C]",
    ]
    assert fig.layout.yaxis2.autorange == "reversed"
    (line,) = fig.layout.shapes
    assert line.x0 == 20.0
    assert "calf" in fig.layout.annotations[0].text


def test_pace_is_missing_when_standing_still():
    pace = pace_min_per_km(pd.Series([0.0, 1000 / 300, 0.5]))
    assert np.isnan(pace[0]) and abs(pace[1] - 5.0) < 1e-9 and np.isnan(pace[2])


def test_streams_table_thins_to_every_ten_seconds():
    table = streams_table(_samples(), every_s=10)
    assert len(table) == 180
    assert table["elapsed_min"].iloc[1] == round(10 / 60, 2)
    assert "power_w" not in table.columns  # all-missing streams are left out


def test_session_without_streams_draws_a_note():
    fig = session_streams(_samples().iloc[0:0])
    assert fig.layout.annotations[0].text == "This session has no streams"
