"""``python -m sogni.testing`` serves until SIGINT or SIGTERM, then cleans up and exits 0."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

STARTUP_LINES = 5  # listening, REST, socket, temp folder, "Press Ctrl-C"


@contextmanager
def standalone(**popen: Any) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """The standalone server and what it announced (``rest``, ``socket``, ``temp``)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sogni.testing", "--port", "0", "--api-key", "cli-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    try:
        assert proc.stdout is not None
        text = "".join(proc.stdout.readline() for _ in range(STARTUP_LINES))
        found = {
            name: re.search(pattern, text)
            for name, pattern in (
                ("rest", r"REST endpoint:\s+(http://\S+)"),
                ("socket", r"socket endpoint:\s+(ws://\S+)"),
                ("temp", r"temp folder:\s+(\S+)"),
            )
        }
        assert all(found.values()), text
        yield proc, {name: match.group(1) for name, match in found.items() if match}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def ignore_sigint() -> None:
    """Start the child as the shell starts a background job: with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_standalone_server_prints_urls_and_answers() -> None:
    with standalone() as (proc, announced):
        response = httpx.get(
            announced["rest"] + "/v1/account/me", headers={"api-key": "cli-key"}, timeout=5
        )
        assert response.status_code == 200
        assert httpx.get(announced["rest"] + "/v1/account/me", timeout=5).status_code == 401
        assert announced["socket"].startswith("ws://127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0


@pytest.mark.parametrize(
    ("signum", "popen"),
    [
        (signal.SIGTERM, {}),
        (signal.SIGINT, {}),
        (signal.SIGTERM, {"start_new_session": True, "preexec_fn": ignore_sigint}),
        (signal.SIGINT, {"start_new_session": True, "preexec_fn": ignore_sigint}),
    ],
    ids=["sigterm", "sigint", "sigterm-background-job", "sigint-background-job"],
)
def test_signal_stops_the_server_and_removes_its_temp_folder(
    signum: signal.Signals, popen: dict[str, Any]
) -> None:
    with standalone(**popen) as (proc, announced):
        temp = Path(announced["temp"])
        assert temp.is_dir()
        assert (
            httpx.get(
                announced["rest"] + "/v1/account/me", headers={"api-key": "cli-key"}, timeout=5
            ).status_code
            == 200
        )
        proc.send_signal(signum)
        assert proc.wait(timeout=15) == 0
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()
        assert not temp.exists()
