"""Processes opening a new library at the same moment all succeed (WAL switch and migrations)."""

from __future__ import annotations

import multiprocessing

from analyzer.store import Library


def _open(path: str, results) -> None:
    try:
        Library(path).close()
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(repr(exc))


def test_processes_opening_a_new_library_at_once_all_succeed(tmp_path):
    context = multiprocessing.get_context("fork")
    outcomes = []
    for round_ in range(20):
        path = str(tmp_path / f"lib{round_}.sqlite")
        results = context.Queue()
        processes = [context.Process(target=_open, args=(path, results)) for _ in range(4)]
        for process in processes:
            process.start()
        outcomes += [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
    assert outcomes == ["ok"] * len(outcomes)
    with Library(tmp_path / "lib0.sqlite") as lib:
        assert lib.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
