"""The Session page's chooser names each session at the local time it was recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.figures.session import session_labels


def _sessions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "activity_id": ["home", "away", "unknown"],
            "start_utc": pd.to_datetime(
                ["2026-03-01T06:30:00Z", "2026-03-10T02:00:00Z", "2026-07-01T05:00:00Z"]
            ),
            # the device of the second run recorded UTC-8 (Los Angeles); the others nothing
            "utc_offset_s": [np.nan, -8 * 3600.0, np.nan],
            "sport": ["running", "cycling", None],
            "duration_s": [3600.0, 5400.0, np.nan],
        }
    )


def test_a_run_abroad_shows_the_clock_time_where_it_was_run():
    labels = session_labels(_sessions(), "Europe/Berlin", {"away"})
    assert labels["home"] == "2026-03-01 07:30 · running · 60 min"  # Berlin, UTC+1 in March
    # 18:00 on 9 March in Los Angeles (03:00 on 10 March in Berlin), its offset named
    assert labels["away"] == "2026-03-09 18:00 (UTC\u221208:00) · cycling · 90 min · cramp"


def test_an_unknown_duration_is_left_out_not_shown_as_zero():
    labels = session_labels(_sessions(), "Europe/Berlin")
    assert labels["unknown"] == "2026-07-01 07:00 · session"  # Berlin, UTC+2 in July
    assert list(labels) == ["home", "away", "unknown"]


def test_a_recorded_offset_equal_to_the_home_zones_is_not_repeated():
    sessions = _sessions().assign(utc_offset_s=[3600.0, np.nan, 7200.0])
    labels = session_labels(sessions, "Europe/Berlin")
    assert labels["home"] == "2026-03-01 07:30 · running · 60 min"
    assert labels["unknown"].startswith("2026-07-01 07:00 · ")
