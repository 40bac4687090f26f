"""What both clients share: credentials, the event hub, the context and the socket engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from sogni._chat_jobs import ChatJobTable
from sogni._generated.models import ClientConfig
from sogni._hub import Hub
from sogni._rest import AsyncRest, SyncRest
from sogni._socket import SocketEngine, connect_url
from sogni.core.context import CoreContext
from sogni.core.plans import Plan
from sogni.core.projects import JobError
from sogni.errors import AuthenticationError, ConnectionLost


class Connection:
    """Credentials, hub, context and socket engine of one client."""

    def __init__(self, config: ClientConfig, *, spawn: Callable[[Plan[Any]], None]) -> None:
        self.config = config
        self.hub = Hub(None, spawn)
        self.ctx = CoreContext(config=config, registry=self.hub)
        self.hub.bind(self.ctx)
        self.engine = SocketEngine(
            url=self._socket_url,
            headers=self.headers,
            on_event=self.hub.dispatch,
            on_change=self._on_socket_change,
        )
        self.chat = ChatJobTable(
            self.hub,
            self.ctx,
            socket_state=lambda: self.engine.state,
            socket_error=lambda: self.engine.error,
        )

    def __repr__(self) -> str:
        return f"<Connection app_id={self.config.app_id!r}>"

    @property
    def headers(self) -> dict[str, str]:
        """Authentication headers for REST calls and the socket handshake."""
        return {"api-key": self.config.api_key} if self.config.api_key else {}

    def require_credentials(self) -> None:
        """Raise before any I/O when the client has no way to authenticate."""
        if not self.config.api_key:
            raise AuthenticationError("no API key: pass api_key=... or set SOGNI_API_KEY", status=0)

    def _socket_url(self) -> str:
        return connect_url(
            self.config.socket_endpoint,
            app_id=self.config.app_id or "",
            network=self.config.network,
            app_source=self.config.app_source,
        )

    def _rest_args(self) -> dict[str, Any]:
        return {
            "rest_url": self.config.rest_endpoint,
            "socket_url": self.config.socket_endpoint,
            "headers": self.headers,
            "timeout": self.config.timeout,
        }

    def sync_rest(self, http: httpx.Client) -> SyncRest:
        """A blocking REST transport over ``http``."""
        return SyncRest(http, **self._rest_args())

    def async_rest(self, http: httpx.AsyncClient) -> AsyncRest:
        """An awaitable REST transport over ``http``."""
        return AsyncRest(http, **self._rest_args())

    def models_or_closed(self) -> bool:
        """True once models were announced, or the socket closed for good."""
        return bool(self.ctx.available_models) or self.engine.state == "closed"

    def _on_socket_change(self) -> None:
        if self.engine.state == "closed":
            self.ctx.available_models = []
            error = self.engine.error
            if not (isinstance(error, ConnectionLost) and error.code == 1000 and self._closed):
                self.hub.fail_all(JobError(0, str(error or "Server disconnected")))
        self.hub.notify_watchers()

    _closed = False

    def close(self) -> None:
        """Close the socket for good."""
        self._closed = True
        self.engine.close()
