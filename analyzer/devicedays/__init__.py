"""Nights and days assembled from the raw samples of any number of device files.

A Garmin device spreads one night over several sleep files and one day over
several wellness files, which overlap and arrive in any order; the FIT
reader (:mod:`analyzer.io.fit_tables`) gives each file's raw sleep stage
intervals and day-level samples, the library keeps them, and the pure
functions here assemble them into canonical ``sleep`` and ``wellness`` rows:

:func:`assemble_nights`
    sleep periods, naps and nights, stage minutes, rescoring of unstaged
    epochs (:mod:`.nights`);
:func:`assemble_days`
    resting heart rate, stress, steps, active time and HRV per local date
    (:mod:`.days`).

Local dates come from the UTC offsets the files recorded, with the
analyzer's one time base (:func:`analyzer.timebase.offsets_at`).
"""

from __future__ import annotations

from .days import assemble_days, has_day_values
from .nights import SOURCE, assemble_nights

__all__ = [
    "SOURCE",
    "assemble_days",
    "assemble_nights",
    "has_day_values",
]
