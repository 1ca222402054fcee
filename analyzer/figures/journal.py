"""Display tables of what an athlete logs: medications with their drug class.

Pure functions of the library's tables that return DataFrames with column
names a person reads (units in the names), for the dashboard and the report.
"""

from __future__ import annotations

import pandas as pd

from analyzer.medication_classes import with_drug_classes

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
    frame["end_date"] = frame["end_date"].astype(object).where(frame["end_date"].notna(), "ongoing")
    start = pd.to_datetime(frame["start_date"].astype(str), errors="coerce")
    frame = frame.assign(_start=start).sort_values("_start", ascending=False, na_position="last")
    return frame[list(MEDICATION_COLUMNS)].rename(columns=MEDICATION_COLUMNS).reset_index(drop=True)
