"""The README's two set-up commands are the ones CI runs, and they work."""

from __future__ import annotations

import re

from analyzer.cli import build_parser, main
from analyzer.cli.dashboard import streamlit_command
from tests.helpers.paths import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_opens_with_run_and_test_commands():
    commands = _readme_commands()
    assert len(commands) >= 2
    run, test = commands[0], commands[1]
    assert "cramp-analyzer dashboard" in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    test_command = _readme_commands()[1]
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci_script.splitlines()


def test_ci_lints_and_checks_formatting_before_the_tests():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tests = lines.index(_readme_commands()[1])
    for check in (".venv/bin/ruff check .", ".venv/bin/ruff format --check ."):
        assert check in lines[:tests], check
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"ruff>=' in pyproject  # the fresh CI venv installs it with the test extra


def test_dashboard_binds_loopback_without_usage_stats():
    command = streamlit_command([])
    assert "--server.address=127.0.0.1" in command
    assert "--browser.gatherUsageStats=false" in command
    config = (ROOT / "dashboards" / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'address = "127.0.0.1"' in config
    assert "gatherUsageStats = false" in config


def test_cli_help_lists_commands(capsys):
    parser = build_parser()
    help_text = parser.format_help()
    assert "dashboard" in help_text


def test_cli_rejects_unknown_command(capsys):
    try:
        main(["no-such-command"])
    except SystemExit as exc:
        assert exc.code == 2
    else:  # pragma: no cover
        raise AssertionError("unknown command accepted")
