"""Local time of device samples: the UTC offset each file recorded, carried to the samples near it.

Every daily file that knows its UTC offset contributes a ``utc_offset_s``
sample at its first timestamp (``monitoring_info`` in WELLNESS files,
``sleep_data_info`` in SLEEP_DATA files, ``timestamp_correlation`` in HRV
files; Garmin FIT SDK, Profile.xlsx, ``local_timestamp`` = UTC timestamp +
the device's offset). A time is made local with the offset of the latest
such sample at or before it; before the first one, with the earliest one;
without any, with ``fallback`` (the athlete's time zone, else UTC). So a
SLEEP_DATA file that lacks an offset gets the one the same day's WELLNESS
file recorded, and a trip across time zones changes the local day when the
device's clock changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase


def offsets_at(
    times: pd.Series, offsets: pd.DataFrame, fallback: str | float | None = None
) -> np.ndarray:
    """UTC offset [s] of each time: the latest offset sample at or before it (module docstring).

    The time base's rule (:func:`analyzer.timebase.offsets_at`).

    Parameters
    ----------
    times : Series of tz-aware datetimes
    offsets : DataFrame
        ``t_utc`` and ``value`` (offset in seconds) samples.
    fallback : str, float or None
        IANA time zone name or fixed offset [s] used when ``offsets`` is empty.
    """
    return timebase.offsets_at(times, offsets, fallback)


def local_dates(times: pd.Series, offsets: pd.DataFrame, fallback=None) -> np.ndarray:
    """Local calendar date (``datetime.date`` objects) of each time."""
    recorded = offsets_at(times, offsets, fallback)
    return timebase.days_to_dates(timebase.local_days(times, utc_offset_s=recorded))
