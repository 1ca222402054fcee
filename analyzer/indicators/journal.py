"""The daily log as daily columns: one value per local date and item, sources merged.

The library holds one daily-log row per date and source (the athlete's own
daily log or the dashboard's form, a WHOOP journal, a device's hydration log).
:func:`journal_days` merges them into one row per date: each item takes the
first answer found in :data:`SOURCE_ORDER` (what the athlete wrote first, a
journal app next, a device's log last). :func:`with_journal` adds the result
to the daily indicator table as ``log_*`` columns (yes/no items as 1.0/0.0)
and each custom yes/no item as a ``tag: <name>`` column.

Missing is never "no": a date the athlete did not answer stays NaN in every
column, so that the findings compare only the days that were logged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.schema import DAILY_AMOUNTS, DAILY_YES_NO

#: The daily-log items, in the order the features table shows them.
ITEMS = (
    "hydrated",
    "fluid_l",
    "electrolytes",
    "alcohol",
    "alcohol_drinks",
    "caffeine",
    "caffeine_mg",
    "stretching_min",
    "massage",
    "ill",
    "sweat_loss_l",
)
#: Prefix of the daily-log columns of the daily table.
PREFIX = "log_"
#: Prefix of the custom yes/no item columns of the daily table.
TAG_PREFIX = "tag: "
#: Which source's answer a merged day takes first (other sources after these, by name).
SOURCE_ORDER = ("daily_log", "whoop_journal")
JOURNAL_COLUMNS = tuple(PREFIX + item for item in ITEMS)

assert set(ITEMS) == set(DAILY_YES_NO) | set(DAILY_AMOUNTS)


def _source_rank(sources: pd.Series) -> pd.Series:
    order = {name: rank for rank, name in enumerate(SOURCE_ORDER)}
    return sources.map(lambda s: order.get(s, len(order))).astype(int)


def _first_answer(frame: pd.DataFrame, key: list[str], columns: list[str]) -> pd.DataFrame:
    """Per ``key``, the first non-missing value of each column in source order."""
    ranked = frame.assign(_rank=_source_rank(frame["source"]))
    ranked = ranked.sort_values([*key, "_rank", "source"], kind="stable")
    return ranked.groupby(key, sort=True)[columns].first()


def journal_days(daily_log: pd.DataFrame | None) -> pd.DataFrame:
    """One row per date with every daily-log item, sources merged (see the module notes).

    Parameters
    ----------
    daily_log : pandas.DataFrame or None
        Canonical ``daily_log`` rows of one athlete.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (``datetime.date``), columns :data:`ITEMS` as floats
        (yes/no items 1.0/0.0, NaN when not logged) and ``sources`` (the
        sources that answered, joined by ``+``).
    """
    if daily_log is None or daily_log.empty:
        return pd.DataFrame(columns=[*ITEMS, "sources"], index=pd.Index([], name="date"))
    frame = daily_log[daily_log["date"].notna()].copy()
    for item in ITEMS:
        frame[item] = pd.to_numeric(frame[item].astype("Float64"), errors="coerce")
    merged = _first_answer(frame, ["date"], list(ITEMS)).astype(float)
    answered = frame[list(ITEMS)].notna().any(axis=1)
    merged["sources"] = (
        frame[answered]
        .groupby("date")["source"]
        .agg(lambda s: "+".join(sorted(set(s))))
        .reindex(merged.index)
    )
    return merged


def tag_days(daily_tags: pd.DataFrame | None) -> pd.DataFrame:
    """One row per date, one column per custom yes/no item (1.0/0.0, NaN not answered)."""
    if daily_tags is None or daily_tags.empty:
        return pd.DataFrame(index=pd.Index([], name="date"))
    frame = daily_tags[daily_tags["date"].notna() & daily_tags["tag"].notna()].copy()
    frame["answer"] = frame["answer"].astype("Float64").astype(float)
    first = _first_answer(frame, ["date", "tag"], ["answer"])["answer"]
    wide = first.unstack("tag")
    wide.columns = [f"{TAG_PREFIX}{tag}" for tag in wide.columns]
    return wide


def with_journal(
    daily: pd.DataFrame, daily_log: pd.DataFrame | None, daily_tags: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The daily table with the daily log's columns added for its dates.

    Parameters
    ----------
    daily : pandas.DataFrame
        The daily indicator table (``date`` column of ``datetime.date``).
    daily_log, daily_tags : pandas.DataFrame or None
        Canonical tables of the same athlete.

    Returns
    -------
    pandas.DataFrame
        ``daily`` with :data:`JOURNAL_COLUMNS` (always present, NaN where not
        logged) and one ``tag: <name>`` column per custom item, in name
        order. Answers for dates outside the daily table are not added.
        ``attrs`` are kept.
    """
    out = daily.copy()
    if "date" not in out.columns:
        for column in JOURNAL_COLUMNS:
            out[column] = np.nan
        return out
    days = journal_days(daily_log)
    dates = out["date"]
    for item in ITEMS:
        out[PREFIX + item] = dates.map(days[item]).astype(float).to_numpy()
    tags = tag_days(daily_tags)
    for column in sorted(tags.columns):
        out[column] = dates.map(tags[column]).astype(float).to_numpy()
    return out


def logged_days(daily: pd.DataFrame) -> dict[str, int]:
    """How many days of the daily table hold an answer, for each daily-log item and in all."""
    present = [c for c in JOURNAL_COLUMNS if c in daily.columns]
    counts = {c[len(PREFIX) :]: int(daily[c].notna().sum()) for c in present}
    counts["any"] = int(daily[present].notna().any(axis=1).sum()) if present else 0
    return counts
