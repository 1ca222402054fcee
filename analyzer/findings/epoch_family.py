"""Event-triggered averages of every indicator around the cramps, with one family-wise band.

    SEA(l) = mean_i y(t_i + l),   l = lag_min .. lag_max  (days from the index day)

The null distribution comes from pseudo-events drawn from *eligible* days:
for each cramp, one of the days it could have fallen on, i.e. its own
case-crossover referent days (the same 28-day stratum, so the same season;
training days for an exercise cramp, days with device data for a nocturnal
one; never another cramp's day). This is option (b) of the superposed-epoch
literature, random pseudo-events with the events' own timing constraints
(Adams JB, Mann ME, Ammann CM. Proxy evidence for an El Nino-like response to
volcanic forcing. *Nature* 2003;426:274-278, doi:10.1038/nature02101). A
circular shift of the whole series (``epochs.event_triggered_average``) would
put exercise cramps on rest days, so daily load at the cramp's own day would
stand out for every athlete whatever the truth.

All curves shown together -- every indicator for every cramp type -- form
one family. Each null average is studentized by its own null mean and
standard deviation at that lag, and the family-wise threshold is the 95th
percentile over permutations of the largest studentized deviation over all
curves and all lags that precede the cramp (the max-T procedure: Westfall PH,
Young SS. *Resampling-Based Multiple Testing*. Wiley, 1993, ch. 2). An
average outside ``null mean +/- threshold x null SD`` before the cramp is
``listed`` among the findings; one outside only its pointwise band is
exploratory. Lags at or after the cramp (``possibly_consequence``) are shown
but neither enter the family nor are ever listed: what follows a cramp may be
its consequence (the night it woke you from).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from analyzer.findings.epochs import EPOCH_INDICATORS, possibly_consequence

COLUMNS = [
    "indicator",
    "caption",
    "cramp_type",
    "lag_days",
    "mean",
    "n_events",
    "null_mean",
    "null_sd",
    "pointwise_low",
    "pointwise_high",
    "familywise_low",
    "familywise_high",
    "outside_pointwise",
    "outside_familywise",
    "possibly_consequence",
    "listed",
    "n_curves",
]


def pseudo_events(
    windows: pd.DataFrame,
    n_permutations: int,
    rng: np.random.Generator,
    sessions_per_day: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The cramps' day positions and ``n_permutations`` random re-draws of them, stratum by stratum.

    A stratum's cramps are re-drawn together, as that many distinct days out
    of every day they could have fallen on (the stratum's cramp days and
    their referent days; sessions instead of days when exercise cramps are
    compared session by session, so a day with two sessions counts twice,
    the cramp's own day included: its other sessions were at risk too, and
    leaving them out under-samples the cramp days themselves, which in
    simulations with no effect listed an excursion for 8-9% of athletes
    instead of about 5%).
    Under no effect the observed days are one of these
    equally likely draws: an exact conditional permutation null. Drawing each
    cramp's pseudo-day from its own referents alone understates the null
    spread (in simulations with no effect the standardised averages had SD
    1.07 instead of 1, and 8% of lags left their pointwise 95% band).

    Parameters
    ----------
    windows : pandas.DataFrame
        ``Design.windows`` of one cramp type: ``event``, ``is_case``,
        ``stratum``, ``pos``, and ``unit`` (session row) in a session-level design.
    n_permutations : int
    rng : numpy.random.Generator
    sessions_per_day : numpy.ndarray, optional
        Sessions on each day position, for a session-level design: a cramp day
        counts with all its sessions, not only the one the cramp was in.

    Returns
    -------
    events : numpy.ndarray of int, shape (n_events,)
        Day position of each cramp day.
    pseudo : numpy.ndarray of int, shape (n_permutations, n_events)
        Re-drawn day positions (column order follows the strata, not the events;
        only averages over events are taken).
    """
    is_case = windows["is_case"].astype(bool).to_numpy()
    strata = windows["stratum"].to_numpy()
    pos = windows["pos"].to_numpy(dtype=np.int64)
    # In a session-level design the units are sessions: a day with two sessions
    # is twice as likely to hold the cramp, so pseudo-cramps are drawn by session.
    unit = windows["unit"].to_numpy(dtype=np.int64) if "unit" in windows.columns else pos
    events, columns = [], []
    for stratum in np.unique(strata[is_case]):
        mine = strata == stratum
        units, first = np.unique(unit[mine], return_index=True)
        days = pos[mine][first]
        cases = pos[mine & is_case]
        if sessions_per_day is not None:
            days = _with_cramp_days_sessions(days, cases, sessions_per_day)
        keys = rng.random((n_permutations, days.size))
        chosen = np.argpartition(keys, cases.size - 1, axis=1)[:, : cases.size]
        events.append(cases)
        columns.append(days[chosen])
    if not events:
        return np.array([], dtype=np.int64), np.zeros((n_permutations, 0), dtype=np.int64)
    return np.concatenate(events), np.concatenate(columns, axis=1)


def _with_cramp_days_sessions(
    days: np.ndarray, cases: np.ndarray, sessions_per_day: np.ndarray
) -> np.ndarray:
    """The stratum's session days, each cramp day repeated once per session it held."""
    present = pd.Series(days).value_counts()
    missing = [
        np.full(max(int(sessions_per_day[day]) - int(present.get(day, 0)), 0), day)
        for day in np.unique(cases)
    ]
    return np.concatenate([days, *missing]).astype(np.int64)


def _window_means(y: np.ndarray, positions: np.ndarray, lags: np.ndarray) -> tuple:
    """Average of ``y`` at ``positions + lag`` over the last axis of ``positions``.

    Reads outside the series are missing. Returns the means (``positions``'s
    leading shape + ``(n_lags,)``) and the number of values behind each.
    """
    pad = int(np.abs(lags).max()) if lags.size else 0
    padded = np.concatenate([np.full(pad, np.nan), y, np.full(pad, np.nan)])
    values = padded[positions[..., None] + pad + lags]
    known = ~np.isnan(values)
    n = known.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n > 0, np.where(known, values, 0.0).sum(axis=-2) / n, np.nan)
    return means, n


def _curve(y, events, pseudo, lags, level) -> dict:
    observed, n_used = _window_means(y, events, lags)
    null, _ = _window_means(y, pseudo, lags)
    alpha = 1 - level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        null_mean = np.nanmean(null, axis=0)
        null_sd = np.nanstd(null, axis=0, ddof=1)
        low, high = np.nanpercentile(null, [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
    sd = np.where(null_sd > 0, null_sd, np.nan)
    return dict(
        mean=observed,
        n_events=n_used,
        null_mean=null_mean,
        null_sd=null_sd,
        pointwise_low=low,
        pointwise_high=high,
        z_null=np.abs(null - null_mean) / sd,
        z=np.abs(observed - null_mean) / sd,
    )


def epochs_table(
    daily: pd.DataFrame,
    designs: dict,
    lag_min: int,
    lag_max: int,
    n_permutations: int,
    seed: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Event-triggered averages of every indicator and cramp type, one family-wise band.

    Parameters
    ----------
    daily : pandas.DataFrame
        Prepared daily table (gap-free ``day`` axis).
    designs : dict of str to Design
        The case-crossover design of each cramp type
        (:func:`analyzer.findings.casecrossover.build_design`): the cramps'
        days and the referent days their pseudo-events are drawn from.
    lag_min, lag_max : int
        Lag range [days].
    n_permutations, seed : int
        Pseudo-event draws per cramp type and the seed (each type its own stream).
    level : float
        Coverage of the pointwise and the family-wise bands.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, cramp type and lag (:data:`COLUMNS`).
        ``listed``: outside the family-wise band before the cramp.
        ``n_curves``: the curves in the family.
    """
    lags = np.arange(lag_min, lag_max + 1)
    curves, maxima = [], []
    for t, (cramp_type, design) in enumerate(designs.items()):
        windows = design.windows
        if not len(windows) or not windows["is_case"].any():
            continue
        rng = np.random.default_rng([seed, t])
        per_day = None
        if "unit" in windows.columns and "session_count" in daily.columns:
            counts = pd.to_numeric(daily["session_count"], errors="coerce")
            per_day = counts.fillna(0).to_numpy(dtype=np.int64)
        events, pseudo = pseudo_events(windows, n_permutations, rng, per_day)
        after = possibly_consequence(cramp_type, lags)
        for column, caption in EPOCH_INDICATORS.items():
            if column not in daily.columns:
                continue
            y = pd.to_numeric(daily[column], errors="coerce").to_numpy(dtype=float)
            if np.all(np.isnan(y)):
                continue
            curve = _curve(y, events, pseudo, lags, level)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                maxima.append(np.nanmax(curve["z_null"][:, ~after], axis=1))
            curves.append((column, caption, cramp_type, after, curve))
    if not curves:
        return pd.DataFrame(columns=COLUMNS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        threshold = float(np.nanpercentile(np.nanmax(np.column_stack(maxima), axis=1), 100 * level))
    frames = []
    for column, caption, cramp_type, after, c in curves:
        outside = c["z"] > threshold
        frames.append(
            pd.DataFrame(
                {
                    "indicator": column,
                    "caption": caption,
                    "cramp_type": cramp_type,
                    "lag_days": lags,
                    "mean": c["mean"],
                    "n_events": c["n_events"],
                    "null_mean": c["null_mean"],
                    "null_sd": c["null_sd"],
                    "pointwise_low": c["pointwise_low"],
                    "pointwise_high": c["pointwise_high"],
                    "familywise_low": c["null_mean"] - threshold * c["null_sd"],
                    "familywise_high": c["null_mean"] + threshold * c["null_sd"],
                    "outside_pointwise": (c["mean"] < c["pointwise_low"])
                    | (c["mean"] > c["pointwise_high"]),
                    "outside_familywise": outside,
                    "possibly_consequence": after,
                    "listed": outside & ~after,
                    "n_curves": len(curves),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _days_before(cramp_type: str, lag: int) -> str:
    noun = "nocturnal cramps" if cramp_type == "nocturnal" else "exercise-associated cramps"
    if lag == 0:
        return f"on the day of {noun}"
    if lag == -1:
        return f"the day before {noun}"
    return f"{-lag} days before {noun}"


def excursion_clauses(epochs: pd.DataFrame, most: int = 2) -> list[str]:
    """Plain clauses for the listed excursions: the strongest lag of each curve, strongest first.

    E.g. "daily training load was higher the day before nocturnal cramps than on
    comparable days (120 against 85; family-wise band over 20 curves)".
    """
    if epochs is None or not len(epochs) or "listed" not in epochs.columns:
        return []
    listed = epochs.loc[epochs["listed"].astype(bool)].copy()
    if listed.empty:
        return []
    listed["z"] = (listed["mean"] - listed["null_mean"]).abs() / listed["null_sd"]
    best = listed.sort_values("z", ascending=False).drop_duplicates(["cramp_type", "indicator"])
    out = []
    for _, row in best.head(most).iterrows():
        way = "higher" if row["mean"] > row["null_mean"] else "lower"
        out.append(
            f"{row['caption']} was {way} {_days_before(row['cramp_type'], int(row['lag_days']))} "
            f"than on comparable days ({row['mean']:.3g} against {row['null_mean']:.3g}; "
            f"family-wise band over {int(row['n_curves'])} curves)"
        )
    return out
