"""FastAPI under uvicorn with an ``AsyncSogniClient`` opened in the lifespan: 20 concurrent
requests share it on one event loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from framework_helpers import (
    app_environment,
    check_renders,
    fire_at,
    free_port,
    job_request_app_ids,
    serve,
    wait_until_answering,
)

from sogni.testing import LocalSupernet

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


@pytest.fixture
def net() -> Iterator[LocalSupernet]:
    # Jobs of ~0.2 s, so that the 20 requests are seen running together.
    with LocalSupernet(api_key="framework-key", step_delay=0.05, steps=4) as server:
        yield server


def test_fastapi_lifespan_client_serves_20_concurrent_requests(
    net: LocalSupernet, tmp_path: Path
) -> None:
    port = free_port()
    argv = [
        "uvicorn",
        "fastapi_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "on",
        "--log-level",
        "info",
        "--no-access-log",
    ]
    base_url = f"http://127.0.0.1:{port}"
    with serve(argv, app_environment(net), tmp_path / "uvicorn.log") as server:
        wait_until_answering(server, f"{base_url}/health")
        responses = fire_at(server, f"{base_url}/render")
        server.process.terminate()  # uvicorn shuts down, then re-raises SIGTERM
        assert not server.alive(10), server.log()
    renders = [r.json() for r in responses]
    check_renders(net, renders)
    assert {r["pid"] for r in renders} == {server.pid}
    assert max(r["peak_in_flight"] for r in renders) > 1  # requests ran concurrently
    assert len(job_request_app_ids(net)) == 1  # one client, one connection
    log = server.log()
    assert "Application shutdown complete" in log and "Traceback" not in log, log  # lifespan closed
