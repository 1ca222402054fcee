"""Time-stratified referent selection for the case-crossover design.

Each event (a cramp day or night) is compared with referent days of the same
time stratum: the same calendar month, or the same fixed 28-day block, and
optionally the same weekday. Strata are fixed in calendar time, not centred on
the event, which avoids the overlap bias and time-trend bias of unidirectional
and symmetric-window designs (Lumley T, Levy D. *Environmetrics*
2000;11:689-704; Janes H, Sheppard L, Lumley T. *Epidemiology*
2005;16(6):717-726). Referent days near other events (their hazard windows) and
days without data are skipped: a referent must be a day on which no other cramp's
effect could act and on which the exposure could have been measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase

#: Monday 1970-01-05: block strata are counted from here, so they never depend on the data.
BLOCK_ORIGIN = np.datetime64("1970-01-05", "D")


def as_days(values) -> np.ndarray:
    """Convert dates (``datetime.date``, ISO strings, Timestamps) to ``datetime64[D]``.

    The time base's one conversion (:func:`analyzer.timebase.to_days`).
    """
    return timebase.to_days(values)


def stratum_of(days: np.ndarray, scheme: str = "block", stratum_days: int = 28) -> np.ndarray:
    """Return an integer stratum label per day.

    ``"month"``: ``12 * year + month``; ``"block"``: the number of whole
    ``stratum_days`` blocks since :data:`BLOCK_ORIGIN`.
    """
    days = as_days(days)
    if scheme == "month":
        return days.astype("datetime64[M]").astype(np.int64)
    if scheme == "block":
        return (days - BLOCK_ORIGIN).astype(np.int64) // stratum_days
    raise ValueError(f"unknown stratum scheme {scheme!r}")


def _stratum_days(strata: np.ndarray, scheme: str, stratum_days: int) -> np.ndarray:
    """All calendar days of the given strata."""
    out = []
    for s in np.unique(strata):
        if scheme == "month":
            start = np.datetime64(int(s), "M").astype("datetime64[D]")
            end = (np.datetime64(int(s), "M") + 1).astype("datetime64[D]")
        else:
            start = BLOCK_ORIGIN + int(s) * stratum_days
            end = start + stratum_days
        out.append(np.arange(start, end, dtype="datetime64[D]"))
    return np.concatenate(out) if out else np.array([], dtype="datetime64[D]")


def _keep_referents(
    ref_days: np.ndarray, own_days: np.ndarray, events: np.ndarray, washout_days: int
) -> np.ndarray:
    """True for referent days not within ``washout_days`` of any *other* event.

    The event's own neighbourhood is kept: excluding it would make the
    referent set depend on which day of the stratum is the case (a
    non-localizable scheme, which biases the conditional likelihood; Janes,
    Sheppard & Lumley 2005). The event's own day is never its referent.
    """
    lo = np.searchsorted(events, ref_days - washout_days, side="left")
    hi = np.searchsorted(events, ref_days + washout_days, side="right")
    near_own = np.abs((ref_days - own_days).astype(np.int64)) <= washout_days
    near_other = (hi - lo) - near_own.astype(np.int64) > 0
    return ~near_other & (ref_days != own_days)


def time_stratified_referents(
    event_days,
    candidate_days=None,
    *,
    scheme: str = "block",
    stratum_days: int = 28,
    same_weekday: bool = False,
    washout_days: int | None = None,
) -> pd.DataFrame:
    """Build case and referent rows for each event day.

    Parameters
    ----------
    event_days : array_like of dates
        Index day of each event; duplicates are merged (one stratum per day).
    candidate_days : array_like of dates, optional
        Days that may serve as referents (e.g. the days of the daily table).
        Default: every calendar day of the events' strata.
    scheme : {"block", "month"}
        See :func:`stratum_of`.
    stratum_days : int
        Block length for ``scheme="block"`` [days].
    same_weekday : bool
        Keep only referents on the event's weekday.
    washout_days : int, optional
        Skip referents within this many days of another event's day (the
        hazard windows of the other events). Other events' days themselves
        are always skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``event`` (0..n_events-1 in day order), ``day`` (datetime64[D]),
        ``is_case`` (bool) and ``stratum`` (int), sorted by event then day.
        Events without any referent keep only their case row.
    """
    events = np.unique(as_days(event_days))
    ev_strata = stratum_of(events, scheme, stratum_days)
    if candidate_days is None:
        candidates = _stratum_days(ev_strata, scheme, stratum_days)
    else:
        candidates = np.unique(as_days(candidate_days))
    ev = pd.DataFrame({"event": np.arange(events.size), "event_day": events, "stratum": ev_strata})
    cand = pd.DataFrame(
        {"day": candidates, "stratum": stratum_of(candidates, scheme, stratum_days)}
    )
    keys = ["stratum"]
    if same_weekday:
        ev["weekday"] = (events - BLOCK_ORIGIN).astype(np.int64) % 7
        cand["weekday"] = (candidates - BLOCK_ORIGIN).astype(np.int64) % 7
        keys.append("weekday")
    refs = ev.merge(cand, on=keys, how="inner")
    refs = refs.loc[
        _keep_referents(
            refs["day"].to_numpy().astype("datetime64[D]"),
            refs["event_day"].to_numpy().astype("datetime64[D]"),
            events,
            washout_days or 0,
        )
    ]
    refs["is_case"] = False
    cases = ev.assign(day=ev["event_day"], is_case=True)
    cols = ["event", "day", "is_case", "stratum"]
    out = pd.concat([cases[cols], refs[cols]], ignore_index=True)
    out["day"] = out["day"].to_numpy().astype("datetime64[D]")
    return out.sort_values(
        ["event", "is_case", "day"], ascending=[True, False, True], ignore_index=True
    )
