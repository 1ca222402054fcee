"""Cells of the logs a person fills in (cramp, medication and daily logs): one parser per kind.

Each parser turns one cell into a value or records a problem as ``(column,
value, what was expected)``; an empty cell (or a null token such as ``NA`` or
``--``) is missing, never zero and never "no". Numbers accept a decimal
comma and are checked against the value's :class:`analyzer.limits.Limit`,
the same limits the dashboard's forms use.
"""

from __future__ import annotations

import datetime as dt
import math

from analyzer.io.csvsniff import NULL_TOKENS
from analyzer.limits import Limit

Problem = tuple[str, object, str]  # (column, value, what was expected)

#: Answers read as yes and as no (case does not matter).
YES = ("yes", "y", "true", "1", "ja", "oui", "si", "sí")
NO = ("no", "n", "false", "0", "nein", "non")
YES_NO_EXPECTED = "yes or no (or empty when not logged)"


def blank(value: object) -> bool:
    """Whether a cell is empty: ``None``, NaN, only spaces or a null token."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip().casefold() in NULL_TOKENS


def text(value: object) -> str | None:
    """The cell's text without surrounding spaces, ``None`` when blank."""
    return None if blank(value) else str(value).strip()


def number(value: object, limit: Limit, problems: list[Problem]) -> float | None:
    """A number inside ``limit`` (decimal comma accepted); ``None`` when blank or refused."""
    if blank(value):
        return None
    try:
        parsed = float(str(value).strip().replace(",", "."))
    except ValueError:
        problems.append((limit.column, value, limit.expected))
        return None
    if not limit.accepts(parsed):
        problems.append((limit.column, value, limit.expected))
        return None
    return parsed


def choice(
    value: object,
    column: str,
    vocabulary: tuple[str, ...],
    problems: list[Problem],
    *,
    required: bool = False,
) -> str | None:
    """One word of ``vocabulary`` (case, spaces and hyphens as underscores do not matter).

    A word of the vocabulary wins over the null tokens: ``none`` is a relief
    the athlete logged (nothing helped), not a missing value.
    """
    word = _vocabulary_key(value)
    if word in vocabulary:
        return word
    if blank(value) and not required:
        return None
    problems.append((column, value, "one of " + ", ".join(vocabulary)))
    return None


def _vocabulary_key(value: object) -> str | None:
    """The cell as a vocabulary word would be spelt (``None`` for no cell or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip().casefold().replace(" ", "_").replace("-", "_")


def date(value: object, column: str, problems: list[Problem], *, required: bool) -> dt.date | None:
    """An ISO date ``YYYY-MM-DD`` (or a :class:`datetime.date`)."""
    found = text(value)
    if found is None:
        if required:
            problems.append((column, value, "an ISO date YYYY-MM-DD"))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        problems.append((column, value, "an ISO date YYYY-MM-DD"))
        return None


def yes_no(value: object, column: str, problems: list[Problem]) -> bool | None:
    """``True`` for yes, ``False`` for no, ``None`` when the cell is empty (not logged)."""
    if isinstance(value, bool):
        return value
    found = text(value)
    if found is None:
        return None
    key = found.casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    problems.append((column, value, YES_NO_EXPECTED))
    return None
