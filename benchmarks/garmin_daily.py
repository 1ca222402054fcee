"""Benchmark: a year of Garmin daily FIT files imported into one athlete's library.

The year is the real month of ``$ANALYZER_SAMPLES_DIR/garmin_wellness_2021_06``
(556 WELLNESS, SLEEP_DATA and METRICS files) repeated with shifted dates and
written to a temporary folder: every ``date_time`` field (from the FIT
profile, plus field 253 and the local timestamp of Garmin's undocumented
``sleep_data_info``) moves by a multiple of 65,536 s (about 30.3 days), so
that ``timestamp_16`` values and compressed-header offsets stay valid as
they are; the file CRC is recomputed. The whole folder is then imported with
:class:`analyzer.store.ImportJob`, as the ``import`` command does: the files
are read ahead in worker processes (:mod:`analyzer.store.importing.reading`),
written in groups of up to 200 files per transaction
(:mod:`analyzer.store.importing.job`) and their nights and days are assembled
once at the end (:mod:`analyzer.store.nights`). ``--inline`` reads in the
main process instead (one transaction per file), for comparison;
``--peer`` also times fitdecode decoding the real month's files (messages
only, no tables) in the same run.

Run::

    ANALYZER_SAMPLES_DIR=../shared/samples python benchmarks/garmin_daily.py [--months 27]

Prints files, files/s, total wall time, CPU time of the main process and of
the workers, peak memory (ru_maxrss of the process; with ``--trace-memory``
also tracemalloc's peak of Python objects, which slows the import) and the
nights/days found.
"""

from __future__ import annotations

import argparse
import os
import resource
import struct
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from analyzer.io.fit import profile
from analyzer.io.fit.crc import crc16
from analyzer.io.fit.walk import walk
from analyzer.store import ImportJob
from analyzer.store.importing import reading
from analyzer.store.library import Library

SHIFT_S = (
    40 * 65536
)  # ~30.3 days: keeps the low 16 bits (timestamp_16) and 5 bits (compressed headers)
EXTRA_DATE_FIELDS = {273: {2}, 241: {0}}  # Garmin's undocumented local timestamps


def _date_fields() -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for num, mesg in profile.MESSAGE_TYPES.items():
        out[num] = {
            f.def_num
            for f in mesg.fields.values()
            if getattr(f.type, "name", "") in ("date_time", "local_date_time")
        }
    for num, fields in EXTRA_DATE_FIELDS.items():
        out.setdefault(num, set()).update(fields)
    return out


def shift_fit(data: bytes, shift_s: int, date_fields: dict[int, set[int]]) -> bytes:
    """Return the FIT file with every date_time field moved by ``shift_s`` seconds and a new CRC."""
    buf = bytearray(data)
    result = walk(data, "<bench>", check_crc=False)
    layouts = []
    for d in result.definitions:
        wanted = date_fields.get(d.global_num, set()) | {profile.TIMESTAMP_FIELD}
        offsets, at = [], 0
        for num, size, _base in d.fields:
            if num in wanted and size == 4:
                offsets.append(at)
            at += size
        layouts.append((("<I" if d.endian == "<" else ">I"), offsets))
    for pos, def_id in zip(result.positions.tolist(), result.definition_ids.tolist()):
        fmt, offsets = layouts[def_id]
        for off in offsets:
            (value,) = struct.unpack_from(fmt, buf, pos + 1 + off)  # after the record header byte
            if profile.DEVICE_RELATIVE_MAX <= value < 0xFFFFFFFF:
                struct.pack_into(fmt, buf, pos + 1 + off, value + shift_s)
    header_size = buf[0]
    data_size = struct.unpack_from("<I", buf, 4)[0]
    end = header_size + data_size
    struct.pack_into("<H", buf, end, crc16(bytes(buf[:end])))
    return bytes(buf)


def write_year(month: Path, out: Path, months: int) -> int:
    date_fields = _date_fields()
    files = sorted(month.glob("*/*.fit"))
    n = 0
    for m in range(months):
        folder = out / f"m{m:02d}"
        folder.mkdir(parents=True)
        for path in files:
            (folder / f"{path.parent.name}_{path.name}").write_bytes(
                shift_fit(path.read_bytes(), m * SHIFT_S, date_fields)
            )
            n += 1
    return n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--months",
        type=int,
        default=12,
        help="repetitions of the month (12: ~6,700 files; 27: ~15,000)",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="also measure peak Python memory with tracemalloc (slows the import 2-3x)",
    )
    parser.add_argument(
        "--inline", action="store_true", help="read every file in the main process (no workers)"
    )
    parser.add_argument(
        "--peer", action="store_true", help="also time fitdecode on the real month's files"
    )
    args = parser.parse_args(argv)
    if args.inline:
        reading.MIN_FILES = 10**9
    root = os.environ.get("ANALYZER_SAMPLES_DIR")
    month = Path(root or "") / "garmin_wellness_2021_06"
    if not root or not month.is_dir():
        sys.exit(
            "set ANALYZER_SAMPLES_DIR to the shared samples (garmin_wellness_2021_06 is needed)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        files_dir = Path(tmp) / "year"
        t0 = time.perf_counter()
        n_files = write_year(month, files_dir, args.months)
        write_s = time.perf_counter() - t0
        lib = Library(Path(tmp) / "lib.sqlite")
        lib.create_athlete("kent", "Kent", timezone="Europe/Copenhagen")
        if args.trace_memory:
            tracemalloc.start()
        wall0, cpu0, children0 = time.perf_counter(), time.process_time(), _children_cpu()
        results = ImportJob(lib, "kent").add_paths([files_dir]).run().results
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        workers_cpu = _children_cpu() - children0
        peak_py = tracemalloc.get_traced_memory()[1] if args.trace_memory else None
        tracemalloc.stop()
        nights, days = lib.sleep("kent"), lib.wellness("kent")
        statuses = {s: sum(r.status == s for r in results) for s in {r.status for r in results}}
        lib.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("files", f"{n_files}"),
        ("months of data", f"{args.months}"),
        ("statuses", ", ".join(f"{k}={v}" for k, v in sorted(statuses.items()))),
        ("writing the shifted files [s]", f"{write_s:.1f}"),
        ("import wall time [s]", f"{wall:.1f}"),
        ("reading", "inline" if args.inline else f"{reading.WORKERS} worker processes"),
        ("import CPU time, main process [s]", f"{cpu:.1f}"),
        ("import CPU time, workers [s]", f"{workers_cpu:.1f}"),
        ("CPU per file, all processes [ms]", f"{1000 * (cpu + workers_cpu) / n_files:.1f}"),
        ("files/s", f"{n_files / wall:.1f}"),
        ("projected 15,000 files [s]", f"{15000 * wall / n_files:.0f}"),
        (
            "peak Python memory (tracemalloc) [MB]",
            "not traced" if peak_py is None else f"{peak_py / 2**20:.1f}",
        ),
        ("peak process RSS [MB]", f"{rss_mb:.0f}"),
        ("nights / days assembled", f"{len(nights)} / {len(days)}"),
    ]
    if args.peer:
        rows += _peer_rows(month)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peer_rows(month: Path) -> list[tuple[str, str]]:
    """fitdecode decoding every message of the real month's files, for scale."""
    import fitdecode

    files = sorted(month.glob("*/*.fit"))
    cpu0 = time.process_time()
    for path in files:
        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.DISABLED) as fit:
            for _frame in fit:
                pass
    per_file = 1000 * (time.process_time() - cpu0) / len(files)
    return [("peer: fitdecode, decode only [CPU ms/file]", f"{per_file:.1f}")]


if __name__ == "__main__":
    main()
