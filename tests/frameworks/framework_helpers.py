"""Run an app's server as a process against a local Supernet, and check what it served."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from sogni.testing import LocalSupernet

APPS = Path(__file__).parent / "apps"
REQUESTS = 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def app_environment(net: LocalSupernet, **extra: str) -> dict[str, str]:
    """This process's environment with the Supernet's endpoints and ``apps/`` importable."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SOGNI_")}
    env.update(
        SOGNI_API_KEY=net.api_key,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(APPS), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class Server:
    """A server process started by :func:`serve`; ``log()`` is what it printed so far."""

    def __init__(self, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        """The pid of the process started: the master of a forking server."""
        return self.process.pid

    def log(self) -> str:
        """Everything the server wrote to stdout and stderr."""
        return self.log_path.read_text(errors="replace")

    def alive(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the process to end; whether it is still running."""
        try:
            self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            return True
        return False


@contextmanager
def serve(argv: Sequence[str], env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """Run ``python -m argv...`` in a session of its own; ends it and its workers on exit."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *argv],
            env=env,
            cwd=APPS,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, log_path)
    try:
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM (the server stops its workers and exits); after ``grace`` seconds, SIGKILL
    to its process group, while its still running leader keeps that group id its own."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(grace)


def wait_until_answering(server: Server, url: str, timeout: float = 30) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if not server.alive(0.1):
            code = server.process.returncode
            raise AssertionError(f"the server exited ({code}):\n{server.log()}")
    raise AssertionError(f"{url} did not answer within {timeout} s:\n{server.log()}")


def wait_for_log(server: Server, pattern: str, count: int, timeout: float = 30) -> list[str]:
    """Wait until the server's log has ``count`` matches of ``pattern``; their first groups."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.findall(pattern, server.log())
        if len(found) >= count:
            return found
        if not server.alive(0.1):
            break
    raise AssertionError(f"{count} x {pattern!r} not logged within {timeout} s:\n{server.log()}")


def fire(url: str, count: int = REQUESTS, timeout: float = 45) -> list[httpx.Response]:
    """``count`` GET requests to ``url?prompt=pN``, all at once."""
    limits = httpx.Limits(max_connections=count)
    with httpx.Client(timeout=timeout, limits=limits) as http, ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda n: http.get(url, params={"prompt": f"p{n}"}), range(count)))


def fire_at(server: Server, url: str, timeout: float = 45) -> list[httpx.Response]:
    """:func:`fire` at a server; any failed or unanswered request fails with its log."""
    try:
        responses = fire(url, timeout=timeout)
    except httpx.HTTPError as exc:
        raise AssertionError(f"{exc!r} from {url}:\n{server.log()}") from exc
    assert [r.status_code for r in responses] == [200] * REQUESTS, server.log()
    return responses


def check_renders(net: LocalSupernet, renders: list[dict[str, Any]]) -> None:
    """Every render is a distinct completed project of ``net`` whose image, fetched again
    from its URL, has the bytes the app read; the network saw each request once."""
    assert len(renders) == REQUESTS
    assert len({r["project_id"] for r in renders}) == REQUESTS
    with httpx.Client(timeout=10) as http:
        for r in renders:
            assert r["status"] == "completed", r
            network_view = net.project(r["project_id"])
            assert network_view is not None and network_view["status"] == "completed", r
            image = http.get(r["url"])
            assert image.status_code == 200, r
            assert image.content.startswith(PNG_SIGNATURE) and len(image.content) == r["bytes"]
    assert net.duplicate_requests("jobRequest") == []


def job_request_app_ids(net: LocalSupernet) -> set[str]:
    """The app ids (one per connected process) that sent the network a project."""
    return {m.app_id for m in net.messages() if m.direction == "in" and m.type == "jobRequest"}


def gunicorn_argv(app: str, port: int, workers: int = 2) -> list[str]:
    """gunicorn importing ``app`` once in the master (``--preload``), then forking."""
    return [
        "gunicorn",
        app,
        "--preload",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "45",
        "--graceful-timeout",
        "5",
        "--no-control-socket",  # else a socket in ~/.gunicorn, shared by every gunicorn
    ]


def prove_preforked_server(
    net: LocalSupernet, server: Server, base_url: str, request_timeout: float = 45
) -> None:
    """The shared proof of a pre-fork server: 20 concurrent renders, all served, by both
    workers, each with its own connection, through a client made in the master."""
    booted = wait_for_log(server, r"Booting worker with pid: (\d+)", 2)
    wait_until_answering(server, f"{base_url}/health")
    responses = fire_at(server, f"{base_url}/render", request_timeout)
    renders = [r.json() for r in responses]
    check_renders(net, renders)
    assert {r["pid"] for r in renders} == {int(pid) for pid in booted}  # both workers served
    assert {r["client_made_in"] for r in renders} == {server.pid}  # imported in the master
    assert len(job_request_app_ids(net)) == 2  # one connection per worker, none shared
    assert "Traceback" not in server.log(), server.log()
