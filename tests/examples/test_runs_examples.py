"""The chat-run and workflow-template examples run against the embedded local Supernet."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: script, extra arguments, lines its output must contain
CASES = [
    (
        "durable_chat_run.py",
        [],
        [
            "run_waiting_for_user",
            "cost preview: 2.0 capacity units",
            "approved",
            "run_completed",
            "completed",
            "image: http",
        ],
    ),
    (
        "durable_chat_run.py",
        ["--decline"],
        ["declined", "run_completed", "The user declined the cost"],
    ),
    (
        "workflows_templates.py",
        [],
        [
            "public template(s): Poster to clip",
            "saved template tpl_",
            "image: http",
            "reseeded wf_",
            "deleted template tpl_",
        ],
    ),
]


def run(script: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOGNI_API_KEY"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("script", "args", "expected"), CASES, ids=["approve", "decline", "templates"]
)
def test_example_runs_locally(
    script: str, args: list[str], expected: list[str], tmp_path: Path
) -> None:
    proc = run(script, args, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "local Supernet" in proc.stdout
    for line in expected:
        assert line in proc.stdout, proc.stdout


def test_the_approval_example_prints_the_run_events_in_order(tmp_path: Path) -> None:
    proc = run("durable_chat_run.py", [], tmp_path)
    assert proc.returncode == 0, proc.stderr
    numbers = [int(n) for n in re.findall(r"^  #(\d+) ", proc.stdout, re.M)]
    assert numbers == sorted(set(numbers)) and numbers[0] == 1
    assert proc.stdout.count("completed") >= 2
