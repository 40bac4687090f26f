"""Flask under gunicorn ``--preload`` with 2 sync workers: a module-level client made in the
master, first used in the workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from framework_helpers import (
    app_environment,
    free_port,
    gunicorn_argv,
    prove_preforked_server,
    serve,
)

from sogni.testing import LocalSupernet

pytest.importorskip("flask")
pytest.importorskip("gunicorn")


def test_flask_under_gunicorn_preload_serves_20_projects(
    net: LocalSupernet, tmp_path: Path
) -> None:
    port = free_port()
    argv = gunicorn_argv("flask_app:app", port)
    with serve(argv, app_environment(net), tmp_path / "gunicorn.log") as server:
        prove_preforked_server(net, server, f"http://127.0.0.1:{port}")
