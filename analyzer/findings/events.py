"""Cramp events: cramp type and the local index day each one is compared on.

* Exercise-associated cramps (context ``exercise`` or ``after_exercise``) are
  indexed on the local calendar date of the cramp (:func:`analyzer.timebase.local_days`,
  with the UTC offset of the cramp's session where the device recorded one): the
  session of that day is the exposure.
* Nocturnal cramps (context ``night``) are indexed on their night, the local date
  on which the night ends: the night the library linked the cramp to (the
  recorded sleep containing it), else :func:`analyzer.timebase.nights_of` (before
  ``night_cutoff_hour`` local time the night ending that date, from then on the
  next). Their training exposure is the previous day, their sleep exposure the
  night before (the sleep row of the previous day, since a night belongs to its
  wake-up date).
* Cramps at rest in the daytime (context ``rest``) and cramps without a context
  are counted and described but not used in the case-crossover analysis: their
  timing relative to training and sleep is not defined well enough.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase

#: Analysed cramp types and the logged contexts they pool.
CRAMP_TYPES: dict[str, tuple[str, ...]] = {
    "exercise": ("exercise", "after_exercise"),
    "nocturnal": ("night",),
}

#: How sentences name each cramp type.
TYPE_NOUNS = {
    "exercise": ("Exercise-associated cramps", "cramp day", "cramp days"),
    "nocturnal": ("Nocturnal cramps", "cramp night", "cramp nights"),
}

#: The days each cramp type is at risk on (``exposure_rules.at_risk``), singular and plural.
AT_RISK_NOUNS = {
    "exercise": ("training day", "training days"),
    "nocturnal": ("night", "nights"),
}


def cramp_type_of(context) -> str:
    """Map a logged ``context`` to ``"exercise"``, ``"nocturnal"`` or ``"other"``."""
    text = str(context).strip().lower() if context is not None else ""
    for cramp_type, contexts in CRAMP_TYPES.items():
        if text in contexts:
            return cramp_type
    return "other"


def cramp_index_days(
    cramps: pd.DataFrame, timezone: str, night_cutoff_hour: int = 12
) -> pd.DataFrame:
    """Add ``cramp_type``, ``local_time`` and ``index_day`` to the cramps table.

    Parameters
    ----------
    cramps : pandas.DataFrame
        Canonical cramps table (``start_utc`` tz-aware UTC, ``context``; ``night``,
        the night the library linked each nocturnal cramp to, when present; and
        ``utc_offset_s``, the offset recorded by the cramp's session, when known).
    timezone : str
        The athlete's IANA time zone, used only to find local days and nights.
    night_cutoff_hour : int
        Nocturnal cramps without a linked night at or after this local hour
        belong to the next morning's night [h].

    Returns
    -------
    pandas.DataFrame
        A copy with the three columns added; rows without a start time are dropped.
    """
    out = cramps.reset_index(drop=True)
    if "start_utc" not in out.columns:
        out["start_utc"] = pd.Series(dtype="datetime64[ns, UTC]")
    start = pd.to_datetime(out["start_utc"], utc=True)
    out = out.loc[start.notna()].copy()
    start = start.loc[out.index]
    context = out["context"] if "context" in out.columns else pd.Series(None, index=out.index)
    out["cramp_type"] = [cramp_type_of(c) for c in context]
    out["local_time"] = start.dt.tz_convert(timezone)
    offsets = out["utc_offset_s"] if "utc_offset_s" in out.columns else None
    day = timebase.local_days(start, timezone, offsets)
    night = timebase.nights_of(start, timezone, offsets, cutoff_hour=night_cutoff_hour)
    if "night" in out.columns:
        linked = timebase.to_days(out["night"])
        night = np.where(np.isnat(linked), night, linked)
    nocturnal = out["cramp_type"].to_numpy() == "nocturnal"
    out["index_day"] = np.where(nocturnal, night, day)
    return out.reset_index(drop=True)
