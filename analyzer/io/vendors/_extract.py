"""Column extraction shared by the vendor readers: numbers, durations, times, plausibility.

A vendor reader describes *where* each canonical value sits in its file and in
which unit; :class:`Extractor` parses it, converts it, checks it against
:data:`PLAUSIBLE` ranges, and records every bad cell as a row problem that
names the file's own column, the raw value and what was expected.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from analyzer.errors import CsvImportError
from analyzer.io.csvsniff import (
    CsvTable,
    is_null,
    parse_clock_seconds,
    parse_numbers,
    sniff_number_format,
)
from analyzer.io.formats import sha256_hex
from analyzer.io.localtime import has_offset, localize, parse_zone
from analyzer.io.problems import RowProblems
from analyzer.io.vendors.sports import sport_and_sub_sport
from analyzer.schema import ImportBundle, conform

#: Plausible range (inclusive) and unit of canonical quantities, checked after unit conversion.
#: Physiological bounds are deliberately wide: they catch typing and unit errors (a heart rate
#: of 900), not unusual athletes.
PLAUSIBLE: dict[str, tuple[float, float, str]] = {
    "heart_rate_bpm": (20, 260, "bpm"),
    "avg_heart_rate_bpm": (20, 260, "bpm"),
    "max_heart_rate_bpm": (20, 260, "bpm"),
    "resting_hr_bpm": (20, 150, "bpm"),
    "hrv_rmssd_ms": (1, 500, "ms"),
    "duration_s": (0, 7 * 86400, "s"),
    "moving_s": (0, 7 * 86400, "s"),
    "distance_m": (0, 2_000_000, "m"),
    "avg_speed_mps": (0, 60, "m/s"),
    "avg_power_w": (0, 3000, "W"),
    "avg_cadence_rpm": (0, 300, "rpm"),
    "avg_temperature_c": (-60, 70, "degC"),
    "total_ascent_m": (0, 30_000, "m"),
    "energy_kcal": (0, 30_000, "kcal"),
    "asleep_min": (0, 1440, "min"),
    "in_bed_min": (0, 1440, "min"),
    "deep_min": (0, 1440, "min"),
    "light_min": (0, 1440, "min"),
    "rem_min": (0, 1440, "min"),
    "awake_min": (0, 1440, "min"),
    "awakenings": (0, 500, "count"),
    "efficiency_pct": (0, 100, "%"),
    "score": (0, 100, "points"),
    "stress_avg": (0, 100, "points"),
    "steps": (0, 300_000, "steps"),
    "active_min": (0, 1440, "min"),
    "rpe": (0, 10, "points"),
}


#: Name of the optional boolean column selecting the rows a table keeps (:meth:`Extractor.bundle`).
KEEP = "_keep"


def check_range(
    values: pd.Series, canonical: str, raw: pd.Series, column: str, problems: RowProblems
) -> pd.Series:
    """Record out-of-range values of ``canonical`` (see :data:`PLAUSIBLE`) and blank them."""
    if canonical not in PLAUSIBLE:
        return values
    low, high, unit = PLAUSIBLE[canonical]
    bad = values.notna() & ((values < low) | (values > high))
    problems.add_mask(bad, raw, column, f"{canonical} between {low:g} and {high:g} {unit}")
    return values.where(~bad)


def stable_id(*parts: object) -> str:
    """Return a 16-hex-digit id from ``parts`` (same content, same id across re-imports)."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:16]


class Extractor:
    """Parse canonical columns out of a :class:`CsvTable`, collecting problems.

    Parameters
    ----------
    table : CsvTable
        The file.
    number_format : (decimal, thousands), optional
        Separators of the file's numbers; sniffed from all cells when omitted
        (see :func:`~analyzer.io.csvsniff.sniff_number_format`).
    """

    def __init__(
        self, table: CsvTable, *, number_format: tuple[str, str | None] | None = None
    ) -> None:
        self.table = table
        self.problems = RowProblems(table.source)
        cut = table.cut_problem()
        if cut is not None:
            self.problems.add(*cut)
        if number_format is None:
            number_format = sniff_number_format(
                _first_cells(table, 20_000), delimiter=table.delimiter
            )
        self.decimal, self.thousands = number_format

    @classmethod
    def from_records(cls, source: str, records: list) -> Extractor:
        """An extractor over JSON records: nested keys are flattened to ``a.b.c`` columns.

        Row numbers in messages are 1-based record positions; numbers use the
        JSON decimal point.
        """
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise CsvImportError(source, "expected a JSON list of objects (one per day or record)")
        flat = pd.json_normalize(records) if records else pd.DataFrame()
        header = [str(c) for c in flat.columns]
        cells = pd.DataFrame(
            {i: flat[c].map(cell_text) for i, c in enumerate(flat.columns)}, index=range(len(flat))
        )
        table = CsvTable(source, header, cells, ",", np.arange(1, len(flat) + 1))
        return cls(table, number_format=(".", None))

    def require(self, *names: str) -> None:
        """Raise if a column the format cannot do without is missing."""
        missing = [name for name in names if self.table.find(name) is None]
        more = "..." if len(self.table.header) > 12 else ""
        if missing:
            raise CsvImportError(
                self.table.source,
                f"missing column(s) {', '.join(repr(m) for m in missing)}; the header has "
                f"{', '.join(self.table.header[:12])}{more}",
                recovered="nothing was imported",
            )

    def _position(self, names: tuple[str, ...], occurrence: int) -> int | None:
        return self.table.find(*names, occurrence=occurrence)

    def _empty(self) -> pd.Series:
        return pd.Series(np.nan, index=self.table.cells.index, dtype="float64")

    def number(
        self,
        canonical: str,
        *names: str,
        scale: float = 1.0,
        occurrence: int = 0,
        zero_is_missing: bool = False,
        clock_cells: bool = False,
    ) -> pd.Series:
        """Return ``names`` as floats times ``scale``, range-checked.

        Several names are alternatives (columns that vary by sport or export
        version): each row takes the first of them that holds a value.
        ``zero_is_missing`` treats 0 as "no data" (Garmin writes ``0`` heart
        rates for rides without a sensor). With ``clock_cells``, cells written
        ``h:mm:ss`` are durations in seconds (``scale`` applies to the others).
        """
        result = self._empty()
        for name in names:
            position = self._position((name,), occurrence)
            if position is None:
                continue
            raw = self.table.cells[position]
            values, bad = parse_numbers(raw, decimal=self.decimal, thousands=self.thousands)
            values = values * scale
            if clock_cells:
                colon = raw.astype(str).str.contains(":", regex=False)
                seconds, bad_clock = parse_clock_seconds(raw.where(colon, ""))
                values, bad = values.where(~colon, seconds), bad.where(~colon, bad_clock)
            column = self.table.header[position]
            self.problems.add_mask(
                bad, raw, column, "a number" + (" or h:mm:ss" if clock_cells else "")
            )
            if zero_is_missing:
                values = values.where(values != 0)
            result = result.fillna(check_range(values, canonical, raw, column, self.problems))
        return result

    def clock(self, canonical: str, *names: str, occurrence: int = 0) -> pd.Series:
        """Return a ``[h:]mm:ss`` duration column in seconds, range-checked."""
        position = self._position(names, occurrence)
        if position is None:
            return self._empty()
        raw = self.table.cells[position]
        values, bad = parse_clock_seconds(raw)
        column = self.table.header[position]
        self.problems.add_mask(bad, raw, column, "a duration h:mm:ss")
        return check_range(values, canonical, raw, column, self.problems)

    def text(self, *names: str, occurrence: int = 0) -> pd.Series:
        """Return a text column (missing tokens become ``None``)."""
        position = self._position(names, occurrence)
        if position is None:
            return pd.Series([None] * len(self.table), index=self.table.cells.index, dtype="object")
        raw = self.table.cells[position]
        return raw.where(~is_null(raw), None).astype("object")

    def datetimes(
        self, *names: str, formats: tuple[str, ...], occurrence: int = 0
    ) -> tuple[pd.Series, str | None]:
        """Parse a naive date-time column with the first of ``formats`` that fits most cells.

        Returns the naive times and the file's column name; unparsable cells
        are recorded as problems.
        """
        position = self._position(names, occurrence)
        if position is None:
            return pd.Series(pd.NaT, index=self.table.cells.index, dtype="datetime64[ns]"), None
        raw = self.table.cells[position]
        missing = is_null(raw)
        best = None
        for fmt in formats:
            parsed = datetimes_in_range(raw.where(~missing, None), fmt)
            if best is None or parsed.notna().sum() > best.notna().sum():
                best = parsed
        column = self.table.header[position]
        bad = best.isna() & ~missing
        self.problems.add_mask(bad, raw, column, f"a date and time like {_example(formats[0])}")
        return best, column

    def instants(self, *names: str) -> tuple[pd.Series, pd.Series]:
        """Parse ISO 8601 times that carry a UTC offset (``2024-03-30T23:12:00+01:00``).

        Returns ``(utc, local_date)``: the instants and the local calendar date
        written in each cell. Cells without an offset are problems (they would
        otherwise be taken for UTC).
        """
        position = self._position(names, 0)
        if position is None:
            empty = pd.Series(pd.NaT, index=self.table.cells.index, dtype="datetime64[ns, UTC]")
            return empty, pd.Series(
                [None] * len(self.table), index=self.table.cells.index, dtype="object"
            )
        raw = self.table.cells[position]
        missing = is_null(raw)
        with_offset = raw.map(lambda v: has_offset(str(v)))
        utc = datetimes_in_range(raw.where(~missing & with_offset, None), "ISO8601", utc=True)
        bad = ~missing & utc.isna()
        self.problems.add_mask(
            bad,
            raw,
            self.table.header[position],
            "an ISO 8601 time with its UTC offset, like 2024-03-30T23:12:00+01:00",
        )
        dates = (
            raw.where(~bad & ~missing, None)
            .map(lambda v: None if v is None else pd.Timestamp(str(v)[:10]).date())
            .astype("object")
        )
        return utc, dates

    def local_to_utc(
        self, local: pd.Series, column: str | None, zones: pd.Series | str
    ) -> pd.Series:
        """Localise naive times (one zone, or one per row), reporting DST gaps and overlaps."""
        out = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
        if column is None:
            return out
        raw = self.table.cells[self.table.find(column)]
        per_row = pd.Series(zones, index=local.index) if isinstance(zones, str) else zones
        for zone_text, rows in per_row.groupby(per_row.fillna(""), sort=False).groups.items():
            rows = list(rows)
            try:
                tz = parse_zone(str(zone_text))
            except ValueError:
                self.problems.add_mask(
                    local.index.isin(rows) & local.notna().to_numpy(),
                    raw,
                    column,
                    f"a time zone for this row (got {zone_text!r})",
                )
                continue
            utc, gap, overlap = localize(local.loc[rows], tz)
            self.problems.add_mask(
                _spread(gap, rows, local.index),
                raw,
                column,
                f"a local time that exists in {zone_text} (skipped by a daylight-saving change)",
            )
            self.problems.add_mask(
                _spread(overlap, rows, local.index),
                raw,
                column,
                f"an unambiguous local time in {zone_text} (repeated by a daylight-saving change)",
            )
            out.loc[rows] = utc.to_numpy()
        return out

    def activities_bundle(
        self,
        data: bytes,
        fmt: str,
        activity_names: pd.Series,
        start_utc: pd.Series,
        *,
        local: pd.Series | None = None,
        ids: pd.Series | None = None,
        start_column: str | None = None,
        valid_rows_only: bool,
        **columns: object,
    ) -> ImportBundle:
        """Build the bundle of an activity list (one ``activities`` row per data row, no samples).

        Sets what every list shares: the source file's hash and format (so the
        library can prefer the FIT file of the same session), FIT-style sport
        names, the UTC offset when local times are known, and a stable
        ``activity_id`` from the vendor's own ``ids`` or from format, start and sport.
        A row without a start time (``start_column``, for messages) is a row
        problem; a row that repeats an earlier activity (the same id) is kept
        once, with a warning naming the repeated rows.
        """
        self._require_start(start_utc, start_column)
        sport, sub_sport = sport_and_sub_sport(activity_names)
        frame = pd.DataFrame(
            {
                "source_sha256": sha256_hex(data),
                "source_format": fmt,
                "sport": sport,
                "sub_sport": sub_sport,
                "start_utc": start_utc,
                **columns,
            }
        )
        if local is not None:
            frame["utc_offset_s"] = utc_offset_s(local, start_utc)
        keys = zip(ids) if ids is not None else zip(start_utc, sport)
        frame["activity_id"] = [stable_id(fmt, *key) for key in keys]
        repeats = _repeats(
            frame["activity_id"], "the same start and sport" if ids is None else "its id"
        )
        bundle = self.bundle(data, fmt, {"activities": frame}, valid_rows_only=valid_rows_only)
        if repeats:
            activities = bundle.tables["activities"]
            bundle.tables["activities"] = activities.drop_duplicates("activity_id")
            bundle.warnings.append(f"{self.table.source}: {repeats}")
        return bundle

    def _require_start(self, start_utc: pd.Series, column: str | None) -> None:
        """Record a problem for each activity row without a start time that has no other problem."""
        position = self.table.find(column) if column else None
        label = self.table.header[position] if position is not None else "start time"
        raw = (
            self.table.cells[position]
            if position is not None
            else pd.Series("", index=start_utc.index)
        )
        already = np.zeros(len(start_utc), dtype=bool)
        already[[r - 1 for r in self.problems.bad_rows if 0 < r <= len(start_utc)]] = True
        missing = start_utc.isna().to_numpy() & ~already
        self.problems.add_mask(missing, raw, label, "a start time: every activity needs one")

    def bundle(
        self,
        data: bytes,
        fmt: str,
        tables: dict[str, pd.DataFrame],
        *,
        valid_rows_only: bool,
        warnings: list[str] | None = None,
    ) -> ImportBundle:
        """Apply the import policy to the row-aligned ``tables`` and build the bundle.

        Each frame has one row per data row of the file (so that problems find
        their rows); a boolean column :data:`KEEP` drops rows afterwards (naps,
        rows a format does not carry into that table).
        """
        warnings = list(warnings or [])
        settled: dict[str, pd.DataFrame] = {}
        for name, frame in tables.items():
            kept = self.problems.settle(frame, valid_rows_only=valid_rows_only, warnings=warnings)
            if KEEP in kept:
                kept = kept.loc[kept[KEEP].astype(bool)]
            settled[name] = conform(name, kept)
        warnings = list(
            dict.fromkeys(warnings)
        )  # one warning per file even when several tables share rows
        return ImportBundle(self.table.source, sha256_hex(data), fmt, settled, warnings)


#: Dates outside this range are typing errors in fitness data (and outside pandas' ns range).
DATE_RANGE = (pd.Timestamp("1970-01-01"), pd.Timestamp("2100-01-01"))


def datetimes_in_range(values: pd.Series, fmt: str, *, utc: bool = False) -> pd.Series:
    """``pd.to_datetime(errors="coerce")`` in ns; dates outside :data:`DATE_RANGE` are NaT."""

    def one(value: object) -> pd.Timestamp:
        try:
            return pd.to_datetime(value, format=fmt, errors="coerce", utc=utc)
        except (ValueError, OverflowError):  # OutOfBoundsDatetime is a ValueError
            return pd.NaT

    try:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce", utc=utc)
    except (ValueError, OverflowError):
        parsed = pd.Series([one(v) for v in values], index=values.index)
    parsed = pd.Series(parsed, index=values.index)
    low, high = (t.tz_localize("UTC") for t in DATE_RANGE) if utc else DATE_RANGE
    if not pd.api.types.is_datetime64_any_dtype(parsed.dtype):
        parsed = pd.to_datetime(parsed, errors="coerce", utc=utc)
    parsed = parsed.where((parsed >= low) & (parsed < high))
    return parsed.astype("datetime64[ns, UTC]" if utc else "datetime64[ns]")


def finite_float(value: object) -> float:
    """A JSON number as a float: ``inf`` beyond float's range (``10**400``), NaN if not a number.

    ``float(10**400)`` raises :class:`OverflowError`; as ``inf`` the value is
    caught by the plausibility check like any other absurd number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return float("nan")
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def _first_cells(table: CsvTable, limit: int) -> list:
    """Up to ``limit`` cells, column by column (not a copy of every cell of a large file)."""
    cells: list = []
    for position in table.cells.columns:
        cells.extend(table.cells[position].iloc[: limit - len(cells)])
        if len(cells) >= limit:
            break
    return cells


def _repeats(ids: pd.Series, what: str) -> str:
    """Say which rows repeat an earlier row's activity, or ``""`` when none does."""
    repeated = ids.duplicated().to_numpy()
    if not repeated.any():
        return ""
    rows = [int(i) + 1 for i in np.flatnonzero(repeated)]
    shown = ", ".join(map(str, rows[:8])) + (f" and {len(rows) - 8} more" if len(rows) > 8 else "")
    return f"row(s) {shown} repeat an activity listed earlier ({what}); each activity is kept once"


def cell_text(value: object) -> str:
    """JSON value to the text cell the extractor parses (lists and objects as ``""``)."""
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _spread(mask: np.ndarray, rows: list, index: pd.Index) -> np.ndarray:
    full = np.zeros(len(index), dtype=bool)
    full[index.get_indexer(rows)[mask]] = True
    return full


def _example(fmt: str) -> str:
    if fmt == "ISO8601":
        return "2024-06-14T22:09:00"
    return pd.Timestamp(2024, 6, 14, 22, 9, 0).strftime(fmt)


def utc_offset_s(local: pd.Series, utc: pd.Series) -> pd.Series:
    """Return local wall clock minus UTC in seconds (the ``activities.utc_offset_s`` convention)."""
    naive_utc = pd.to_datetime(utc).dt.tz_convert("UTC").dt.tz_localize(None)
    return (pd.to_datetime(local) - naive_utc).dt.total_seconds()
