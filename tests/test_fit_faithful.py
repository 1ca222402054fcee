"""Faithfulness: our FIT reader against fitdecode and fitparse, field by field.

For every sample file, every field of the record, session, lap, hrv, hr,
monitoring, sleep_level and sleep_assessment messages that fitdecode (and,
where it reads the file, fitparse) decodes must be in our DataFrame with the
same value: same rows in the same order, same timestamps, floats equal to
1e-9 relative.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.io.fit import read_fit

DATA = Path(__file__).parent / "data"
COMPARED = (
    "record",
    "session",
    "lap",
    "hrv",
    "hr",
    "monitoring",
    "sleep_level",
    "sleep_assessment",
)


def _fitdecode_messages(path: Path) -> dict[str, list[dict[str, list]]]:
    """fitdecode's data messages of the compared types: name -> rows of {field: [values]}."""
    import fitdecode

    out: dict[str, list[dict[str, list]]] = {name: [] for name in COMPARED}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with fitdecode.FitReader(
                str(path),
                check_crc=fitdecode.CrcCheck.DISABLED,
                error_handling=fitdecode.ErrorHandling.WARN,
            ) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage) and frame.name in out:
                        row: dict[str, list] = {}
                        for field in frame.fields:
                            row.setdefault(field.name, []).append(field.value)
                        out[frame.name].append(row)
        except fitdecode.FitError:
            pass  # keep what was read before the error, as our reader does
    return out


def _fitparse_messages(path: Path) -> dict[str, list[dict[str, list]]] | None:
    """fitparse's messages of the compared types, or ``None`` if fitparse cannot read the file."""
    import fitparse

    out: dict[str, list[dict[str, list]]] = {name: [] for name in COMPARED}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = fitparse.FitFile(str(path))
            for message in fit.get_messages():
                if message.name in out:
                    row: dict[str, list] = {}
                    for field in message.fields:
                        row.setdefault(field.name, []).append(field.value)
                    out[message.name].append(row)
        except fitparse.FitParseError:
            return None
    return out


def _is_missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return False


def _same(ours, theirs) -> bool:
    """Whether our decoded value equals an oracle's."""
    if _is_missing(theirs) or _is_missing(ours):
        return _is_missing(theirs) and _is_missing(ours)
    if isinstance(theirs, dt.datetime):
        if not isinstance(ours, (pd.Timestamp, dt.datetime)):
            return False
        ours = pd.Timestamp(ours)
        theirs = pd.Timestamp(theirs)
        if ours.tzinfo is None and theirs.tzinfo is not None:
            theirs = theirs.tz_localize(None)  # local_date_time: a wall clock labelled UTC
        elif ours.tzinfo is not None and theirs.tzinfo is None:
            theirs = theirs.tz_localize("UTC")  # fitparse: naive UTC
        return ours == theirs
    if isinstance(theirs, dt.time):
        return float(ours) == theirs.hour * 3600 + theirs.minute * 60 + theirs.second
    if isinstance(theirs, (tuple, list)):
        ours_t = ours if isinstance(ours, tuple) else (ours,)
        return len(ours_t) == len(theirs) and all(_same(a, b) for a, b in zip(ours_t, theirs))
    if isinstance(ours, tuple) and len(ours) == 1:
        ours = ours[0]
    if isinstance(theirs, bool) or isinstance(ours, (bool, np.bool_)):
        return bool(ours) == bool(theirs)
    if isinstance(theirs, str) or isinstance(ours, str):
        return ours == theirs
    if isinstance(theirs, (int, float)) and isinstance(ours, (int, float, np.integer, np.floating)):
        return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=0.0) or float(
            ours
        ) == float(theirs)
    return ours == theirs


class _Columns:
    """Our DataFrame's columns as Python lists (fast row access)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.columns = set(frame.columns)
        self._lists: dict[str, list] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def value(self, name: str, row: int):
        if name not in self._lists:
            self._lists[name] = self.frame[name].astype(object).tolist()
        return self._lists[name][row]


def _fitparse_message_names() -> set[str]:
    import fitparse.profile

    return {mesg.name for mesg in fitparse.profile.MESSAGE_TYPES.values()}


# Known, documented differences of fitparse 1.2.0 (profile SDK 20.8, 2019):
# - it calls ``unknown_<n>`` fields that the current profile names (we use the name);
# - it does not know the sleep messages (they are ``unknown_275``/``unknown_346`` there).
# Both oracles date ``hr.event_timestamp`` beats otherwise than the FIT SDK: fitparse
# leaves the sensor's counter (python-fitparse#26/#122), fitdecode adds the 12-bit counter
# to the last integer timestamp; ours follows the SDK's anchor rule, checked against the
# SDK in test_fit_device_quirks.
SKIPPED_FIELDS = {("hr", "event_timestamp")}


def compare(path: Path, oracle: dict[str, list[dict[str, list]]], oracle_name: str) -> list[str]:
    """Differences between our reader and an oracle's messages (empty when faithful)."""
    fit = read_fit(path)
    problems: list[str] = []
    is_fitparse = oracle_name == "fitparse"
    known = _fitparse_message_names() if is_fitparse else set(COMPARED)
    for name in COMPARED:
        if name not in known:
            continue
        theirs = oracle[name]
        frame = fit.messages(name)
        ours = _Columns(frame)
        if len(frame) != len(theirs):
            problems.append(f"{name}: {len(frame)} rows, {oracle_name} has {len(theirs)}")
            continue
        for i, row in enumerate(theirs):
            for field, values in row.items():
                if (name, field) in SKIPPED_FIELDS or (
                    is_fitparse and field.startswith("unknown_") and field not in ours
                ):
                    continue
                problem = _compare_field(ours, field, i, values)
                if problem:
                    problems.append(f"{name}[{i}].{field}: {problem}")
                if len(problems) > 20:
                    return problems
    return problems


def _compare_field(ours: _Columns, field: str, i: int, values: list) -> str | None:
    if field not in ours:
        if all(_is_missing(v) for v in values):
            return None
        return f"missing column (oracle value {values!r})"
    mine = ours.value(field, i)
    if (
        all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        and f"{field}_relative_s" in ours
    ):
        # device-relative date_time (< 0x10000000): the oracle keeps the integer
        mine = ours.value(f"{field}_relative_s", i)
        mine = None if mine is pd.NA else int(mine)
    if len(values) > 1:
        # several fields of one name (e.g. hr event_timestamp components): compare all
        flat = mine if isinstance(mine, tuple) else (mine,)
        present = [v for v in values if not _is_missing(v)]
        mine_present = [v for v in flat if not _is_missing(v)]
        if len(present) == len(mine_present) and all(
            any(_same(m, t) for m in mine_present) for t in present
        ):
            return None
        if any(_same(mine, v) for v in values):
            return None
        return f"ours {mine!r}, oracle {values!r}"
    if _same(mine, values[0]):
        return None
    return f"ours {mine!r}, oracle {values[0]!r}"


def _bundled() -> list[Path]:
    return sorted(DATA.glob("*.fit"))


def _shared_only(samples_dir: Path) -> list[Path]:
    """Shared sample files that are not bundled in tests/data (licence), checked from there."""
    bundled = {path.name for path in _bundled()}
    return [p for p in sorted((samples_dir / "fit").glob("*.fit")) if p.name not in bundled]


@pytest.mark.parametrize("path", _bundled(), ids=lambda p: p.name)
def test_fit_faithful_to_fitdecode_bundled(path):
    assert compare(path, _fitdecode_messages(path), "fitdecode") == []


def _fitparse_cases() -> list:
    """fitparse is ~2x slower than fitdecode: the large files run with ``-m slow``."""
    return [
        pytest.param(p, marks=pytest.mark.slow) if p.stat().st_size > 200_000 else p
        for p in _bundled()
    ]


@pytest.mark.parametrize("path", _fitparse_cases(), ids=lambda p: p.name)
def test_fit_faithful_to_fitparse_bundled(path):
    oracle = _fitparse_messages(path)
    if oracle is None:
        assert path.name.startswith(("corrupt_", "truncated_")), "fitparse reads every intact file"
        return
    assert compare(path, oracle, "fitparse") == []


def test_fit_faithful_to_both_oracles_on_shared_samples(samples_dir):
    files = _shared_only(samples_dir)
    assert files
    for path in files:
        assert compare(path, _fitdecode_messages(path), "fitdecode") == [], path.name
        oracle = _fitparse_messages(path)
        if oracle is not None:
            assert compare(path, oracle, "fitparse") == [], path.name


def test_fit_bundled_files_are_the_mit_bsd_ones():
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for path in _bundled():
        line = next(line for line in text.splitlines() if f"`{path.name}`" in line)
        assert "MIT" in line or "BSD" in line
        assert "Garmin" not in line
