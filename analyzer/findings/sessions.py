"""Exercise cramps compared session by session: the session a cramp happened in, and before it.

With the per-session table (``analyzer.indicators.sessions_table``) an
exercise-associated cramp is compared through the session it is linked to,
not through its day: the day's aggregates would credit a morning cramp with
an afternoon long run. The matched set of a cramp is its own session (the
case) and every session of its referent days (the case-crossover's training
days of the same stratum, other cramp days skipped), so that like is compared
with like, as in the case-crossover design for a transient exposure with
immediate effect (Maclure M. The case-crossover design. *Am J Epidemiol*
1991;133(2):144-153, doi:10.1093/oxfordjournals.aje.a115853).

What a session is exposed to:

* its own intensity, duration and temperature relative to habit
  (``Exposure.session_values``);
* the day's load up to and including the session (sessions of the same local
  day that started no later), against the mean daily load of the 28 days
  before: the hard-day rule counts what came before the cramp, not a later
  session the same day;
* the day-level state it started from (the night before, that morning's
  resting HR and HRV, the load models up to the day before).

A cramp that ends its session early: when a cramp during a session comes
within :data:`CUT_SHORT_S` of the session's recorded end, the session may
have stopped because of it, and a note counts these cramps. The session then
counts with its recorded length in the session-length comparison, which is
shorter than planned if the cramp ended it: cramp sessions can only look
shorter than they would have been, so the comparison can hide a link between
longer sessions and cramps (or make longer sessions look protective) but
cannot create one. The alternatives
are worse: leaving these cramps out loses exactly the ones the hypothesis is
about (a cramp late in a long session, often the last thing in it), and
treating only the still-short ones as unknown would keep the long ones and so
create a link. Every other comparison reads the session as recorded too, with
its load up to the cramp.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer import timebase
from analyzer.findings.casecrossover import Design, day_axis

#: A cramp during a session this close to the session's recorded end is taken to have ended it [s].
CUT_SHORT_S = 600.0

#: A cramp this long after a session's end still belongs to it (the store's link window) [s].
AFTER_SESSION_S = 3600.0

UNIT_COLUMNS = (
    "activity_id",
    "pos",
    "start_ns",
    "end_ns",
    "load",
    "load_so_far",
    "intensity_rel_habit",
    "duration_rel_habit",
    "avg_temperature_c",
)


def _ns(values) -> np.ndarray:
    """Nanoseconds since the epoch, whatever resolution the timestamps arrive in."""
    stamps = pd.to_datetime(pd.Series(values), utc=True).dt.as_unit("ns")
    return stamps.astype("int64").to_numpy()


def _numeric(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def session_units(sessions: pd.DataFrame | None, daily: pd.DataFrame) -> pd.DataFrame | None:
    """One row per session inside the daily table's span, with its day position.

    ``load_so_far`` is the load of the session's local day up to and including
    it (sessions that started no later; missing loads count as unknown, so the
    sum is missing when this session's own load is). ``None`` when no session
    has a start time and a local date inside the span.
    """
    if sessions is None or len(sessions) == 0 or "start_utc" not in sessions.columns:
        return None
    days = day_axis(daily)
    if days.size == 0:
        return None
    frame = sessions.reset_index(drop=True)
    start = _ns(frame["start_utc"])
    local = (
        timebase.to_days(frame["local_date"])
        if "local_date" in frame.columns
        else timebase.to_days(pd.to_datetime(frame["start_utc"], utc=True).dt.date)
    )
    pos = (local - days[0]).astype("timedelta64[D]").astype(np.int64)
    keep = ~np.isnat(local) & (pos >= 0) & (pos < days.size) & (start > np.iinfo(np.int64).min)
    duration = np.nan_to_num(_numeric(frame, "duration_s"))
    units = pd.DataFrame(
        {
            "activity_id": frame.get("activity_id", pd.Series(None, index=frame.index)).astype(
                object
            ),
            "pos": pos,
            "start_ns": start,
            "end_ns": start + (duration * 1e9).astype(np.int64),
            "load": _numeric(frame, "load"),
            "intensity_rel_habit": _numeric(frame, "intensity_rel_habit"),
            "duration_rel_habit": _numeric(frame, "duration_rel_habit"),
            "avg_temperature_c": _numeric(frame, "avg_temperature_c"),
        }
    ).loc[keep]
    if units.empty:
        return None
    units = units.sort_values(["pos", "start_ns"], kind="stable").reset_index(drop=True)
    earlier = units.groupby("pos")["load"].transform(lambda s: s.fillna(0.0).cumsum())
    units["load_so_far"] = np.where(units["load"].notna(), earlier, np.nan)
    return units[list(UNIT_COLUMNS)]


def cramp_sessions(cramps: pd.DataFrame, units: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """The session of each exercise cramp and whether the cramp cut it short.

    A cramp linked to a session (``activity_id``) takes that session; else the
    latest session of its index day that started before it and ended at most
    :data:`AFTER_SESSION_S` earlier; else none (not compared).

    Returns
    -------
    pandas.DataFrame
        ``pos`` (index day position), ``unit`` (row of ``units``, -1 for none)
        and ``cut_short`` per cramp, in the order of ``cramps``.
    """
    days = day_axis(daily)
    index = timebase.to_days(cramps["index_day"])
    pos = (index - days[0]).astype("timedelta64[D]").astype(np.int64)
    t = _ns(cramps["start_utc"])
    by_id = {a: i for i, a in enumerate(units["activity_id"]) if isinstance(a, str) and a}
    linked = cramps.get("activity_id", pd.Series(None, index=cramps.index)).to_numpy(object)
    unit = np.full(len(cramps), -1, dtype=np.int64)
    for i in range(len(cramps)):
        if isinstance(linked[i], str) and linked[i] in by_id:
            unit[i] = by_id[linked[i]]
            continue
        mine = np.flatnonzero(
            (units["pos"].to_numpy() == pos[i])
            & (units["start_ns"].to_numpy() <= t[i])
            & (units["end_ns"].to_numpy() + AFTER_SESSION_S * 1e9 >= t[i])
        )
        if mine.size:
            unit[i] = mine[-1]
    context = cramps.get("context", pd.Series("", index=cramps.index)).astype(str).str.lower()
    end = np.where(unit >= 0, units["end_ns"].to_numpy()[np.maximum(unit, 0)], 0)
    left_s = (end - t) / 1e9
    cut_short = (unit >= 0) & (context.to_numpy() == "exercise") & (left_s >= 0)
    cut_short &= left_s <= CUT_SHORT_S
    return pd.DataFrame({"pos": pos, "unit": unit, "cut_short": cut_short})


def session_design(day_design: Design, units: pd.DataFrame, cases: pd.DataFrame) -> Design:
    """Expand a day-level exercise design to sessions.

    Parameters
    ----------
    day_design : Design
        :func:`analyzer.findings.casecrossover.build_design` of the exercise
        cramps (case and referent days).
    units : pandas.DataFrame
        :func:`session_units`.
    cases : pandas.DataFrame
        :func:`cramp_sessions` of the same cramps. On a day with cramps in
        several sessions the first cramp's session is the case (one case per
        matched set); cramps without a session leave their day out.

    Returns
    -------
    Design
        ``windows`` with ``unit`` (session row) and ``cut_short`` added: the
        case row is the cramp's session, each referent day becomes one row
        per session of that day.
    """
    windows = day_design.windows
    first = cases.loc[cases["unit"] >= 0].drop_duplicates("pos", keep="first").set_index("pos")
    case_rows = windows.loc[windows["is_case"]].copy()
    case_rows = case_rows.loc[case_rows["pos"].isin(first.index)]
    case_rows["unit"] = first.loc[case_rows["pos"], "unit"].to_numpy()
    case_rows["cut_short"] = first.loc[case_rows["pos"], "cut_short"].to_numpy(dtype=bool)
    keep_events = set(case_rows["event"])
    refs = windows.loc[~windows["is_case"] & windows["event"].isin(keep_events)]
    per_day = pd.DataFrame({"pos": units["pos"].to_numpy(), "unit": np.arange(len(units))})
    ref_rows = refs.merge(per_day, on="pos", how="inner").assign(cut_short=False)
    out = pd.concat([case_rows, ref_rows], ignore_index=True)
    out = out.sort_values(
        ["event", "is_case", "pos", "unit"], ascending=[True, False, True, True], ignore_index=True
    )
    return Design(
        day_design.cramp_type,
        out,
        day_design.n_cramps,
        day_design.n_outside,
        day_design.n_not_at_risk,
        int(windows["is_case"].sum()) - len(case_rows),
    )
