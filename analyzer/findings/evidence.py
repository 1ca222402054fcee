"""How strong the evidence behind each finding is, in four plain levels, and the summary.

Every row of the findings carries an ``evidence`` level, and its sentence
opens with what that level means in plain words, so the words never promise
more than the numbers hold:

* ``clear``: the Benjamini-Hochberg adjusted p-value is below 0.05, i.e. the
  pattern holds after allowing for every comparison shown together
  (Benjamini Y, Hochberg Y. *J R Stat Soc B* 1995;57(1):289-300,
  doi:10.1111/j.2517-6161.1995.tb02031.x);
* ``suggestive``: p < 0.05 only before that allowance; with dozens of
  comparisons, about one in twenty reaches this by chance alone;
* ``none``: no pattern either way;
* ``descriptive_only``: fewer events than ``FindingsParams.descriptive_below_events``
  (about ten), too few to tell a pattern from chance: with few events even a
  perfect association cannot reach significance (with every cramp exposed, the
  exact one-sided p is the product over cramps of the exposed share of its
  windows), and one that does rests on a handful of days.

:func:`summary_text` turns a findings table into the one or two sentences a
report and each dashboard page open with: what stands out, or that nothing
does after the stated number of comparisons, which is a normal result.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analyzer.findings.events import TYPE_NOUNS

ALPHA = 0.05

#: The evidence levels, strongest first.
EVIDENCE_LEVELS = ("clear", "suggestive", "none", "descriptive_only")

#: How a sentence opens at each level: what the level means, in plain words.
EVIDENCE_OPENERS = {
    "clear": "Clear pattern (it holds after allowing for every comparison made): ",
    "suggestive": (
        "Possible pattern, not confirmed (it stands out only before allowing for the "
        "other comparisons, as about one in twenty do by chance): "
    ),
    "none": "No clear pattern: ",
    "descriptive_only": "Too few cramps to tell a pattern from chance (descriptive only): ",
}


def evidence_level(
    p_value: float | None,
    p_adjusted: float | None,
    n_events: int,
    descriptive_below: int = 10,
    alpha: float = ALPHA,
) -> str:
    """Return the evidence level of one finding.

    Parameters
    ----------
    p_value, p_adjusted : float or None
        Raw and Benjamini-Hochberg adjusted p-values (``None``/``NaN``: not tested).
    n_events : int
        Events the comparison rests on.
    descriptive_below : int
        Fewer events than this: ``descriptive_only``, whatever the p-values.
    alpha : float
        Significance level of both thresholds.
    """
    if n_events < descriptive_below:
        return "descriptive_only"
    if _finite(p_adjusted) and p_adjusted < alpha:
        return "clear"
    if _finite(p_value) and p_value < alpha:
        return "suggestive"
    return "none"


def evidence_levels(findings: pd.DataFrame, descriptive_below: int) -> np.ndarray:
    """:func:`evidence_level` of every row of a findings table."""
    return np.array(
        [
            evidence_level(p, q, int(n or 0), descriptive_below)
            for p, q, n in zip(findings["p_value"], findings["p_adjusted"], findings["n_events"])
        ],
        dtype=object,
    )


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def fmt_p(value: float | None) -> str:
    """A p-value for people: ``"< 0.001"`` when small, never ``0``; ``"–"`` when missing."""
    if not _finite(value):
        return "–"
    if value < 0.001:
        return "< 0.001"
    if value < 0.01:
        return f"{value:.3f}"
    return f"{value:.2f}"


def _ratio(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}" if value >= 1 else f"{value:.2g}"


def cramp_count(n: int, cramp_type: str | None = None) -> str:
    """``"1 nocturnal cramp"``, ``"12 nocturnal cramps"``; ``"3 cramps"`` without a type."""
    noun = TYPE_NOUNS[cramp_type][0].lower() if cramp_type in TYPE_NOUNS else "cramps"
    return f"{n} {noun.removesuffix('s') if n == 1 else noun}"


def _clause(row) -> str:
    """What one clear finding says, in words; an infinite ratio has no upper limit."""
    noun = TYPE_NOUNS.get(row["cramp_type"], ("Cramps",))[0].lower()
    rate = row.get("kind") == "rate_ratio"
    with_what = f"{'while' if rate else 'with'} {row['label']}"
    count = cramp_count(int(row["n_events"]))
    low, high = row["ci_low"], row["ci_high"]
    if not math.isfinite(row["estimate"]):
        return (
            f"{noun} came only {with_what}, so the ratio has no upper limit "
            f"(95% lower limit {_ratio(low)}; {count})"
        )
    interval = (
        f"95% CI {_ratio(low)}-{_ratio(high)}"
        if math.isfinite(high)
        else f"95% CI from {_ratio(low)}, no upper limit"
    )
    times = "frequent" if rate else "likely"
    return (
        f"{noun} were {_ratio(row['estimate'])} times as {times} {with_what} ({interval}; {count})"
    )


def _stand_out(rows: pd.DataFrame, overlaps) -> str:
    parts = [_clause(row) for _, row in rows.head(2).iterrows()]
    more = len(rows) - len(parts)
    tail = f", and {more} more clear pattern{'s' if more > 1 else ''}" if more > 0 else ""
    shown = set(zip(rows["cramp_type"], rows["exposure"]))
    pairs = [
        f"{o.first_label} and {o.second_label} overlap, so they may be one pattern"
        for o in overlaps or ()
        if (o.cramp_type, o.first) in shown and (o.cramp_type, o.second) in shown
    ]
    return "; ".join(parts) + tail + "".join(f" ({p})" for p in pairs[:1])


def _too_few(findings: pd.DataFrame, n_cramps: dict[str, int], descriptive_below: int) -> str:
    """Why nothing could be tested: too few cramps, or too few with data around them."""
    if all(n_cramps.get(t, 0) < descriptive_below for t in TYPE_NOUNS):
        counts = ", ".join(cramp_count(n_cramps.get(t, 0), t) for t in TYPE_NOUNS)
        return (
            f"Too few cramps to tell a pattern from chance yet ({counts}; about "
            f"{descriptive_below} of a kind are needed), so every comparison is descriptive only."
        )
    compared = []
    for cramp_type in TYPE_NOUNS:
        if not n_cramps.get(cramp_type, 0):
            continue
        mine = findings.loc[findings["cramp_type"] == cramp_type] if len(findings) else findings
        events = pd.to_numeric(mine["n_events"], errors="coerce") if len(mine) else pd.Series()
        n = int(events.max()) if events.notna().any() else 0
        compared.append(f"{n} of {cramp_count(n_cramps[cramp_type], cramp_type)}")
    return (
        f"Too few cramps fall on days with data to compare them with yet "
        f"({', '.join(compared)}; about {descriptive_below} of a kind are needed), so every "
        "comparison is descriptive only: import the device data of the weeks around your cramps."
    )


def summary_text(
    findings: pd.DataFrame,
    n_cramps: dict[str, int],
    descriptive_below: int = 10,
    overlaps=None,
    extra_clear: list[str] | None = None,
) -> str:
    """One or two sentences: what stands out, or that nothing does after N comparisons.

    Parameters
    ----------
    findings : pandas.DataFrame
        Ranked findings with ``evidence``, ``label``, ``cramp_type``,
        ``estimate``, ``ci_low``, ``ci_high``, ``n_events`` and ``p_value``.
    n_cramps : dict of str to int
        Cramps logged per type (``exercise``, ``nocturnal``, ``other``).
    descriptive_below : int
        The descriptive-only limit, for the "too few" sentence.
    overlaps : list of analyzer.findings.overlap.Overlap, optional
        Overlapping exposures: two clear findings that overlap are named so.
    extra_clear : list of str, optional
        Further clear results shown beside the findings table (for example an
        event-triggered excursion that survives its family-wise band), each a
        short clause.
    """
    compared = sum(n_cramps.get(t, 0) for t in TYPE_NOUNS)
    if compared == 0:
        if n_cramps.get("other", 0):
            return (
                "Nothing can be compared yet: the cramps logged are at rest in the daytime or "
                "without a context, and only exercise and night cramps are compared."
            )
        return "No cramps are logged yet, so there is nothing to compare."
    tested = findings.loc[findings["p_value"].notna()] if len(findings) else findings
    inferential = tested.loc[tested["evidence"] != "descriptive_only"] if len(tested) else tested
    n_tests = int(len(tested))
    if len(inferential) == 0:
        return _too_few(findings, n_cramps, descriptive_below)
    clear = findings.loc[findings["evidence"] == "clear"]
    extra = list(extra_clear or [])
    if len(clear) or extra:
        what = _stand_out(clear, overlaps) if len(clear) else ""
        what = "; ".join([w for w in [what, *extra] if w])
        return (
            f"What stands out after allowing for all {n_tests} comparisons: {what}. "
            "These are associations in your own data, not proof of a cause."
        )
    suggestive = int((findings["evidence"] == "suggestive").sum())
    text = (
        f"Nothing stands out: none of the {n_tests} comparisons of your cramps with your own "
        "ordinary days shows a clear pattern."
    )
    if suggestive:
        expected = ALPHA * n_tests
        chance = (
            "about what chance alone gives"
            if suggestive <= 2 * expected + 1
            else "more than chance alone gives, worth watching as more cramps are logged"
        )
        text += (
            f" {suggestive} reached p < 0.05 only before allowing for the number of comparisons, "
            f"{chance} ({expected:.1f} expected)."
        )
    return text
