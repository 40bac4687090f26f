"""The state plans read and update: configuration, caches and the project registry."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import attrs

from sogni.core.account import AccountState
from sogni.core.auth import Credentials, NoCredentials
from sogni.core.chat.context import ChatContext
from sogni.core.projects import ProjectEvent, ProjectState
from sogni.core.subscriptions import SubscriptionState

if TYPE_CHECKING:
    from sogni.core._generated.models import ClientConfig, ModelInfo

T = TypeVar("T")

MODELS_TTL = 24 * 3600.0
SIZE_PRESETS_TTL = 600.0


class Registry(Protocol):
    """Where plans register projects and report state changes (the client's event hub)."""

    def track(self, state: ProjectState) -> None:
        """Start routing socket events for ``state.id`` to ``state``."""

    def untrack(self, project_id: str) -> None:
        """Stop routing events to a project."""

    def project(self, project_id: str) -> ProjectState | None:
        """The tracked project with this id, if any."""

    def apply(self, state: ProjectState, change: Callable[[], list[ProjectEvent]]) -> None:
        """Run ``change`` under the registry's lock and deliver the events it returns."""


class Deliveries(Protocol):
    """The client's outbox as plans see it: what the network has not confirmed yet."""

    def pending_request(self, message_type: str, job_id: str) -> bool:
        """Whether a request of this type and id still waits for the network's answer."""

    def confirm_request(self, message_type: str, job_id: str) -> None:
        """The network showed it has this request."""

    def resend_request(self, message_type: str, job_id: str, *, abandon: bool = False) -> bool:
        """The network has no record of this request: write it again (or drop it with
        ``abandon``); False when delivery is given up."""


class NoDeliveries:
    """Deliveries of a context without a socket: nothing is ever pending."""

    def pending_request(self, message_type: str, job_id: str) -> bool:
        """Nothing is pending."""
        return False

    def confirm_request(self, message_type: str, job_id: str) -> None:
        """Nothing to confirm."""

    def resend_request(self, message_type: str, job_id: str, *, abandon: bool = False) -> bool:
        """Nothing to resend."""
        return False


@attrs.define
class Cached(Generic[T]):
    """A value fetched at ``fetched_at`` (``time.time()``)."""

    value: T
    fetched_at: float

    def fresh(self, ttl: float, now: float) -> bool:
        """True while the value is younger than ``ttl`` seconds."""
        return now - self.fetched_at < ttl


@attrs.define
class CoreContext:
    """Everything a plan may consult: the config, caches and the project registry."""

    config: ClientConfig
    registry: Registry
    available_models: list[ModelInfo] = attrs.field(factory=list)
    raw_models: Cached[list[dict[str, Any]]] | None = None
    tiers: Cached[dict[str, Any]] | None = None
    size_presets: dict[tuple[str, str], Cached[list[Any]]] = attrs.field(factory=dict)
    clock: Callable[[], float] = time.time
    #: The client's credentials (an API key or a login session).
    credentials: Credentials = attrs.field(factory=NoCredentials)
    #: The current account, kept live by socket events (``client.account.current``).
    account: AccountState = attrs.field(factory=AccountState)
    #: Socket event subscriptions, re-sent in the handshake of every (re)connection.
    subscriptions: SubscriptionState = attrs.field(factory=SubscriptionState)
    #: Seconds a project may stay silent before the client checks on it with the network.
    project_keep_alive: float = 120.0
    chat: ChatContext = attrs.field(factory=ChatContext)
    #: Socket requests the network has not confirmed yet (the client's outbox).
    delivery: Deliveries = attrs.field(factory=NoDeliveries)
