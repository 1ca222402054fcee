"""Local calendar dates of UTC instants, for assigning sessions to an athlete's days."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.errors import AnalyzerError


def local_dates(
    start_utc: pd.Series, utc_offset_s: pd.Series | None, timezone: str | None
) -> pd.Series:
    """Local date of each instant.

    The device's own UTC offset (FIT ``activity.local_timestamp`` − timestamp) wins where
    known, because it is where the athlete actually was; otherwise the athlete's IANA
    time zone is used, and UTC when the athlete has none.

    Parameters
    ----------
    start_utc : pandas.Series
        tz-aware (or UTC-naive) timestamps.
    utc_offset_s : pandas.Series or None
        Local wall clock minus UTC [s], NaN where unknown.
    timezone : str or None
        IANA time-zone name, e.g. ``"Europe/Berlin"``.

    Returns
    -------
    pandas.Series
        ``datetime.date`` objects (``None`` where the instant is missing), same index.

    Raises
    ------
    AnalyzerError
        If ``timezone`` is not a known IANA name.
    """
    instants = pd.to_datetime(start_utc, utc=True)
    zone = timezone if isinstance(timezone, str) and timezone else "UTC"
    try:
        zoned = instants.dt.tz_convert(zone)
    except Exception as exc:  # pytz/zoneinfo raise different types for unknown zones
        raise AnalyzerError(f"unknown time zone {zone!r} for the athlete: {exc}") from exc
    local = zoned.dt.tz_localize(None)
    if utc_offset_s is not None:
        offsets = pd.to_numeric(pd.Series(utc_offset_s, index=instants.index), errors="coerce")
        by_offset = instants.dt.tz_localize(None) + pd.to_timedelta(offsets, unit="s")
        local = by_offset.where(offsets.notna(), local)
    dates = local.dt.date
    return dates.astype(object).where(instants.notna(), None)


def to_days(values) -> np.ndarray:
    """Calendar dates as ``datetime64[D]``.

    Accepts ``datetime.date`` objects, ISO strings (``YYYY-MM-DD``, any time part is
    ignored), or a datetime Series (its wall-clock date); None/NaN become NaT.
    """
    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values.dtype):
        if values.dt.tz is not None:
            values = values.dt.tz_localize(None)
        return values.to_numpy().astype("datetime64[D]")
    array = np.asarray(values, dtype=object).ravel()
    try:
        return np.asarray(array, dtype="datetime64[D]")  # date objects, ISO strings, None
    except (ValueError, TypeError):
        pass  # NaN floats or pandas NA among them: clean first
    cleaned = [
        None
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
        else v[:10]
        if isinstance(v, str)
        else v
        for v in array
    ]
    return np.asarray(cleaned, dtype="datetime64[D]")
