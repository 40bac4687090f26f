"""Route declarations shared by the REST modules; ``app.py`` mounts them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import attrs
from aiohttp import web

__all__ = ["Route"]

HandlerFn = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.frozen
class Route:
    """One HTTP route; ``auth`` routes answer 401 unless the caller presents a credential."""

    method: str
    path: str
    handler: HandlerFn
    auth: bool = True
