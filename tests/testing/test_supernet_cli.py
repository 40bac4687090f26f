"""``python -m sogni.testing`` serves until interrupted."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import httpx


def test_standalone_server_prints_urls_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sogni.testing", "--port", "0",
                             "--api-key", "cli-key"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        rest = re.search(r"REST endpoint:\s+(http://\S+)", "".join(lines))
        socket = re.search(r"socket endpoint:\s+(ws://\S+)", "".join(lines))
        assert rest and socket, lines
        response = httpx.get(rest.group(1) + "/v1/account/me", headers={"api-key": "cli-key"},
                             timeout=5)
        assert response.status_code == 200
        assert httpx.get(rest.group(1) + "/v1/account/me", timeout=5).status_code == 401
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
