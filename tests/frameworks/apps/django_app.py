"""A one-file Django site for gunicorn ``--preload``: the client is made (and connected)
at import, in the master, before the workers are forked."""

from __future__ import annotations

import os

import django  # type: ignore[import-untyped]
from django.conf import settings  # type: ignore[import-untyped]
from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
from django.http import HttpRequest, JsonResponse  # type: ignore[import-untyped]
from django.urls import path  # type: ignore[import-untyped]
from sogni_render import preforked_client, render

settings.configure(
    DEBUG=False,
    SECRET_KEY="framework-proof",  # signs nothing here; Django refuses to start without one
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
)
django.setup()

CLIENT_MADE_IN = os.getpid()
client = preforked_client()  # connected in the master; each worker opens its own


def health(request: HttpRequest) -> JsonResponse:
    """Answers once the worker is up."""
    return JsonResponse({"pid": os.getpid()})


def render_view(request: HttpRequest) -> JsonResponse:
    """One project for ``?prompt=``."""
    prompt = request.GET.get("prompt", "a lighthouse")
    return JsonResponse(render(client, prompt, client_made_in=CLIENT_MADE_IN))


urlpatterns = [path("health", health), path("render", render_view)]

application = WSGIHandler()
