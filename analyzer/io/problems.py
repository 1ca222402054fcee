"""Collect bad values row by row, then either refuse the file or keep its valid rows.

Every reader checks each value against what it expects (a number, a range, a
vocabulary, a date) and records a :class:`RowProblem` for each failure rather
than stopping at the first. At the end, :meth:`RowProblems.settle` applies the
import policy of the project: *nothing* from an invalid file enters the
library (a :class:`~analyzer.errors.CsvImportError` lists the problems), unless
the user asked for the valid rows only, in which case the bad rows are dropped
and every skipped row is reported in the bundle's warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.errors import CsvImportError

#: How many problems an error message lists before summarising the rest.
MAX_LISTED = 8
#: Longest part of a bad value an error message quotes.
SHOWN_CHARS = 60


@dataclass(frozen=True)
class RowProblem:
    """One bad value: where it is, what it was and what was expected.

    ``row`` is the 1-based data row (the first row after the header is 1);
    ``0`` means the problem concerns the whole file. ``line`` is the line
    of the file the row starts on, when known: the row number a spreadsheet
    shows (header and blank rows counted) unless a cell above holds a line break.
    """

    row: int
    column: str
    value: object
    expected: str
    line: int | None = None

    def describe(self) -> str:
        """Return ``row 3 (line 5), column 'severity_0_10': '14' (expected ...)``.

        A value longer than :data:`SHOWN_CHARS` is shown by its start and its length.
        """
        where = f"row {self.row}, " if self.row else ""
        if self.row and self.line:
            where = f"row {self.row} (line {self.line}), "
        return f"{where}column {self.column!r}: {shown(self.value)} (expected {self.expected})"


def shown(value: object) -> str:
    """``repr(value)``, cut to its first :data:`SHOWN_CHARS` characters when longer."""
    if isinstance(value, int) and abs(value) >= 10**SHOWN_CHARS:  # no 4,300-digit repr
        return f"an integer of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


@dataclass
class RowProblems:
    """The problems found in one file.

    Parameters
    ----------
    source : str
        File name, for messages.
    lines : sequence of int, optional
        The file line of each data row (:attr:`analyzer.io.csvsniff.CsvTable.line_numbers`),
        so that messages also name the line a spreadsheet shows.
    """

    source: str
    problems: list[RowProblem] = field(default_factory=list)
    lines: Sequence[int] | None = None

    def add(self, row: int, column: str, value: object, expected: str) -> None:
        """Record one bad value."""
        row = int(row)
        line = None
        if self.lines is not None and 0 < row <= len(self.lines):
            line = int(self.lines[row - 1])
        self.problems.append(RowProblem(row, column, value, expected, line))

    def add_mask(
        self, bad: pd.Series | np.ndarray, values: pd.Series, column: str, expected: str
    ) -> None:
        """Record a problem for every row where ``bad`` is true (rows are positions + 1)."""
        bad = np.asarray(bad, dtype=bool)
        raw = list(values)
        for position in np.flatnonzero(bad):
            self.add(int(position) + 1, column, raw[position], expected)

    def __bool__(self) -> bool:
        return bool(self.problems)

    @property
    def bad_rows(self) -> set[int]:
        """1-based rows with at least one problem."""
        return {p.row for p in self.problems}

    def summary(self) -> str:
        """All problems, the first :data:`MAX_LISTED` spelled out."""
        shown = "; ".join(p.describe() for p in self.problems[:MAX_LISTED])
        more = len(self.problems) - MAX_LISTED
        return shown + (f"; and {more} more" if more > 0 else "")

    def settle(
        self, frame: pd.DataFrame, *, valid_rows_only: bool, warnings: list[str]
    ) -> pd.DataFrame:
        """Apply the import policy to ``frame`` (one row per data row, same order).

        Returns ``frame`` unchanged when there is no problem; with problems,
        raises unless ``valid_rows_only``, then returns the valid rows and
        appends what was skipped to ``warnings``.

        Raises
        ------
        CsvImportError
            If there are problems and ``valid_rows_only`` is false, or a problem
            concerns the whole file (row 0).
        """
        if not self.problems:
            return frame
        first = self.problems[0]
        whole_file = any(p.row == 0 for p in self.problems)
        n_bad = len(self.bad_rows - {0})
        if whole_file or not valid_rows_only:
            n_good = len(frame) - n_bad
            recovered = "nothing was imported"
            if not whole_file and n_good > 0:
                recovered += (
                    f"; {n_good} of {len(frame)} rows are valid and can be imported alone "
                    "(ask for the valid rows only: the Import page's check box, or "
                    "import --valid-rows-only)"
                )
            scope = f"in {n_bad} row(s)" if n_bad else "in the file's header or layout"
            raise CsvImportError(
                self.source,
                f"{len(self.problems)} invalid value(s) {scope}: {self.summary()}",
                row=first.row or None,
                column=first.column,
                recovered=recovered,
            )
        keep = np.ones(len(frame), dtype=bool)
        keep[[row - 1 for row in self.bad_rows if 0 < row <= len(frame)]] = False
        warnings.append(
            f"{self.source}: skipped {n_bad} of {len(frame)} rows with invalid values "
            f"(valid rows only were asked for): {self.summary()}"
        )
        return frame.loc[keep].reset_index(drop=True)
