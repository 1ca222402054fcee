"""Cramp events: cramp type and the local index day each one is compared on.

* Exercise-associated cramps (context ``exercise`` or ``after_exercise``) are
  indexed on the local calendar date of the cramp: the session of that day is
  the exposure.
* Nocturnal cramps (context ``night``) belong to the night ending that morning
  (DESIGN.md): before ``night_cutoff_hour`` local time the index day is the same
  date (the wake-up date), from then on the next date. Their training exposure
  is the previous day, their sleep exposure that night (the sleep row of the
  index day, since a night belongs to its wake-up date).
* Cramps at rest in the daytime (context ``rest``) and cramps without a context
  are counted and described but not used in the case-crossover analysis: their
  timing relative to training and sleep is not defined well enough.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
        Canonical cramps table (``start_utc`` tz-aware UTC, ``context``).
    timezone : str
        The athlete's IANA time zone, used only to find local days and nights.
    night_cutoff_hour : int
        Nocturnal cramps at or after this local hour belong to the next morning's night [h].

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
    local = start.dt.tz_convert(timezone)
    context = out["context"] if "context" in out.columns else pd.Series(None, index=out.index)
    out["cramp_type"] = [cramp_type_of(c) for c in context]
    out["local_time"] = local
    day = local.dt.tz_localize(None).dt.normalize().to_numpy().astype("datetime64[D]")
    late_night = (out["cramp_type"].to_numpy() == "nocturnal") & (
        local.dt.hour.to_numpy() >= night_cutoff_hour
    )
    out["index_day"] = day + late_night.astype(np.int64)
    return out.reset_index(drop=True)
