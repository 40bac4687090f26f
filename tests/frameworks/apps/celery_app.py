"""A Celery app for a prefork worker: the client is made (and connected) at import, in the
worker's main process, before the pool's processes are forked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery  # type: ignore[import-untyped]
from celery_config import FOLDER_VARIABLE, celery_config
from sogni_render import preforked_client, render

CLIENT_MADE_IN = os.getpid()
client = preforked_client()  # connected in the main process; each pool process opens its own

app = Celery("sogni_proof")
app.conf.update(celery_config(Path(os.environ[FOLDER_VARIABLE])))


@app.task(name="sogni_proof.pid")  # type: ignore[untyped-decorator]
def pid() -> int:
    """The pool process's pid: answers once the worker takes tasks."""
    return os.getpid()


@app.task(name="sogni_proof.render")  # type: ignore[untyped-decorator]
def render_task(prompt: str) -> dict[str, Any]:
    """One project for ``prompt``."""
    return render(client, prompt, client_made_in=CLIENT_MADE_IN)
