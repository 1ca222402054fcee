"""Seeded mutation fuzzing of every reader, the archive layer, ``inspect`` and the import.

The fuzz suite (``tests/test_fuzz_*.py``) and the long run (``benchmarks/fuzz.py``)
share this engine. Inputs are real files (the MIT/BSD FIT files and the
project's own export fixtures in ``tests/data``, the demo squad's files, and
the shared samples when ``ANALYZER_SAMPLES_DIR`` is set), mutated by seeded
byte-level and text-level operations modelled on what an attack run against the
readers found: flipped bits, cut files, duplicated rows, absurd values
(``10**400``, year 9999 and 0001, ``1e29`` seconds, time zones of 300
characters), cells over 131,072 characters, deep nesting, control characters.

Every input is one :class:`Case`, rebuilt exactly from ``(run seed, index)``
by :func:`make_case`, and sent to one target:

``read``
    :func:`analyzer.io.registry.read_bytes` (every format, by content).
``stream``
    :func:`analyzer.io.registry.read_stream` (the streamed path and its caps).
``archive``
    :func:`analyzer.io.registry.read_archive` over mutated ZIP and gzip files.
``inspect``
    ``cramp-analyzer inspect`` on a mutated FIT file (text and JSON output).
``import``
    :meth:`analyzer.store.Library.import_file` into a throwaway library.

An outcome is ``ok`` (read), ``refused`` (a project error saying why), or a
*failure*: any other exception (a traceback the user would have seen), a
:class:`~analyzer.errors.ReaderFault`, an ``inspect`` exit code other than 0
or 2, an import that raised, or a run over the time limit.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import re
import resource
import signal
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.paths import SAMPLE_DATA, TEST_DATA, shared_samples_dir

#: Environment variable that makes the registry let reader bugs through (see the registry).
STRICT_ENV = "CRAMP_ANALYZER_STRICT"

TARGETS = ("read", "stream", "archive", "inspect", "import")
#: Share of the inputs each target gets: the import (a library write per input) is 4 times
#: slower than a read, and every reader it runs is fuzzed through ``read`` already.
TARGET_WEIGHTS = (30, 20, 20, 20, 10)

# --- seeds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """One real input file."""

    name: str
    data: bytes

    @property
    def kind(self) -> str:
        head = self.data[:16]
        if len(head) >= 12 and head[8:12] == b".FIT":
            return "fit"
        if head.startswith(b"PK"):
            return "zip"
        if head.startswith(b"\x1f\x8b"):
            return "gzip"
        text = head.lstrip(b"\xef\xbb\xbf \r\n\t")
        if text.startswith((b"[", b"{")):
            return "json"
        if text.startswith(b"<"):
            return "xml"
        return "csv"


def _every(paths: list[Path], step: int) -> list[Path]:
    return sorted(paths)[::step]


def seed_files(samples_dir: Path | None = None) -> list[Seed]:
    """The real files fuzzing starts from, in a fixed order."""
    paths = sorted(TEST_DATA.glob("*.fit")) + sorted((TEST_DATA / "exports").glob("*"))
    paths = [p for p in paths if p.suffix != ".md"]
    paths += sorted((SAMPLE_DATA / "templates").glob("*.csv"))
    for athlete in sorted(p for p in SAMPLE_DATA.iterdir() if p.is_dir() and "-" in p.name):
        paths += sorted(athlete.glob("*.csv"))
        for folder in ("activities", "sleep", "wellness"):
            paths += _every(list((athlete / folder).glob("*.fit")), 200)[:2]
    if samples_dir is not None:
        paths += sorted((samples_dir / "exports").rglob("*.csv"))
        paths += sorted((samples_dir / "fit").glob("*.fit"))
        paths += _every(list((samples_dir / "garmin_wellness_2021_06").rglob("*.fit")), 25)
    seeds = [Seed(p.name, p.read_bytes()) for p in paths if p.is_file()]
    return seeds + _container_seeds(seeds)


def _container_seeds(seeds: list[Seed]) -> list[Seed]:
    """ZIP and gzip files built from the real ones: an export, a nested export, a .fit.gz."""
    small = [s for s in seeds if len(s.data) < 40_000]
    pick = [small[i] for i in range(0, len(small), max(1, len(small) // 6))][:6]
    inner = _zip({f"Activities/{s.name}": s.data for s in pick[:3]})
    fit = next(s for s in small if s.kind == "fit")
    return [
        Seed("export.zip", _zip({f"export/{s.name}": s.data for s in pick})),
        Seed("export_stored.zip", _zip({s.name: s.data for s in pick}, zipfile.ZIP_STORED)),
        Seed("garmin.zip", _zip({"UploadedFiles_0.zip": inner, pick[-1].name: pick[-1].data})),
        Seed(f"{fit.name}.gz", gzip.compress(fit.data, mtime=0)),
    ]


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, content, compress_type=method)
    return buffer.getvalue()


# --- mutations ----------------------------------------------------------------------------------

#: Values that broke readers in the attack run, or sit on a boundary of what they accept.
HOSTILE_VALUES = (
    "1" + "0" * 400,
    "-" + "9" * 400,
    "1e29",
    "1e308",
    "-1e308",
    "1e-320",
    "inf",
    "-inf",
    "nan",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "9999-12-31",
    "0001-01-01",
    "2262-04-12T00:00:00",
    "1677-09-21T00:00:00",
    "2024-02-30",
    "2024-03-31T02:30",
    "2024-10-27 02:30:00",
    "99:99:99",
    "-00:01",
    "10000000:00:00",
    "12/31/99 25:61:61",
    "Europe/" + "x" * 300,
    "localtime",
    "Factory",
    "UTC+99:00",
    "GMT-5",
    "\x1b]0;owned\x07",
    "\u202e",
    "\x00",
    "",
    "--",
    "null",
    "true",
    "1,000,000,000,000,000",
    "0x7fffffff",
    "\u0661\u0662\u0663",
    "\U0001d7d9\U0001d7da",
    "4294967295",
    "-2147483648",
    "18446744073709551616",
)

JSON_VALUES = (
    10**400,
    -(10**400),
    1e308,
    -1e308,
    1e29,
    0,
    -1,
    True,
    None,
    [],
    {},
    [[[]]],
    {"value": {"value": 1}},
    "9999-12-31T23:59:59.000",
    "0001-01-01T00:00:00.0",
    "x" * 200_000,
)


def _flip_bits(rng: random.Random, data: bytearray) -> str:
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    return "flip bits"


def _set_bytes(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(len(data))
    value = rng.choice([b"\x00", b"\xff", b"\x7f", b"\x80", b"\xff\xff\xff\xff", b"\x00" * 4])
    data[at : at + len(value)] = value
    return f"set bytes at {at}"


def _insert(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(len(data) + 1)
    data[at:at] = rng.randbytes(rng.randint(1, 64))
    return f"insert at {at}"


def _delete(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(len(data))
    del data[at : at + rng.randint(1, 256)]
    return f"delete at {at}"


def _duplicate(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(len(data))
    chunk = data[at : at + rng.randint(1, 4096)]
    data[at:at] = chunk * rng.randint(1, 8)
    return f"duplicate at {at}"


def _truncate(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(len(data))
    del data[at:]
    return f"truncate at {at}"


def _int_field(rng: random.Random, data: bytearray) -> str:
    at = rng.randrange(max(1, len(data) - 4))
    data[at : at + 4] = rng.choice([0xFFFFFFFF, 0x80000000, 0, 1, 0xFFFF]).to_bytes(4, "little")
    return f"extreme integer at {at}"


BYTE_MUTATIONS: tuple[Callable[[random.Random, bytearray], str], ...] = (
    _flip_bits,
    _set_bytes,
    _insert,
    _delete,
    _duplicate,
    _truncate,
    _int_field,
)


def _mutate_text(rng: random.Random, text: str, kind: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True) or [""]
    operation = rng.randrange(9)
    at = rng.randrange(len(lines))
    if operation == 0:  # a row twice (Garmin Activities.csv with a duplicated row)
        lines.insert(at, lines[at])
        return "".join(lines), f"duplicate line {at}"
    if operation == 1:  # cut mid-row (WHOOP workouts.csv cut by a download)
        cut = rng.randrange(len(text) + 1)
        return text[:cut], f"cut at {cut}"
    if operation == 2:
        del lines[at]
        return "".join(lines), f"delete line {at}"
    if operation == 3:  # one long cell: a long cramp note
        size = rng.choice([131_072, 131_073, 200_000])
        cell = '"' + "n" * size + '"' if kind == "csv" else "n" * size
        return _replace_token(rng, text, cell), f"cell of {size} characters"
    if operation == 4 and kind == "json":
        return _mutate_json(rng, text)
    if operation == 5:
        return text.replace(",", rng.choice([";", "\t", ",,", '","'])), "delimiter"
    if operation == 6:
        value = rng.choice(HOSTILE_VALUES)
        return "".join(lines[:at] + [value + "\n"] + lines[at:]), f"line {value[:20]!r}"
    value = rng.choice(HOSTILE_VALUES)
    return _replace_token(rng, text, value), f"value {value[:20]!r}"


def _replace_token(rng: random.Random, text: str, value: str) -> str:
    """Replace one cell, number or quoted value of the text by ``value``."""
    spans, start = [], 0
    for i, char in enumerate(text):
        if char in ',;\t\n:"<>=':
            if i > start:
                spans.append((start, i))
            start = i + 1
    if not spans:
        return text + value
    begin, end = rng.choice(spans)
    return text[:begin] + value + text[end:]


def _mutate_json(rng: random.Random, text: str) -> tuple[str, str]:
    try:
        document = json.loads(text)
    except ValueError:
        return text, "not JSON"
    nodes: list[tuple[object, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            nodes.extend((node, key) for key in node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            nodes.extend((node, i) for i in range(len(node)))
            for value in node:
                walk(value)

    walk(document)
    if rng.random() < 0.1:
        depth = rng.choice([500, 2000, 100_000])
        return "[" * depth + text + "]" * depth, f"nested {depth} deep"
    if not nodes:
        return text, "empty JSON"
    parent, key = rng.choice(nodes)
    value = rng.choice(JSON_VALUES)
    parent[key] = value  # type: ignore[index]
    if isinstance(parent, list) and rng.random() < 0.3:
        parent.append(parent[0])  # a record twice
    return json.dumps(document), f"JSON {key!r} = {str(value)[:20]}"


def mutate(rng: random.Random, seed: Seed, others: list[Seed]) -> tuple[bytes, str]:
    """One mutation of ``seed`` (text-aware for CSV, JSON and XML, byte-level otherwise)."""
    data = seed.data
    if not data:
        return rng.randbytes(16), "random bytes"
    if seed.kind in ("csv", "json", "xml") and rng.random() < 0.7:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            mutated, how = _mutate_text(rng, text, seed.kind)
            encoding = "utf-16" if rng.random() < 0.03 else "utf-8"
            return mutated.encode(encoding, errors="surrogatepass"), how
    if rng.random() < 0.05:  # splice two files
        other = rng.choice(others).data
        cut = rng.randrange(len(data) + 1)
        return data[:cut] + other[rng.randrange(len(other) + 1) :], "splice"
    buffer = bytearray(data)
    steps = [rng.choice(BYTE_MUTATIONS)(rng, buffer) for _ in range(rng.randint(1, 3)) if buffer]
    return bytes(buffer), ", ".join(steps)


# --- cases and targets --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One fuzz input: where it came from, how it was made, which target reads it."""

    index: int
    target: str
    seed: str
    mutation: str
    name: str
    data: bytes
    timezone: str | None
    valid_rows_only: bool


def make_case(run_seed: int, index: int, seeds: list[Seed], target: str | None = None) -> Case:
    """The ``index``-th input of run ``run_seed`` (the same every time)."""
    rng = random.Random(f"{run_seed}:{index}")
    target = target or rng.choices(TARGETS, TARGET_WEIGHTS)[0]
    if target == "inspect":
        pool = [s for s in seeds if s.kind == "fit"]
    elif target == "archive":
        pool = [s for s in seeds if s.kind in ("zip", "gzip")]
    else:
        pool = seeds
    seed = rng.choice(pool)
    data, how = mutate(rng, seed, seeds) if rng.random() < 0.97 else (seed.data, "unchanged")
    if target == "archive" and rng.random() < 0.5:
        data, how = _rebuild_archive(rng, data, seeds), how + ", repacked"
    timezone = rng.choice([None, "Europe/Berlin", "UTC", "America/St_Johns", "Pacific/Chatham"])
    return Case(index, target, seed.name, how, seed.name, data, timezone, rng.random() < 0.5)


def _rebuild_archive(rng: random.Random, data: bytes, seeds: list[Seed]) -> bytes:
    """A ZIP around the (mutated) data and another seed, deflated, stored or nested."""
    members = {"a/" + rng.choice(seeds).name: rng.choice(seeds).data[:50_000], "b.bin": data}
    packed = _zip(members, rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    return _zip({"inner.zip": packed}) if rng.random() < 0.3 else packed


@dataclass
class Outcome:
    """What one case did."""

    case: Case
    kind: str  # "ok", "refused" or a failure kind
    seconds: float
    rss_mb: float
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.kind not in ("ok", "refused")


_IDS = re.compile(r"\b[0-9a-f]{8,}(-\d+)?\b|\b\d{3,}\b")


class TooSlow(Exception):
    """Raised by the alarm when a case runs over its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def alarm(signum, frame):  # noqa: ANN001, ARG001 - signal handler signature
        raise TooSlow(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    """``Type at file:line`` of the innermost frame inside the project."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/analyzer/" in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    path = frame.filename.split("/analyzer/")[-1]
    return f"{type(exc).__name__} at analyzer/{path}:{frame.lineno}"


class Runner:
    """Runs cases against their targets, in strict mode (reader bugs surface as exceptions)."""

    def __init__(self, workdir: Path, time_limit_s: float = 30.0) -> None:
        self.workdir = workdir
        self.time_limit_s = time_limit_s
        os.environ[STRICT_ENV] = "1"

    def run(self, case: Case) -> Outcome:
        from analyzer.errors import ImportFileError, ReaderFault

        started = time.perf_counter()
        kind, detail = "ok", ""
        try:
            with time_limit(self.time_limit_s):
                detail = getattr(self, f"_{case.target}")(case) or ""
        except TooSlow as exc:
            kind, detail = "slow", str(exc)
        except ReaderFault as exc:
            kind, detail = _IDS.sub("…", f"fault: {exc.problem[:120]}"), str(exc)[:300]
        except ImportFileError as exc:
            kind, detail = "refused", str(exc)[:300]
        except Exception as exc:  # noqa: BLE001 - every other exception is a failure found
            kind, detail = _where(exc), f"{type(exc).__name__}: {str(exc)[:300]}"
        if detail.startswith("failure: "):
            kind, detail = detail[len("failure: ") :].split("|", 1)[0], detail
            kind = _IDS.sub("…", kind)  # one kind for the same failure on different files
        seconds = time.perf_counter() - started
        if kind == "ok" and seconds > self.time_limit_s:
            kind = "slow"
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return Outcome(case, kind, seconds, rss_mb, detail)

    def _read(self, case: Case) -> None:
        from analyzer.io.registry import read_bytes

        read_bytes(
            case.name, case.data, timezone=case.timezone, valid_rows_only=case.valid_rows_only
        )

    def _stream(self, case: Case) -> None:
        from analyzer.io.registry import read_stream

        read_stream(
            case.name,
            io.BytesIO(case.data),
            timezone=case.timezone,
            valid_rows_only=case.valid_rows_only,
        )

    def _archive(self, case: Case) -> None:
        from analyzer.io.archive import is_archive
        from analyzer.io.registry import read_archive, read_bytes

        if is_archive(case.name, case.data):
            for _member, _result in read_archive(
                case.name, case.data, timezone=case.timezone, valid_rows_only=case.valid_rows_only
            ):
                pass
        else:
            read_bytes(case.name, case.data, timezone=case.timezone)

    def _inspect(self, case: Case) -> str:
        import argparse

        from analyzer.cli import inspect as inspect_command

        path = self.workdir / "inspect.fit"
        path.write_bytes(case.data)
        for output in ("text", "json"):
            args = argparse.Namespace(file=str(path), format=output)
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                code = inspect_command.run(args)
            if code not in (0, 2):
                return f"failure: inspect exit {code}|"
        return ""

    def _import(self, case: Case) -> str:
        """Import into a new library each time: one case's data cannot slow the next one down."""
        from analyzer.store import Library

        path = self.workdir / f"fuzz-{case.index}.sqlite"
        try:
            with Library(path) as library:
                library.create_athlete("a", "A", timezone=case.timezone)
                result = library.import_file(
                    "a", case.name, case.data, valid_rows_only=case.valid_rows_only
                )
        finally:
            for leftover in self.workdir.glob(f"fuzz-{case.index}.sqlite*"):
                leftover.unlink()
        if result.status == "failed" and "bug in cramp-analyzer" in result.message:
            return f"failure: import fault {result.message[:100]}|{result.message}"
        if result.status == "failed" and "stopped on unexpected content" in result.message:
            return f"failure: import fault {result.message[:100]}|{result.message}"
        if result.status == "failed" and "could not be stored" in result.message:
            return f"failure: store {result.message.split('(')[1][:80]}|{result.message}"
        return ""


@dataclass
class Report:
    """Tally of a fuzz run."""

    tried: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[Outcome]] = field(default_factory=dict)
    slowest: Outcome | None = None
    peak_rss_mb: float = 0.0
    largest_rss_step: tuple[float, Outcome | None] = (0.0, None)

    def add(self, outcome: Outcome, rss_before_mb: float) -> None:
        target = outcome.case.target
        self.tried[target] = self.tried.get(target, 0) + 1
        label = outcome.kind if outcome.failed else outcome.kind
        key = f"{target}: {label}"
        self.outcomes[key] = self.outcomes.get(key, 0) + 1
        if outcome.failed:
            self.failures.setdefault(outcome.kind, []).append(outcome)
        if self.slowest is None or outcome.seconds > self.slowest.seconds:
            self.slowest = outcome
        self.peak_rss_mb = max(self.peak_rss_mb, outcome.rss_mb)
        step = outcome.rss_mb - rss_before_mb
        if step > self.largest_rss_step[0]:
            self.largest_rss_step = (step, outcome)

    @property
    def n_failures(self) -> int:
        return sum(len(v) for v in self.failures.values())


def run_cases(
    run_seed: int,
    indices: range,
    seeds: list[Seed],
    *,
    target: str | None = None,
    time_limit_s: float = 30.0,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Run the cases ``indices`` of run ``run_seed``; return their tally."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="cramp-fuzz-") as workdir:
        runner = Runner(Path(workdir), time_limit_s)
        for index in indices:
            case = make_case(run_seed, index, seeds, target)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            outcome = runner.run(case)
            report.add(outcome, before)
            if on_outcome is not None:
                on_outcome(outcome)
    return report


def default_seeds() -> list[Seed]:
    """Seeds from the project's files and, when available, the shared samples."""
    return seed_files(shared_samples_dir())
