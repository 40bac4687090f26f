"""A FastAPI app whose ``AsyncSogniClient`` lives in the lifespan: opened before the first
request, closed at shutdown, shared by every request on the server's event loop."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from sogni_async import AsyncSogniClient

MODEL = "flux1-schnell-fp8"


class InFlight:
    """How many renders run at once, and the most there were."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        """A render starts."""
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        """A render ends."""
        self.now -= 1


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One client for the server's life (SOGNI_API_KEY, SOGNI_REST_ENDPOINT, ...)."""
    async with AsyncSogniClient() as client:
        await client.projects.wait_for_models(timeout=10)
        app.state.sogni = client
        app.state.in_flight = InFlight()
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, Any]:
    """Answers once the lifespan has started."""
    return {"pid": os.getpid()}


@app.get("/render")
async def render(request: Request, prompt: str = "a lighthouse") -> dict[str, Any]:
    """One project for ``?prompt=``, awaited on the event loop."""
    client: AsyncSogniClient = request.app.state.sogni
    in_flight: InFlight = request.app.state.in_flight
    in_flight.enter()
    try:
        project = await client.projects.create(model_id=MODEL, positive_prompt=prompt)
        urls = await project.wait_for_completion(timeout=30)
        image = await project.jobs[0].aread()
    finally:
        in_flight.leave()
    return {
        "pid": os.getpid(),
        "client_made_in": os.getpid(),
        "project_id": project.id,
        "status": project.status,
        "url": urls[0],
        "bytes": len(image),
        "peak_in_flight": in_flight.peak,
    }
