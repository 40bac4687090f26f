"""Socket-host HTTP endpoints about models (bare JSON, no envelope)."""

from __future__ import annotations

from aiohttp import web

from . import envelope
from .routing import Route
from .state import STATE

__all__ = ["ROUTES"]


async def models_list(request: web.Request) -> web.Response:
    """``GET /api/v1/models/list``."""
    state = request.app[STATE]
    return envelope.raw([m.as_list_entry() for m in state.catalogue.models])


async def model_tiers(request: web.Request) -> web.Response:
    """``GET /api/v2/models/tiers``."""
    return envelope.raw(request.app[STATE].catalogue.tiers)


async def size_presets(request: web.Request) -> web.Response:
    """``GET /api/v1/size-presets/network/{network}/model/{modelId}``."""
    state = request.app[STATE]
    model = state.catalogue.model(request.match_info["model_id"])
    if model is None:
        return envelope.error(404, f"Model {request.match_info['model_id']} not found")
    return envelope.raw([p.as_json() for p in state.catalogue.size_presets(model)])


async def worker_status(request: web.Request) -> web.Response:
    """``GET /api/v1/status/network/{network}/models``: worker count by model SID."""
    return envelope.raw(request.app[STATE].catalogue.worker_counts_by_sid())


ROUTES = [
    Route("GET", "/api/v1/models/list", models_list),
    Route("GET", "/api/v2/models/tiers", model_tiers),
    Route("GET", "/api/v1/size-presets/network/{network}/model/{model_id}", size_presets),
    Route("GET", "/api/v1/status/network/{network}/models", worker_status),
]
