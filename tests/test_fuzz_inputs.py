"""Fuzzing every reader, the archive layer, ``inspect`` and the import.

Two halves, a few minutes together:

* seeded mutation of the real files (:mod:`tests.helpers.fuzzing`): the same
  inputs on every run, so that a failure names ``(seed, index)`` and is
  rebuilt with ``python benchmarks/fuzz.py --seed S --first INDEX --cases 1``;
* Hypothesis, building files from each format's own columns and keys filled
  with hostile values, and ZIP archives from arbitrary member records.

An input must be read, or refused with a project error; anything else (an
exception, a :class:`~analyzer.errors.ReaderFault`, an ``inspect`` exit code
other than 0 or 2, a failed import whose message is an internal error, a run
over the time limit) fails the test. The readers run in strict mode, so a bug
is seen as the exception it is.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.errors import ImportFileError, ReaderFault
from analyzer.io.archive import Limits, iter_archive
from analyzer.io.registry import read_bytes
from tests.helpers import hostile_zips
from tests.helpers.fuzzing import HOSTILE_VALUES, JSON_VALUES, default_seeds, run_cases
from tests.helpers.paths import SAMPLE_DATA, TEST_DATA

RUN_SEED = 18
#: Hypothesis examples per test, and a fixed example order, unless a longer hunt is asked for:
#: CRAMP_ANALYZER_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_inputs.py -k hostile
EXAMPLES = int(os.environ.get("CRAMP_ANALYZER_FUZZ_EXAMPLES", "300"))
DERANDOMIZE = "CRAMP_ANALYZER_FUZZ_EXAMPLES" not in os.environ
#: Inputs per target in the test suite (the long run, benchmarks/fuzz.py, tries 100,000+).
CASES = {"read": 400, "stream": 200, "archive": 250, "inspect": 200, "import": 60}


@pytest.fixture(scope="module")
def seeds():
    return default_seeds()


@pytest.mark.slow
@pytest.mark.parametrize("target", sorted(CASES))
def test_mutated_real_files_are_read_or_refused(seeds, target):
    first = 1_000_000 * (sorted(CASES).index(target) + 1)  # other inputs than the long run's
    report = run_cases(RUN_SEED, range(first, first + CASES[target]), seeds, target=target)
    found = [
        f"{o.kind}: seed {RUN_SEED} index {o.case.index} ({o.case.seed}, {o.case.mutation}): "
        f"{o.detail[:200]}"
        for outcomes in report.failures.values()
        for o in outcomes
    ]
    assert not found, "\n".join(found[:20])
    assert report.tried[target] == CASES[target]


# --- Hypothesis: each format's own columns and keys, hostile values ---------------------------


def _header_and_rows(path) -> tuple[str, list[str], list[list[str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return delimiter, rows[0], rows[1:]


CSV_FILES = sorted(
    [p for p in (TEST_DATA / "exports").glob("*.csv")]
    + [SAMPLE_DATA / "templates" / "cramp_log_template.csv"]
    + [SAMPLE_DATA / "templates" / "medication_log_template.csv"]
)
JSON_FILES = sorted((TEST_DATA / "exports").glob("*.json"))

hostile_cells = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=12),
    st.from_regex(r"-?\d{1,30}(\.\d{0,30})?(e[+-]?\d{1,4})?", fullmatch=True),
    st.from_regex(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?", fullmatch=True),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=DERANDOMIZE,
)
@given(
    path=st.sampled_from(CSV_FILES),
    cells=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 120), hostile_cells), max_size=6),
    valid_rows_only=st.booleans(),
    timezone=st.sampled_from([None, "Europe/Berlin", "Asia/Kathmandu"]),
)
def test_csv_exports_with_hostile_cells(path, cells, valid_rows_only, timezone):
    delimiter, header, rows = _header_and_rows(path)
    rows = [row[:] for row in rows] or [[""] * len(header)]
    for row_at, column_at, value in cells:
        row = rows[row_at % len(rows)]
        if row:
            row[column_at % len(row)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    _read_or_refused(path.name, out.getvalue().encode(), timezone, valid_rows_only)


json_values = st.recursive(
    st.one_of(
        st.sampled_from(JSON_VALUES[:-1]),  # not the 200,000-character string: too slow here
        st.sampled_from(HOSTILE_VALUES),
        st.integers(),
        st.floats(allow_nan=False),
        st.none(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:3]):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=DERANDOMIZE,
)
@given(
    path=st.sampled_from(JSON_FILES),
    data=st.data(),
    valid_rows_only=st.booleans(),
    timezone=st.sampled_from([None, "Europe/Berlin"]),
)
def test_json_exports_with_hostile_values(path, data, valid_rows_only, timezone):
    document = json.loads(path.read_bytes())
    spots = sorted(set(_paths(document)), key=repr)
    for _ in range(data.draw(st.integers(1, 4))):
        *parents, key = data.draw(st.sampled_from(spots))
        node = document
        try:
            for part in parents:
                node = node[part]
            node[key] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this spot
    _read_or_refused(path.name, json.dumps(document).encode(), timezone, valid_rows_only)


def _read_or_refused(name: str, data: bytes, timezone, valid_rows_only) -> None:
    try:
        read_bytes(name, data, timezone=timezone, valid_rows_only=valid_rows_only)
    except ReaderFault:
        raise
    except ImportFileError:
        pass


# --- Hypothesis: ZIP archives from arbitrary member records -----------------------------------

members = st.builds(
    hostile_zips.Entry,
    name=st.one_of(st.sampled_from(["a.csv", "../x.fit", "d/", "x\x1b.zip"]), st.text(max_size=20)),
    payload=st.binary(max_size=200),
    method=st.sampled_from([0, 8, 12, 14, 99]),
    crc=st.integers(0, 2**32 - 1),
    size=st.integers(0, 2**32 - 1),
    flags=st.sampled_from([0, 1, 8]),
    version=st.sampled_from([20, 45, 63, 255]),
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE)
@given(entries=st.lists(members, max_size=6), declared=st.none() | st.integers(0, 0xFFFF))
def test_archives_of_arbitrary_members_never_raise_anything_else(entries, declared):
    data = hostile_zips.build(entries, declared=declared)
    limits = Limits(max_member_bytes=10_000, max_total_bytes=50_000)
    try:
        for _label, content in iter_archive("fuzz.zip", data, limits=limits):
            assert isinstance(content, (bytes, ImportFileError))
    except ImportFileError:
        pass
