"""Plain-language sentences for findings: associations only, never causes.

Every sentence opens with what its evidence level means in plain words
(:data:`analyzer.findings.evidence.EVIDENCE_OPENERS`), says how many cramp
days or nights it rests on, gives the interval, and never prints ``nan`` or
``inf``: estimates that cannot be computed are explained in words instead.
The per-SD descriptions of the underlying measures stay out of the sentences:
they are not part of the adjusted family, so the findings table shows them as
exploratory numbers only.
"""

from __future__ import annotations

import math

from analyzer.findings.events import AT_RISK_NOUNS, TYPE_NOUNS
from analyzer.findings.evidence import EVIDENCE_OPENERS


def fmt_ratio(value: float) -> str:
    """Format a ratio with two significant figures (``2.4``, ``0.45``, ``12``)."""
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.2g}"


def _count(n: int, cramp_type: str) -> str:
    _, singular, plural = TYPE_NOUNS[cramp_type]
    return f"{n} {singular if n == 1 else plural}"


def _interval(low: float, high: float) -> str:
    if math.isfinite(high) and low > 0:
        return f"(95% CI {fmt_ratio(low)}-{fmt_ratio(high)})"
    if low > 0:
        return f"(95% CI from {fmt_ratio(low)}, no upper limit)"
    if math.isfinite(high):
        return f"(95% CI up to {fmt_ratio(high)})"
    return "(95% CI unbounded)"


def _when(cramp_type: str, phrase: str) -> str:
    night = cramp_type == "nocturnal"
    if phrase.startswith("less than"):
        return f"when the night before had {phrase}" if night else f"after nights with {phrase}"
    if phrase.startswith("a sleep debt") and night:
        return f"with {phrase} before the cramp night"
    if phrase.startswith("the first"):
        return f"in {phrase}"
    return f"{'on days with' if cramp_type == 'exercise' else 'after days with'} {phrase}"


def finding_sentence(row: dict, confidence_level: float = 0.95) -> str:
    """Return the plain-language sentence of one case-crossover findings row.

    Parameters
    ----------
    row : mapping
        Needs ``cramp_type``, ``phrase``, ``status``, ``estimate``, ``ci_low``,
        ``ci_high``, ``n_events`` and ``evidence``.
    """
    cramp_type = row["cramp_type"]
    noun = TYPE_NOUNS[cramp_type][0]
    when = _when(cramp_type, row["phrase"])
    n = int(row.get("n_events") or 0)
    status = row["status"]
    if status == "no_events":
        return (
            f"{noun}: no cramp has data for {row['phrase']} and comparable control days, "
            "so this was not compared."
        )
    if status == "never_varies":
        return (
            f"{noun}: {row['phrase']} did not vary between cramp and control days "
            f"({_count(n, cramp_type)}), so there is nothing to compare."
        )
    if status == "not_estimable":
        return (
            f"{noun}: the data cannot give a stable estimate for {row['phrase']} "
            f"({_count(n, cramp_type)})."
        )
    est, low, high = row["estimate"], row["ci_low"], row["ci_high"]
    if math.isinf(est):
        text = (
            f"Every comparable {TYPE_NOUNS[cramp_type][1]} came {when}, "
            "so the odds ratio has no upper limit"
        )
        text += f" (95% lower limit {fmt_ratio(low)})" if low > 0 else ""
    elif est == 0:
        text = f"{noun} never occurred {when}, although comparison days with it exist"
    else:
        text = f"{noun} were {fmt_ratio(est)} times as likely {_interval(low, high)} {when}"
    text += f"; {_count(n, cramp_type)}."
    return _open(row, text)


def _open(row: dict, text: str) -> str:
    """Prefix the plain meaning of the row's evidence level."""
    return EVIDENCE_OPENERS.get(row.get("evidence") or "", "") + text


def _per_days(n: int, days: int, cramp_type: str, state: str) -> str:
    """``"2 in 11 nights off it"``: cramps over the days at risk in one state."""
    singular, plural = AT_RISK_NOUNS[cramp_type]
    return f"{n} in {days} {singular if days == 1 else plural} {state} it"


def _rate_counts(row: dict, suffix: str = "") -> str:
    """Cramps and days at risk on and off the drug (``suffix``: ``"_all"`` for every month)."""
    on, off = (
        _per_days(int(row[f"n_{s}{suffix}"]), int(row[f"days_{s}{suffix}"]), row["cramp_type"], s)
        for s in ("on", "off")
    )
    return f"{on}, {off}"


def _not_compared(row: dict) -> str:
    """Cramps left out: a calendar month without days at risk in the other state."""
    units = AT_RISK_NOUNS[row["cramp_type"]][1]
    left = {"on": int(row["n_on_all"]) - int(row["n_on"])}
    left["off"] = int(row["n_off_all"]) - int(row["n_off"])
    other = {"on": "off", "off": "on"}
    parts = [
        f"{n} while {state} it, in months without {units} {other[state]} it"
        for state, n in left.items()
        if n
    ]
    return f"; not compared: {', and '.join(parts)}" if parts else ""


def rate_sentence(row: dict) -> str:
    """Sentence for a medication's season-adjusted rate ratio (on the drug vs off it).

    The counts are over the days each cramp type is at risk on (training days,
    nights with data): the compared months' counts beside the ratio, every
    day's when nothing can be compared. Needs ``cramp_type``, ``phrase``
    ("taking X"), ``status``, ``estimate``, ``ci_low``, ``ci_high``, ``n_on``,
    ``days_on``, ``n_off``, ``days_off``, the same four with ``_all``, and
    ``evidence``.
    """
    cramp_type = row["cramp_type"]
    noun = TYPE_NOUNS[cramp_type][0]
    taking = row["phrase"]
    units = AT_RISK_NOUNS[cramp_type][1]
    if row["status"] != "ok":
        return (
            f"{noun}: the {units} {taking.replace('taking', 'on', 1)} cannot be compared with "
            f"those off it, because no calendar month has {units} both on and off it and a "
            f"cramp ({_rate_counts(row, '_all')}), so the medication cannot be told apart from "
            "the season."
        )
    counts = f"{_rate_counts(row)}{_not_compared(row)}"
    est = row["estimate"]
    if math.isinf(est):
        text = f"{noun} came only while {taking}, in the calendar months compared ({counts})"
    elif est == 0:
        text = f"No {noun.lower()} while {taking}, in the calendar months compared ({counts})"
    else:
        text = (
            f"{noun} were {fmt_ratio(est)} times as frequent while {taking} "
            f"{_interval(row['ci_low'], row['ci_high'])} as off it in the same calendar "
            f"months ({counts})"
        )
    return _open(row, text + ".")
