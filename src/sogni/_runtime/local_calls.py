"""The parts of ``client.projects`` and ``client.account`` that run in the client itself,
without I/O.

They are plain calls in both clients (never coroutines): registering callbacks, the list
of followed projects, model-kind answers from what the client already knows, and the
wallet an account's credentials derive. The generated facades call them with the client as
the first argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sogni.core.plans import projects as plans
from sogni.core.wallet import Wallet

__all__ = ["get_wallet", "is_audio_model_id", "is_video_model_id", "on", "tracked_projects"]


def on(client: Any, event: str, callback: Callable[[Any], Any]) -> Callable[[], None]:
    """Register a ``client.projects.on`` callback; returns a function that removes it.

    Callbacks run where the client runs its other callbacks: for the sync client on the
    thread reading the network's events (the SDK's background thread, or a thread of
    yours while it waits for the network), in the event loop for the async one.
    """
    dispatch = client._conn.events.dispatch
    remove: Callable[[], None] = client._hub.events.on(event, callback, dispatch=dispatch)
    return remove


def tracked_projects(client: Any) -> list[Any]:
    """The projects the client follows now, as the same views it handed out."""
    return [view or client._project(state) for state, view in client._hub.tracked()]


def is_video_model_id(client: Any, model_id: str) -> bool:
    """Whether a model produces video (the catalogue's word when the client has it)."""
    return plans.is_video_model_id(client._ctx, model_id)


def is_audio_model_id(client: Any, model_id: str) -> bool:
    """Whether a model produces audio (the catalogue's word when the client has it)."""
    return plans.is_audio_model_id(client._ctx, model_id)


def get_wallet(client: Any, username: str, password: str) -> Wallet:
    """The wallet of the account ``username`` with ``password`` (the one that signs its
    logins, signup and transfers)."""
    return Wallet.from_credentials(username, password)
