"""Nightly sleep per local wake-up date and cumulative sleep debt.

References
----------
Van Dongen HPA, Maislin G, Mullington JM, Dinges DF. The cumulative cost of additional
wakefulness. *Sleep* 2003;26(2):117-126.
Watson NF et al. Recommended amount of sleep for a healthy adult. *Sleep* 2015;38(6):843-844.
Milewski MD et al. Chronic lack of sleep is associated with increased sports injuries in
adolescent athletes. *J Pediatr Orthop* 2014;34(2):129-133.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analyzer.timebase import to_days


def sleep_debt_h(asleep_h, need_h: float, net: bool = False) -> float:
    """Sleep debt of a block of nights.

    Parameters
    ----------
    asleep_h : array-like
        Sleep of each night [h]; NaN nights are skipped.
    need_h : float
        Sleep need [h/night].
    net : bool
        False: gross debt ``Σ max(0, N − sleep)`` (no repayment); True: net debt
        ``Σ (N − sleep)`` (surplus nights repay; may be negative).

    Returns
    -------
    float
        Debt [h].
    """
    values = np.asarray(asleep_h, dtype=float)
    shortfall = need_h - values[np.isfinite(values)]
    return float(np.sum(shortfall if net else np.maximum(shortfall, 0.0)))


def rolling_sleep_debt_h(
    asleep_h: pd.Series,
    need_h: float,
    nights: int,
    net: bool = False,
    min_valid_fraction: float = 0.7,
) -> pd.Series:
    """Sleep debt over the last ``nights`` nights, one value per consecutive date.

    Nights without a record are skipped and the debt of the recorded nights is scaled
    to ``nights`` (``nights × mean shortfall``); NaN when fewer than
    ``min_valid_fraction`` of the nights are recorded, and on the first ``nights − 1``
    dates of the series.
    """
    shortfall = need_h - asleep_h.astype(float)
    if not net:
        shortfall = shortfall.clip(lower=0.0)
    min_periods = max(1, math.ceil(min_valid_fraction * nights))
    debt = nights * shortfall.rolling(nights, min_periods=min_periods).mean()
    debt.iloc[: nights - 1] = np.nan  # warm-up: the series must span the window
    return debt


def nightly_sleep(sleep: pd.DataFrame) -> pd.DataFrame:
    """One row per local wake-up date from the canonical ``sleep`` table.

    Several rows of one source for one night (a night split over files, naps) are summed;
    when several sources report the same night, the source with the most sleep is kept
    (rather than adding two devices' nights).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (``datetime64``, the local wake-up date); columns ``sleep_asleep_min``,
        ``sleep_in_bed_min`` and ``sleep_efficiency_pct`` (the vendor's efficiency when
        only it is known, else 100·asleep/in bed).
    """
    columns = ["sleep_asleep_min", "sleep_in_bed_min", "sleep_efficiency_pct"]
    if sleep is None or sleep.empty:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="date"), dtype=float)
    frame = pd.DataFrame(
        {
            "date": to_days(sleep["night"]).astype("datetime64[ns]"),
            "source": sleep["source"].to_numpy(dtype=object),
            "asleep": pd.to_numeric(sleep["asleep_min"], errors="coerce").to_numpy(
                float, na_value=np.nan
            ),
            "in_bed": pd.to_numeric(sleep["in_bed_min"], errors="coerce").to_numpy(
                float, na_value=np.nan
            ),
            "efficiency": pd.to_numeric(sleep["efficiency_pct"], errors="coerce").to_numpy(
                float, na_value=np.nan
            ),
        }
    )
    frame = frame[frame["date"].notna()]
    if frame["date"].is_unique:  # the usual case: one record per night
        best = frame.set_index("date").sort_index()
    else:
        best = _best_source_per_night(frame)
    computed = 100.0 * best["asleep"] / best["in_bed"].where(best["in_bed"] > 0)
    out = pd.DataFrame(
        {
            "sleep_asleep_min": best["asleep"],
            "sleep_in_bed_min": best["in_bed"],
            "sleep_efficiency_pct": computed.fillna(best["efficiency"]),
        }
    )
    out.index.name = "date"
    return out.astype(float)


def _best_source_per_night(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum each source's records of a night, then keep the source with the most sleep."""
    frame = frame.assign(source=frame["source"].where(frame["source"].notna(), "").astype(str))
    grouped = frame.groupby(["date", "source"], sort=True)
    per_source = grouped[["asleep", "in_bed"]].sum(min_count=1)
    per_source["efficiency"] = grouped["efficiency"].mean()
    per_source = per_source.reset_index().sort_values(
        ["date", "asleep", "source"], na_position="first"
    )
    return per_source.groupby("date", sort=True).tail(1).set_index("date").sort_index()
