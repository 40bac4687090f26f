"""What both clients share: credentials, the event hub, the context and the socket engine."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from sogni.core.plans import Plan

from sogni._runtime.chat_jobs import ChatJobTable
from sogni._runtime.delivery import Delivery
from sogni._runtime.events import ConnectionEvent, Dispatch, EventEmitter
from sogni._runtime.hub import Hub
from sogni._runtime.log import configure_from_env
from sogni._runtime.session import Session, SessionChange
from sogni._runtime.settings import FLUSH_TIMEOUT, RestOptions, rest_options
from sogni._runtime.socket_engine import CloseInfo, SocketEngine, connect_url
from sogni.core._generated.models import ClientConfig
from sogni.core.context import CoreContext
from sogni.core.errors import (
    AuthenticationError,
    ClientClosed,
    ConnectionLost,
    SogniError,
)
from sogni.core.params import GENERATED_APP_ID_PREFIX, new_app_id
from sogni.core.projects import JobError
from sogni.core.subscriptions import SubscriptionState

log = logging.getLogger("sogni")

NO_CREDENTIALS = (
    "no credentials: pass api_key=... (or set SOGNI_API_KEY), or log in with "
    "client.account.login(username, password)"
)


class Connection:
    """Credentials, hub, context and socket engine of one client.

    ``spawn`` starts a background plan; ``run_blocking`` runs a plan to completion from the
    socket thread (the sync client runs it right there, the async client on its event
    loop), to renew an access token before a reconnection; ``dispatch`` runs the client's
    event callbacks where the client runs them (on the calling thread without it).
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        spawn: Callable[[Plan[Any]], None],
        run_blocking: Callable[[Plan[Any]], Any],
        dispatch: Dispatch | None = None,
    ) -> None:
        configure_from_env()
        # The same checks as ``with_options``: a bad timeout or header fails here, at once.
        rest_options(
            {},
            timeout=config.timeout,
            max_retries=config.max_retries,
            default_headers=config.default_headers,
        )
        self.config = config
        self.hub = Hub(lambda: self.ctx, spawn)
        self.events = EventEmitter(dispatch)
        self.session = Session(config.api_key, clock=time.time, on_change=self._on_session_change)
        self.ctx = CoreContext(config=config, registry=self.hub, credentials=self.session)
        self.ctx.subscriptions = SubscriptionState.from_config(config.socket_event_subscriptions)
        self.run_blocking = run_blocking
        self.engine = SocketEngine(
            url=self._socket_url,
            headers=self._handshake_headers,
            on_event=self._on_event,
            on_change=self._on_socket_change,
            on_open=self._on_open,
            on_close=self._on_close,
            authenticated=lambda: self.session.authenticated,
            # One comes with every finished job, and is decoded when the balance is read.
            deferred=frozenset({"balanceUpdate"}),
        )
        self.delivery = Delivery(self.engine)
        self.ctx.delivery = self.delivery
        self.chat = ChatJobTable(
            self.hub,
            self.ctx,
            socket_state=lambda: self.engine.state,
            socket_error=lambda: self.engine.error,
            pending=lambda job_id: self.delivery.pending_request("llmJobRequest", job_id),
        )
        self.hub.add_route(["authenticated"], self._on_authenticated)
        self.hub.add_route(["balanceUpdate"], self._on_balance)
        self.hub.add_route(["socketEventSubscriptionsUpdated"], self._on_subscriptions)
        self.hub.add_route(["changeNetwork"], self._on_change_network)

    def __repr__(self) -> str:
        return f"<Connection app_id={self.config.app_id!r}>"

    # -- processes ----------------------------------------------------------------------
    def config_for_child(self) -> ClientConfig:
        """The configuration a forked child runs with: its own generated app id, so that
        siblings do not replace each other's connection (close code 4015)."""
        app_id = self.config.app_id or ""
        if app_id.startswith(GENERATED_APP_ID_PREFIX):
            app_id = new_app_id()
        return attrs.evolve(self.config, app_id=app_id)

    def adopt(self, parent: Connection) -> None:
        """Take over what a forked child inherits from its parent's connection: the
        credentials, the client, projects and chat callbacks, the subscriptions and the
        catalogue caches.

        Nothing that touches the parent's sockets, threads or locks is reused.
        """
        self.events = parent.events.copy(dispatch=self.events.dispatch)
        self.hub.events = parent.hub.events.copy(dispatch=self.hub.events.dispatch)
        self.chat.events = parent.chat.events.copy(dispatch=self.chat.events.dispatch)
        ctx, old = self.ctx, parent.ctx
        ctx.subscriptions = attrs.evolve(old.subscriptions)
        ctx.raw_models, ctx.tiers = old.raw_models, old.tiers
        ctx.size_presets = dict(old.size_presets)
        ctx.account.network = old.account.network
        tokens = parent.session.tokens
        if tokens is not None and parent.session.mode == "token":
            self.session.set_tokens(tokens)

    # -- credentials ----------------------------------------------------------------------
    @property
    def headers(self) -> dict[str, str]:
        """Authentication headers for REST calls and the socket handshake right now."""
        return self.session.headers()

    def require_credentials(self) -> None:
        """Raise before any I/O when the client has no way to authenticate."""
        if not self.session.authenticated:
            raise AuthenticationError(NO_CREDENTIALS, status=0)

    def start_socket(self) -> None:
        """Connect in the background when the client is configured to and can."""
        if self.config.connect and self.session.authenticated and not self._closing:
            self.engine.start()

    def raise_if_closed(self) -> None:
        """Every call after :meth:`close` raises :class:`~sogni.errors.ClientClosed`."""
        if self._closed:
            raise ClientClosed()

    def first_connection_pending(self) -> bool:
        """True until the socket opened once (or ended for good trying)."""
        return self.engine.connections == 0 and not self.first_connection_settled()

    def first_connection_settled(self) -> bool:
        """The socket opened once, or closed for good before it could."""
        self.engine.start()
        return self.engine.connections > 0 or self.engine.state == "closed"

    def submit(self, message_type: str, payload: Any) -> None:
        """Hand a request to the outbox: written now or after the next reconnection, and
        held until the network confirms it."""
        if self._closing:
            raise ClientClosed()
        self.require_credentials()
        self.engine.start()  # a closed engine comes back; a terminal close raises here
        self.delivery.submit(
            message_type, payload, on_fail=self._undelivered(message_type, payload)
        )

    def _undelivered(self, message_type: str, payload: Any) -> Callable[[SogniError], None] | None:
        job_id = payload.get("jobID") if isinstance(payload, dict) else None
        if not isinstance(job_id, str):
            return None
        if message_type == "jobRequest":
            return lambda error: self.hub.detach(job_id, error)
        if message_type == "llmJobRequest":
            return lambda error: self.chat.fail(job_id, error)
        return None

    def _handshake_headers(self) -> Mapping[str, str]:
        if self.session.has_tokens:
            from sogni.core.plans.auth import ensure_fresh_token

            self.run_blocking(ensure_fresh_token(self.ctx))
        return self.session.headers()

    def _on_session_change(self, change: SessionChange) -> None:
        if change == "login":
            self.ctx.account.clear()
            self.engine.reset()
            if self.engine.state == "open":
                self.engine.drop()  # it comes straight back with the new credentials
            else:
                self.start_socket()
        elif change == "logout":
            self.ctx.account.clear()
            if self.engine.state != "closed":
                self.engine.close(ConnectionLost("the client logged out", code=1000))
        if change in ("login", "tokens") and self.session.tokens is not None:
            self.events.emit("tokens", self.session.tokens)
        self.hub.notify_watchers()

    # -- socket ---------------------------------------------------------------------------
    @property
    def network(self) -> str:
        """The network the socket uses: the last switch, else the configured one."""
        return self.ctx.account.network or self.config.network

    def _socket_url(self) -> str:
        return connect_url(
            self.config.socket_endpoint,
            app_id=self.config.app_id or "",
            network=self.network,
            app_source=self.config.app_source,
            subscriptions=self.ctx.subscriptions.handshake_value(),
        )

    def _on_event(self, message_type: str, payload: Any) -> None:
        self.delivery.on_event(message_type, payload)
        self.hub.dispatch(message_type, payload)

    def _on_open(self) -> None:
        account = self.ctx.account
        account.on_connection("connected", self.network)
        self.delivery.on_open(self.engine.connections)
        reconnected = self.engine.connections > 1
        if reconnected:
            self.hub.resync_projects()
        self.events.emit(
            "connected",
            ConnectionEvent("connected", network=account.network, reconnected=reconnected),
        )

    def _on_close(self, info: CloseInfo) -> None:
        self.ctx.account.on_connection("connecting" if info.will_reconnect else "disconnected")
        if info.clear_auth and self.session.has_tokens:
            self.session.clear()
        self.events.emit(
            "disconnected",
            ConnectionEvent(
                "disconnected",
                network=self.network,
                code=info.code,
                reason=info.reason,
                will_reconnect=info.will_reconnect,
            ),
        )

    def _on_socket_change(self) -> None:
        self.delivery.wake()
        engine = self.engine
        if engine.state == "closed":
            self.ctx.available_models = []
            if engine.terminal and not self._closed:
                # The network ended the session for good: nothing more will arrive.
                why = str(engine.error or "the connection ended for good")
                self.delivery.give_up(why)
                self.hub.fail_all(JobError(0, why))
        self.hub.notify_watchers()

    # -- socket events (socket thread) ----------------------------------------------------
    def _on_authenticated(self, _type: str, payload: Any) -> None:
        self.delivery.on_snapshot(payload)
        self.ctx.account.on_authenticated(payload)
        self._balance_changed()

    def _on_balance(self, _type: str, payload: Any) -> None:
        if self.ctx.account.set_balance(payload):
            self._balance_changed()

    def _balance_changed(self) -> None:
        self.hub.notify_watchers()
        if self.events.has_listeners("balance"):
            self.events.emit("balance", self.ctx.account.balance)

    def _on_subscriptions(self, _type: str, payload: Any) -> None:
        if self.ctx.subscriptions.on_server_snapshot(payload):
            self.hub.notify_watchers()

    def _on_change_network(self, _type: str, payload: Any) -> None:
        self.ctx.account.on_network(payload)
        # The model lists belong to the old network; the new one announces its own.
        self.hub.set_available_models([])

    # -- transports -----------------------------------------------------------------------
    def rest_settings(self, options: RestOptions) -> dict[str, Any]:
        """The settings of a REST transport: the config's, with ``options`` over them."""
        return {
            "rest_url": self.config.rest_endpoint,
            "socket_url": self.config.socket_endpoint,
            "headers": {**(self.config.default_headers or {}), **options.get("headers", {})},
            "timeout": options.get("timeout", self.config.timeout),
            "max_retries": options.get("max_retries", self.config.max_retries),
            "query": options.get("query", {}),
        }

    def models_or_closed(self) -> bool:
        """True once models were announced, or the socket closed for good."""
        return bool(self.ctx.available_models) or self.engine.state == "closed"

    _closed = False
    _closing = False

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def close(self, flush_timeout: float = FLUSH_TIMEOUT) -> None:
        """Deliver what is still in the outbox (up to ``flush_timeout`` seconds), close the
        socket with the closing handshake, and wake every waiter with ``ClientClosed``."""
        if self._closing:
            return
        self._closing = True  # no new requests; the outbox and its catch-up still run
        if len(self.delivery) and not self.engine.on_engine_thread:
            self.delivery.drain(flush_timeout)
        self._closed = True
        self.hub.close()
        self.engine.close()
        self.delivery.give_up("the client was closed")
        error = ClientClosed()
        self.hub.detach_all(error)
        self.chat.fail_all(error)


def quiet_background_failure(conn: Connection, error: Exception) -> None:
    """Log a failed background plan; work cut short by ``close()`` is not a failure."""
    if conn.closed or isinstance(error, ClientClosed):
        log.debug("background request stopped by close: %r", error)
    else:
        log.warning("background request failed: %s", error, exc_info=log.isEnabledFor(10))
