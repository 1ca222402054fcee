"""The project's own error and warning types.

Every reader, the library and the command line raise only these (or let
Python's own ``KeyboardInterrupt``/``MemoryError`` through). Messages always
say *which file*, *where* (byte offset, row, column) and *what was still
recovered*, so that a user can act on them without a traceback.
"""

from __future__ import annotations

from analyzer.printable import printable


class AnalyzerError(Exception):
    """Base class of every error raised on purpose by :mod:`analyzer`."""


class AnalyzerWarning(UserWarning):
    """Base class of the warnings :mod:`analyzer` issues."""


class ImportFileError(AnalyzerError):
    """A file could not be read into canonical tables.

    Parameters
    ----------
    source : str
        File name (or ``"<bytes>"``) the error refers to.
    problem : str
        What is wrong, in plain words.
    offset : int, optional
        Byte offset in the file where the problem was found.
    row : int, optional
        1-based data row (CSV) where the problem was found.
    column : str, optional
        Column name the problem concerns.
    recovered : str, optional
        What was still read before the problem, e.g. ``"412 complete messages"``.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        *,
        offset: int | None = None,
        row: int | None = None,
        column: str | None = None,
        recovered: str | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.offset = offset
        self.row = row
        self.column = column
        self.recovered = recovered
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        location = f" ({', '.join(where)})" if where else ""
        text = f"{self.source}{location}: {self.problem}"
        if self.recovered:
            text += f"; recovered: {self.recovered}"
        return printable(text)  # one line, whatever the file's name or values hold


class FitError(ImportFileError):
    """A FIT file is corrupt, truncated or not a FIT file at all."""


class FitHeaderError(FitError):
    """The FIT file header is missing or invalid."""


class FitTruncatedError(FitError):
    """The FIT file ends in the middle of a record."""


class FitRecordError(FitError):
    """A record cannot be decoded (e.g. data for an undefined local message)."""


class CsvImportError(ImportFileError):
    """A CSV or JSON export has wrong columns, values or dates."""


class UnknownFormatError(ImportFileError):
    """The content of a file matches no format the analyzer knows."""


class ReaderFault(ImportFileError):
    """A reader stopped on content its authors did not foresee (a bug in the analyzer).

    Reported as that file's failure, so that an import goes on with the next
    file; the message names the Python exception and asks for a report.
    """


class LibraryError(AnalyzerError):
    """The athlete library cannot do what was asked (missing athlete, bad schema...)."""


class LibraryDamagedError(LibraryError):
    """The library file is damaged (SQLite finds it corrupt); a backup must be restored."""


class DiskFullError(LibraryError):
    """The disk holding the library is full; what was committed before stays whole."""


class InsufficientDataError(AnalyzerError):
    """An analysis needs more data than is available."""
