"""Display tables of what an athlete logs: medications with their drug class, the daily log.

Pure functions of the library's tables that return DataFrames with column
names a person reads (units in the names), for the dashboard and the report.
"""

from __future__ import annotations

import pandas as pd

from analyzer.indicators.journal import TAG_PREFIX, journal_days, tag_days
from analyzer.medication_classes import with_drug_classes
from analyzer.schema import DAILY_YES_NO

MEDICATION_COLUMNS = {
    "name": "name",
    "kind": "kind",
    "drug_class": "drug class",
    "start_date": "started",
    "end_date": "stopped",
    "notes": "notes",
}


def medication_table(medications: pd.DataFrame | None) -> pd.DataFrame:
    """Logged courses, newest start first, with each one's drug class.

    ``stopped`` reads "ongoing" for a course without an end date; ``drug
    class`` is "class not known" for a name of no class reported with cramps
    (:func:`analyzer.medication_classes.class_label`).
    """
    frame = with_drug_classes(medications)
    for column in MEDICATION_COLUMNS:
        if column not in frame:
            frame[column] = None
    start = pd.to_datetime(frame["start_date"].astype(str), errors="coerce")
    # One type per column (text), so that the table travels to the browser as one Arrow type.
    frame["start_date"] = frame["start_date"].map(lambda day: _day_text(day, ""))
    frame["end_date"] = frame["end_date"].map(lambda day: _day_text(day, "ongoing"))
    frame = frame.assign(_start=start).sort_values("_start", ascending=False, na_position="last")
    return frame[list(MEDICATION_COLUMNS)].rename(columns=MEDICATION_COLUMNS).reset_index(drop=True)


def _day_text(day: object, missing: str) -> str:
    """A date as ``YYYY-MM-DD`` (``missing`` when there is none)."""
    if day is None or pd.isna(day):
        return missing
    return pd.Timestamp(day).date().isoformat()


#: Labels of the daily-log items in display tables and forms (units in brackets).
ITEM_LABELS = {
    "hydrated": "hydrated",
    "fluid_l": "fluid [L]",
    "electrolytes": "electrolytes",
    "alcohol": "alcohol",
    "alcohol_drinks": "alcohol [drinks]",
    "caffeine": "caffeine",
    "caffeine_mg": "caffeine [mg]",
    "stretching_min": "stretching [min]",
    "massage": "massage",
    "ill": "ill",
    "sweat_loss_l": "sweat loss [L]",
}


def _yes_no(value: float) -> str:
    if pd.isna(value):
        return ""
    return "yes" if value else "no"


def daily_log_table(
    daily_log: pd.DataFrame | None, daily_tags: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The logged days, newest first: one row per date, sources merged, "" where not logged.

    Yes/no items read "yes"/"no"; custom items follow the standard ones; the
    last column names the sources that answered (the athlete's own log wins,
    :data:`analyzer.indicators.journal.SOURCE_ORDER`).
    """
    days = journal_days(daily_log)
    tags = tag_days(daily_tags)
    table = days.join(tags, how="outer") if not tags.empty else days
    out = pd.DataFrame({"date": list(table.index)}, index=table.index.rename(None))
    for item, label in ITEM_LABELS.items():
        values = table[item] if item in table else pd.Series(index=table.index, dtype=float)
        out[label] = values.map(_yes_no) if item in DAILY_YES_NO else values
    for column in tags.columns:
        name = column[len(TAG_PREFIX) :]
        out[column if name in out or name == "source" else name] = table[column].map(_yes_no)
    out["source"] = table["sources"].fillna("") if "sources" in table else ""
    return out.sort_values("date", ascending=False).reset_index(drop=True)
