"""Athlete settings shared by the indicator tests."""

from __future__ import annotations

#: A woman with every physiology value set, in Berlin: the indicator tests' athlete.
ANN = {
    "athlete_id": "ann",
    "sex": "f",
    "hr_rest_bpm": 50.0,
    "hr_max_bpm": 190.0,
    "lthr_bpm": 165.0,
    "ftp_w": 250.0,
    "timezone": "Europe/Berlin",
    "sleep_need_h": 8.0,
}
