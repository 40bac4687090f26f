"""A Flask app for gunicorn ``--preload``: the client is made at import, in the master, and
first used in a worker."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from sogni_render import render

from sogni import SogniClient

CLIENT_MADE_IN = os.getpid()
client = SogniClient()  # SOGNI_API_KEY, SOGNI_REST_ENDPOINT and SOGNI_SOCKET_ENDPOINT

app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, Any]:
    """Answers once the worker is up."""
    return {"pid": os.getpid()}


@app.get("/render")
def render_view() -> dict[str, Any]:
    """One project for ``?prompt=``."""
    prompt = request.args.get("prompt", "a lighthouse")
    return render(client, prompt, client_made_in=CLIENT_MADE_IN)
