"""A Flask app for gunicorn ``--preload``: the client is made at import, in the master,
before the workers are forked."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from sogni_render import preforked_client, render

CLIENT_MADE_IN = os.getpid()
client = preforked_client()  # connected in the master; each worker opens its own

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
