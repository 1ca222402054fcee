"""Session metrics on real FIT recordings (shared samples, read through the project's reader)."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.indicators import daily_table, sessions_table, trimp

ATHLETE = {
    "athlete_id": "real",
    "sex": "m",
    "hr_rest_bpm": 50.0,
    "hr_max_bpm": 190.0,
    "lthr_bpm": 168.0,
    "ftp_w": 250.0,
    "timezone": "Europe/Berlin",
    "sleep_need_h": 8.0,
}


def read_fit(samples_dir, name):
    registry = pytest.importorskip("analyzer.io.registry")
    return registry.read_path(samples_dir / "fit" / name)


def test_edge500_ride_matches_the_device_summary(samples_dir):
    bundle = read_fit(samples_dir, "activity_hr_edge500_ride.fit")
    session = sessions_table(bundle.table("activities"), bundle.table("samples"), ATHLETE).iloc[0]
    device_avg_hr = bundle.table("activities")["avg_heart_rate_bpm"].iloc[0]  # 162 on the device
    assert session["avg_heart_rate_bpm"] == pytest.approx(device_avg_hr, abs=2.0)
    assert session["moving_s"] == pytest.approx(10641.06)  # the device's timer time wins
    zones = session[[f"hr_zone{z}_s" for z in range(1, 6)]].to_numpy(dtype=float)
    assert 0.9 * session["moving_s"] <= zones.sum() <= session["duration_s"]
    assert session["trimp_avg_hr_au"] == pytest.approx(
        trimp.banister_trimp(10641.06 / 60, session["avg_heart_rate_bpm"], 50, 190, "m")
    )
    assert session["load_source"] == "hrtss" and session["load"] == pytest.approx(session["hrtss"])
    assert session["decoupling_output"] == "speed" and np.isfinite(session["decoupling_pct"])
    assert session["local_date"].isoformat() == "2011-09-25"


def test_fenix2_run_gives_a_daily_row(samples_dir):
    bundle = read_fit(samples_dir, "activity_hr_fenix2_run.fit")
    sessions = sessions_table(bundle.table("activities"), bundle.table("samples"), ATHLETE)
    assert (
        np.isfinite(sessions["trimp_samples_au"].iloc[0])
        and sessions["trimp_samples_au"].iloc[0] > 0
    )
    daily = daily_table(sessions, None, None, ATHLETE)
    assert len(daily) == 1 and daily["coverage"].iloc[0] == "activity"
    assert daily["load"].iloc[0] == pytest.approx(sessions["load"].iloc[0])
    assert daily["ctl"].iloc[0] == pytest.approx(sessions["load"].iloc[0] * (1 - np.exp(-1 / 42)))
