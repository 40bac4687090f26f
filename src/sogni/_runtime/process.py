"""What a client is per process.

Both clients derive from :class:`PerProcess`. Importing a client loads this and
``settings`` of the runtime; the connection stack (``connection``) loads when a client is
made.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from sogni._runtime.settings import RestOptions, rest_options
from sogni.core.errors import SogniError

if TYPE_CHECKING:
    import httpx

    from sogni._runtime.connection import Connection
    from sogni._runtime.hub import Hub
    from sogni.core._generated.models import ClientConfig
    from sogni.core.context import CoreContext

__all__ = ["PerProcess", "raise_forked_operation"]

C = TypeVar("C", bound="PerProcess")


class PerProcess:
    """What both clients share about processes: every operation starts from ``_ctx``,
    and in a forked child that first look builds the child its own connection, HTTP pool,
    workers and app id. The parent's objects are kept, untouched: closing them from the
    child would cut them under the parent."""

    _conn: Connection
    _pid: int

    _rest_options: RestOptions = {}  # replaced by with_options, never changed in place
    _is_copy = False

    def _open(self, config: ClientConfig) -> None:
        raise NotImplementedError

    def _new_rest(self, options: RestOptions) -> Any:
        """This client's REST transport with ``options`` over its own settings."""
        raise NotImplementedError

    def with_options(
        self: C,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> C:
        """A copy of this client whose REST requests use these settings instead.

        The copy shares this client's connection, session and tracked projects, so it is
        cheap to make per call (``client.with_options(timeout=5).projects.get(id)``);
        closing this client closes the copy too, and closing the copy does nothing.
        ``default_headers`` are added to the client's own, ``extra_query`` to every request's
        query string.
        """
        duplicate = copy.copy(self)
        duplicate._rest_options = rest_options(
            self._rest_options,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            extra_query=extra_query,
        )
        duplicate._is_copy = True
        duplicate._rest = duplicate._new_rest(duplicate._rest_options)  # type: ignore[attr-defined]
        duplicate._attach_groups()  # type: ignore[attr-defined]
        return duplicate

    @property
    def _ctx(self) -> CoreContext:
        """The core context of this process's connection."""
        if self._pid != os.getpid():
            self._after_fork()
        return self._conn.ctx

    @property
    def _hub(self) -> Hub:
        return self._ctx.registry  # type: ignore[return-value]

    def _after_fork(self) -> None:
        parent = self._conn
        self._inherited = dict(vars(self))
        self._open(parent.config_for_child())
        self._conn.adopt(parent)


def raise_forked_operation() -> None:
    """An operation begun in the parent process went on in a forked child."""
    raise SogniError(
        "this operation began before os.fork(); start it again in this process "
        "(the client itself reconnects in each process)"
    )
