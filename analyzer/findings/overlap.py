"""Correlated exposures shown together: name them as overlapping.

A hard day is often a long session, and a hot session in summer often a long
one; when two such exposures both stand out for the same cramps they may be
one pattern seen twice, and an athlete should read them that way rather than
as two separate risks. For each pair of standing-out findings (``clear`` or
``suggestive``) of one cramp type, the two binary exposures are compared over
the days both were compared on (the cramp days and their control days): the
phi coefficient (Pearson's correlation of two 0/1 variables; Yule GU. On the
methods of measuring association between two attributes. *J R Stat Soc*
1912;75(6):579-652) and, among the cramp days with
either exposure, how many had both. A pair overlaps when ``phi`` reaches
:data:`PHI_OVERLAP`; the confidence intervals of the two estimates are not
adjusted for each other (the case-crossover fits one exposure at a time).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

#: Correlation from which two exposures are named as overlapping: a "small to
#: medium" association in Cohen's terms for phi (Cohen J. Statistical Power
#: Analysis for the Behavioral Sciences, 2nd ed. 1988, ch. 7: 0.1 small, 0.3 medium).
PHI_OVERLAP = 0.2

#: Evidence levels whose findings are checked for overlap (the ones a reader acts on).
STANDING_OUT = ("clear", "suggestive")


@dataclass(frozen=True)
class Overlap:
    """Two exposures of one cramp type that largely coincide.

    Attributes
    ----------
    cramp_type : str
    first, second : str
        Exposure keys (``first`` ranks higher).
    first_label, second_label : str
        Their plain names.
    phi : float
        Correlation of the two 0/1 exposures over the days compared on both.
    cramps_both, cramps_either : int
        Cramp days exposed to both / to at least one.
    """

    cramp_type: str
    first: str
    second: str
    first_label: str
    second_label: str
    phi: float
    cramps_both: int
    cramps_either: int

    def sentence(self) -> str:
        """Plain words for a note."""
        return (
            f"{_capital(self.first_label)} and {self.second_label} overlap (correlation "
            f"{self.phi:.2f} over the days compared; {self.cramps_both} of the "
            f"{self.cramps_either} cramp days with either had both): they may be one pattern "
            "seen twice rather than two separate ones."
        )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by_position(windows) -> pd.Series:
    """Exposure value per (event, day position, session) of one exposure's windows."""
    unit = windows.unit if windows.unit is not None else np.full(windows.x.size, -1)
    index = pd.MultiIndex.from_arrays([windows.event, windows.pos, unit])
    return pd.Series(windows.x, index=index)


def _pair(a, b) -> tuple[float, int, int]:
    xa, xb = _by_position(a), _by_position(b)
    common = xa.index.intersection(xb.index)
    if len(common) < 3:
        return np.nan, 0, 0
    va, vb = xa.loc[common].to_numpy(), xb.loc[common].to_numpy()
    if va.std() == 0 or vb.std() == 0:
        return np.nan, 0, 0
    phi = float(np.corrcoef(va, vb)[0, 1])
    cases = np.intersect1d(
        a.event[a.is_case & (a.x == 1)], b.event[b.is_case & (b.x == 1)], assume_unique=False
    )
    either = np.union1d(a.event[a.is_case & (a.x == 1)], b.event[b.is_case & (b.x == 1)])
    return phi, int(cases.size), int(either.size)


def find_overlaps(items, findings: pd.DataFrame) -> list[Overlap]:
    """Pairs of standing-out binary findings of one cramp type whose exposures overlap.

    Parameters
    ----------
    items : list of ExposureWindows
        The matched windows behind the findings (one per cramp type and exposure).
    findings : pandas.DataFrame
        Ranked findings with ``cramp_type``, ``exposure``, ``label``, ``kind``
        and ``evidence``.
    """
    windows = {
        (item.cramp_type, item.exposure.key): item.windows
        for item in items
        if item.exposure.kind == "binary" and item.windows.pos is not None
    }
    shown = findings.loc[findings["evidence"].isin(STANDING_OUT) & (findings["kind"] == "binary")]
    out = []
    for cramp_type, rows in shown.groupby("cramp_type", sort=False):
        for (_, r1), (_, r2) in combinations(rows.iterrows(), 2):
            a = windows.get((cramp_type, r1["exposure"]))
            b = windows.get((cramp_type, r2["exposure"]))
            if a is None or b is None or not len(a) or not len(b):
                continue
            phi, both, either = _pair(a, b)
            if np.isfinite(phi) and phi >= PHI_OVERLAP:
                out.append(
                    Overlap(
                        cramp_type,
                        r1["exposure"],
                        r2["exposure"],
                        r1["label"],
                        r2["label"],
                        phi,
                        both,
                        either,
                    )
                )
    return out


def overlap_column(findings: pd.DataFrame, overlaps: list[Overlap]) -> list[str]:
    """For each findings row, the plain names of the exposures it overlaps ("" if none)."""
    names: dict[tuple[str, str], list[str]] = {}
    for o in overlaps:
        names.setdefault((o.cramp_type, o.first), []).append(o.second_label)
        names.setdefault((o.cramp_type, o.second), []).append(o.first_label)
    return [
        "; ".join(names.get((c, e), []))
        for c, e in zip(findings["cramp_type"], findings["exposure"])
    ]
