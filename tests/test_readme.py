"""The README's promises stay true: CI runs its test command verbatim, and every command
the CLI has is documented there."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _set_up_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+)\n```", section)


def test_exactly_two_set_up_commands_run_the_app_and_the_tests() -> None:
    run_app, run_tests = _set_up_commands()
    assert run_app.endswith(".venv/bin/fireside")
    assert run_tests.endswith("-m pytest") and "sudo" not in run_tests


def test_the_run_command_needs_no_sudo_as_root_and_the_keyring_is_explained() -> None:
    run_app, _ = _set_up_commands()
    assert not run_app.startswith("sudo ") and '[ "$(id -u)" = 0 ] || echo sudo' in run_app
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    assert "keyring" in section and "unlock" in section


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"({_set_up_commands()[1]})\n" in ci
    assert ci.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in ci


def test_every_cli_command_is_documented() -> None:
    subparsers = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    for name in subparsers.choices:
        assert f"`fireside {name}" in README
    for reference in (
        "resources/screenshot.png",
        "app/sandbox/API.md",
        "python -m bench",
        "## Known limits",
        "FIRESIDE_HOME",
        "--data-dir",
    ):
        assert reference in README


def test_the_allowed_networks_row_names_every_network_kind() -> None:
    from app.networks.registry import NETWORK_IDS

    row = next(line for line in README.splitlines() if line.startswith("| `AllowedNetworks`"))
    listed = re.findall(r"`([a-z0-9_-]+)`", row.split("|")[2])
    assert sorted(listed) == sorted(NETWORK_IDS)
