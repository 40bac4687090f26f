"""A client made at import and forked at once, before its first connection finished: the
fork may land while the client's connection thread holds an import lock, and the worker
then never finishes that import. Flask under gunicorn ``--preload``, with the unlucky
moment made certain by apps/fork_race.py: the SDK imports what its first connection needs
on the importing thread, and holds a fork back while that first attempt runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from framework_helpers import (
    APPS,
    app_environment,
    free_port,
    gunicorn_argv,
    prove_preforked_server,
    serve,
)

from sogni.testing import LocalSupernet

pytest.importorskip("flask")
pytest.importorskip("gunicorn")

from sogni_render import FORK_AT_ONCE  # noqa: E402  (tests/frameworks/apps)


def test_a_fork_while_the_client_first_connects_leaves_every_worker_working(
    net: LocalSupernet, tmp_path: Path
) -> None:
    port = free_port()
    argv = [*gunicorn_argv("flask_app:app", port), "--config", str(APPS / "fork_race.py")]
    env = app_environment(net, **{FORK_AT_ONCE: "1"})
    with serve(argv, env, tmp_path / "gunicorn.log") as server:
        prove_preforked_server(net, server, f"http://127.0.0.1:{port}", request_timeout=10)
