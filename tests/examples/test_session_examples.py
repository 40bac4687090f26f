"""The workflow, login and headless-worker examples run against the local Supernet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: script, extra arguments, lines its output must contain
CASES = [
    ("workflows_start.py", [], ["started (queued)", "completed", "image: http", "video: http"]),
    (
        "workflows_list.py",
        ["--limit", "5"],
        ["1 workflow(s):", "#1 workflow.queued", "workflow.completed"],
    ),
    ("workflows_stream.py", [], ["connection cut", "13 event(s); the workflow ended: completed"]),
    ("workflows_cancel.py", [], ["cancel requested: cancelled", "ended: cancelled"]),
    ("login.py", [], ["logged in as demo (wallet 0x", "balance: 1000", "claimable", "logged out"]),
    (
        "headless_worker_subscriptions.py",
        [],
        [
            "[socket] connected to the fast network again",
            "job 3: http",
            "after the reconnect the network holds: {'modelAvailability': False, "
            "'toastMessage': False, 'jobETA': False}",
        ],
    ),
]


def run(script: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SOGNI_API_KEY", "SOGNI_USERNAME", "SOGNI_PASSWORD")
    }
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(("script", "args", "expected"), CASES, ids=[case[0] for case in CASES])
def test_example_runs_locally(
    script: str, args: list[str], expected: list[str], tmp_path: Path
) -> None:
    proc = run(script, args, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "local Supernet" in proc.stdout
    for line in expected:
        assert line in proc.stdout, proc.stdout


def test_stream_example_prints_every_event_once(tmp_path: Path) -> None:
    proc = run("workflows_stream.py", [], tmp_path)
    assert proc.returncode == 0, proc.stderr
    ids = [line.split()[0] for line in proc.stdout.splitlines() if line.startswith("#")]
    assert ids == [f"#{n}" for n in range(1, 14)]


def test_login_example_saves_and_resumes_a_session(tmp_path: Path) -> None:
    saved = tmp_path / "session.json"
    first = run("login.py", ["--save", str(saved)], tmp_path)
    assert first.returncode == 0, first.stderr
    assert saved.is_file() and oct(saved.stat().st_mode)[-3:] == "600"
    assert "demo-password" not in saved.read_text()
