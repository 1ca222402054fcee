"""Column-wise conversion of canonical frames to SQLite values equals the per-value rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.schema import TABLES, conform
from analyzer.store.codec import date_to_iso, frame_columns, frame_to_rows

dates = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)))
texts = st.one_of(st.none(), st.text(max_size=5))
floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64))
stamps = st.one_of(st.none(), st.integers(-(2**62), 2**62))


def _one_value(value, kind):
    """The per-value rule: what one value of a conformed column is stored as."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "utc":
        return int(value.value)
    if kind == "date":
        return date_to_iso(value)
    if kind == "float":
        return float(value)
    if kind in ("int", "bool"):
        return int(value)
    return str(value)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(dates, stamps, stamps, texts, texts), max_size=30),
    fill=st.sampled_from([None, "fit"]),
)
def test_sleep_stage_columns_equal_the_per_value_rule(rows, fill):
    frame = conform(
        "sleep_stages",
        pd.DataFrame(
            {
                "night": [r[0] for r in rows],
                "start_utc": pd.to_datetime([r[1] for r in rows], unit="ns", utc=True),
                "end_utc": pd.to_datetime([r[2] for r in rows], unit="ns", utc=True),
                "stage": pd.Series([r[3] for r in rows], dtype=object),
                "source": pd.Series([r[4] for r in rows], dtype=object),
            }
        ),
    )
    columns = ["athlete_id", "night", "start_utc", "end_utc", "stage", "source"]
    got = frame_columns("sleep_stages", frame, columns, {"athlete_id": "anna"}, {"source": fill})
    assert got[0] == ["anna"] * len(rows)
    kinds = ["date", "utc", "utc", "str", "str"]
    for values, col, kind in zip(got[1:], columns[1:], kinds):
        expected = [_one_value(v, kind) for v in frame[col]]
        if col == "source":
            expected = [fill if v is None else v for v in expected]
        assert values == expected
        assert all(type(v) in (int, str, type(None)) for v in values)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(dates, floats, st.one_of(st.none(), st.integers(0, 2**40))), max_size=30
    )
)
def test_wellness_and_lap_columns_equal_the_per_value_rule(rows):
    wellness = conform(
        "wellness",
        pd.DataFrame(
            {
                "date": [r[0] for r in rows],
                "resting_hr_bpm": [np.nan if r[1] is None else r[1] for r in rows],
            }
        ),
    )
    laps = conform(
        "laps", pd.DataFrame({"lap_index": pd.array([r[2] for r in rows], dtype="Int64")})
    )
    for table, frame in (("wellness", wellness), ("laps", laps)):
        columns = list(frame.columns)
        for col, values in zip(columns, frame_columns(table, frame, columns)):
            expected = [_one_value(v, TABLES[table][col]) for v in frame[col]]
            assert values == expected  # NaN stored as None, never as a float NaN
            assert all(type(v) in (int, float, str, type(None)) for v in values)


def test_dates_given_as_text_or_timestamps_take_the_per_value_rule():
    frame = pd.DataFrame(
        {"night": pd.Series(["2026-01-02T05:00", None, dt.datetime(2026, 1, 3, 4)], dtype=object)}
    )
    assert frame_columns("sleep", frame, ["night"]) == [["2026-01-02", None, "2026-01-03"]]
    text = pd.DataFrame({"stage": pd.Series([3, "deep", None], dtype=object)})
    assert frame_to_rows("sleep_stages", text, ["stage"]) == [("3",), ("deep",), (None,)]
