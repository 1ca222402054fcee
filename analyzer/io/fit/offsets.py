"""The UTC offset a FIT file recorded, when it is one.

FIT stores times in UTC (``date_time``) and, in a few messages
(``activity``, ``monitoring_info``, ``timestamp_correlation``), the same
instant on the device's wall clock (``local_timestamp``, type
``local_date_time``): their difference is the device's UTC offset. Devices
write odd values there: Zwift a raw 0, MyWhoosh a local time 20 years
ahead, a Forerunner 70 one 6.7 days off. A value is only taken as an offset
when it can be one:

* ``local_timestamp`` must be a date: values below 0x10000000 are seconds
  since the device was switched on (FIT profile, type ``local_date_time``);
* the offset must lie within -12 h..+14 h, the range of the civil time zones
  in use, and be a whole multiple of 15 minutes, as every zone's offset is
  (IANA tz database: from -12:00, Baker Island, to +14:00, Line Islands;
  the finest steps are +05:45 Nepal and +08:45 Eucla).

Anything else is an unknown offset: the file's local days then come from
the athlete's time zone, and a warning says why.

References
----------
Garmin FIT SDK, Profile.xlsx: types ``date_time`` and ``local_date_time``
(min 0x10000000), messages ``activity`` (34), ``monitoring_info`` (103),
``timestamp_correlation`` (162). IANA Time Zone Database
(https://www.iana.org/time-zones), zone offsets.
"""

from __future__ import annotations

import numpy as np

from .profile import DEVICE_RELATIVE_MAX

MIN_UTC_OFFSET_S = -12 * 3600
MAX_UTC_OFFSET_S = 14 * 3600
UTC_OFFSET_STEP_S = 15 * 60


def plausible_utc_offset_s(offset_s: float) -> bool:
    """Whether ``offset_s`` [s] can be a civil UTC offset (-12 h..+14 h, whole 15 minutes)."""
    return (
        np.isfinite(offset_s)
        and MIN_UTC_OFFSET_S <= offset_s <= MAX_UTC_OFFSET_S
        and offset_s % UTC_OFFSET_STEP_S == 0
    )


def recorded_utc_offset_s(
    message: str, local_s: np.ndarray, utc_s: np.ndarray
) -> tuple[float | None, str | None]:
    """The first plausible offset of one message type's rows, else why there is none.

    Parameters
    ----------
    message : str
        Message name (for the warning).
    local_s, utc_s : ndarray of float64
        Raw ``local_timestamp`` and ``timestamp`` of each row [FIT seconds], NaN
        where invalid.

    Returns
    -------
    offset_s : float or None
        Local wall clock minus UTC [s] of the first row with a plausible one.
    problem : str or None
        When no row has a plausible offset but some row recorded a local
        time: what is wrong with the first such row.
    """
    dated = np.isfinite(utc_s) & (utc_s >= DEVICE_RELATIVE_MAX)
    recorded = dated & np.isfinite(local_s)
    for row in np.flatnonzero(recorded).tolist():
        local, offset = float(local_s[row]), float(local_s[row] - utc_s[row])
        if local >= DEVICE_RELATIVE_MAX and plausible_utc_offset_s(offset):
            return offset, None
    rows = np.flatnonzero(recorded)
    if not rows.size:
        return None, None
    local = float(local_s[rows[0]])
    if local < DEVICE_RELATIVE_MAX:
        why = f"is {local:.0f} s, not a date (below 0x10000000)"
    else:
        offset = local - float(utc_s[rows[0]])
        why = (
            f"is {offset / 3600:+.2f} h from UTC, not a time zone's offset "
            "(-12 h..+14 h in steps of 15 minutes)"
        )
    return None, f"{message}.local_timestamp {why}"
