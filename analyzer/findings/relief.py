"""Cramp duration by relief method (descriptive).

Stretching is the acute treatment with the most support (Miller KC et al.
*J Athl Train* 2022;57:5-15); a personal log can only describe how long cramps
lasted with each method, not compare methods fairly (the method is chosen per
cramp, and long cramps get more tries), so no test is run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "relief",
    "n_cramps",
    "median_duration_s",
    "q25_duration_s",
    "q75_duration_s",
    "median_severity_0_10",
    "sentence",
]


def relief_table(cramps: pd.DataFrame) -> pd.DataFrame:
    """Median (IQR) cramp duration and severity per relief method.

    Parameters
    ----------
    cramps : pandas.DataFrame
        Canonical cramps table (``relief``, ``duration_s``, ``severity_0_10``).
    """
    if cramps.empty or "relief" not in cramps.columns:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(
        {
            "relief": cramps["relief"]
            .astype("object")
            .where(cramps["relief"].notna(), "not logged"),
            "duration_s": pd.to_numeric(cramps.get("duration_s"), errors="coerce"),
            "severity": pd.to_numeric(cramps.get("severity_0_10"), errors="coerce"),
        }
    )
    rows = []
    for relief, group in frame.groupby("relief", sort=True):
        d = group["duration_s"].dropna().to_numpy()
        q25, med, q75 = np.percentile(d, [25, 50, 75]) if d.size else (np.nan,) * 3
        sev = group["severity"].median()
        row = dict(
            relief=relief,
            n_cramps=len(group),
            median_duration_s=med,
            q25_duration_s=q25,
            q75_duration_s=q75,
            median_severity_0_10=sev,
        )
        row["sentence"] = _sentence(row, d.size)
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values("n_cramps", ascending=False, ignore_index=True)


#: How a relief value reads at the start of a sentence (others: the word, capitalised).
_SPOKEN = {"none": "No relief method (logged as 'none')"}


def _sentence(row: dict, n_timed: int) -> str:
    n = row["n_cramps"]
    label = _SPOKEN.get(row["relief"], row["relief"].replace("_", " ").capitalize())
    head = f"{label}: {n} cramp{'s' if n != 1 else ''}"
    if n_timed == 0:
        return head + ", no duration logged."
    text = f"{head}, median duration {row['median_duration_s']:.0f} s"
    if n_timed >= 4:
        text += f" (middle half {row['q25_duration_s']:.0f}-{row['q75_duration_s']:.0f} s)"
    return text + "."
