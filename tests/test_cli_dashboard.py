"""``cramp-analyzer dashboard`` stopped with SIGTERM leaves no server listening."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.helpers.paths import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="signals as on POSIX")
def test_sigterm_stops_the_server(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "analyzer",
        "dashboard",
        "--library",
        str(tmp_path / "lib.sqlite"),
        f"--server.port={port}",
        "--server.headless=true",
    ]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert _wait_until(lambda: _listening(port), 90), "the server never started listening"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert _wait_until(lambda: not _listening(port), 10), "a server still listens"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
