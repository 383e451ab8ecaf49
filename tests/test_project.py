"""Project rules a user relies on: the README's Quick start and CI run the same thing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = re.search(r"^#+ *Quick start\s*\n(.*?)(?=^#+ )", readme, re.S | re.M | re.I)
    assert section, "README.md has no Quick start section"
    block = re.search(r"```[a-z]*\n(.*?)```", section.group(1), re.S)
    assert block, "the Quick start has no code block"
    return [
        line.lstrip("$ ").strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_quick_start_is_exactly_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert "claimgraph run" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    test_command = quick_start_commands()[1]
    assert test_command in ci.splitlines()


def test_ci_tolerates_no_tests_but_fails_on_failures() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "-eq 5 ]" in ci
    assert 'exit "$status"' in ci
    assert "set -e" not in ci  # the status of pytest must reach the exit line
