"""The sogni logger tree: a project's DEBUG log shows the socket connecting, each REST
request with its status and duration, retries with their cause, and the project's state
changes, and never a secret. SOGNI_LOG turns it on without any logging setup."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet

SECRET = "log-secret-key-123"


@pytest.fixture
def secret_net() -> LocalSupernet:
    with LocalSupernet(api_key=SECRET) as server:
        yield server  # type: ignore[misc]


def test_a_project_logs_connect_requests_and_states_without_secrets(
    secret_net: LocalSupernet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sogni")
    secret_net.fail_requests("/v1/account/me", 503, retry_after=0.01)
    with SogniClient(
        api_key=SECRET, rest_endpoint=secret_net.rest_url, socket_endpoint=secret_net.socket_url
    ) as client:
        client.account.me()
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        project.wait_for_completion(timeout=30)
    by_logger: dict[str, list[str]] = {}
    for record in caplog.records:
        by_logger.setdefault(record.name, []).append(record.getMessage())
    assert any(m.startswith("connecting to ws://127.0.0.1") for m in by_logger["sogni.socket"])
    assert any(m.startswith("connected") for m in by_logger["sogni.socket"])
    rest = by_logger["sogni.rest"]
    assert any("GET /v1/account/me -> 503" in m for m in rest)
    assert any("GET /v1/account/me: HTTP 503; retry 1 of 2" in m for m in rest)
    assert any("GET /v1/account/me -> 200 in" in m for m in rest)
    states = by_logger["sogni.projects"]
    assert f"project {project.id}: queued" in states
    assert f"project {project.id}: completed" in states
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert all(SECRET not in str(record.args) for record in caplog.records)


def test_sogni_log_env_sends_the_tree_to_stderr(secret_net: LocalSupernet) -> None:
    code = (
        "from sogni import SogniClient\n"
        f"c = SogniClient(api_key={SECRET!r}, rest_endpoint={secret_net.rest_url!r}, "
        f"socket_endpoint={secret_net.socket_url!r})\n"
        "c.projects.wait_for_models(timeout=30); c.projects.get_supported_models(); c.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "SOGNI_LOG": "debug"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG sogni.rest: GET /api/v1/models/list -> 200" in result.stderr
    assert "INFO sogni.socket: connected" in result.stderr
    assert SECRET not in result.stderr


def test_a_wait_that_times_out_names_the_host_and_the_cause() -> None:
    import socket

    from sogni import SogniTimeoutError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with SogniClient(
        api_key="k",
        rest_endpoint=f"http://127.0.0.1:{port}",
        socket_endpoint=f"ws://127.0.0.1:{port}",
    ) as client:
        with pytest.raises(SogniTimeoutError) as info:
            client.projects.wait_for_models(timeout=3)
    assert f"could not connect to ws://127.0.0.1:{port}/" in str(info.value)
    assert "Connection refused" in str(info.value)
