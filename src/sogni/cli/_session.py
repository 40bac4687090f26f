"""Which Supernet a command talks to, and the one client it uses there.

In order: ``--local`` forces an embedded local Supernet; ``SOGNI_API_KEY`` selects the real
network (or ``SOGNI_REST_ENDPOINT`` / ``SOGNI_SOCKET_ENDPOINT``); a login stored by
``sogni login`` resumes its session on the network it was made on; without any of them the
command starts an embedded local Supernet and says so on stderr.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from sogni.cli import _credentials
from sogni.cli._output import info
from sogni.errors import AuthenticationError, MissingExtraError, SogniError

if TYPE_CHECKING:
    from sogni import SogniClient
    from sogni.core._generated.vocabulary import Network

__all__ = ["APP_SOURCE", "LOCAL_API_KEY", "Session", "host_of"]

APP_SOURCE = "sogni-cli"
LOCAL_API_KEY = "local-cli-key"
LOCAL_NOTICE = (
    "No SOGNI_API_KEY is set and no login is stored: running against an embedded local "
    "Supernet (a real server on loopback; no tokens are spent)."
)

Mode = Literal["local", "api_key", "login"]


def host_of(url: str | None) -> str:
    """The scheme and host of an endpoint, as shown in messages."""
    if not url:
        return "the network"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


class Session:
    """The network of one command and its client, opened on first use and closed at exit."""

    def __init__(self, *, local: bool = False, network: Network = "fast") -> None:
        self.network: Network = network
        self._local = local
        self._mode: Mode | None = None
        self._stack = contextlib.ExitStack()
        self._client: SogniClient | None = None
        self._login: _credentials.StoredLogin | None = None
        self.rest_endpoint: str | None = None
        self.socket_endpoint: str | None = None

    @property
    def mode(self) -> Mode:
        """``local``, ``api_key`` or ``login``: decided on first use, so that commands which
        make no client (``serve``, ``logout``) never read the stored login."""
        if self._mode is None:
            if self._local:
                self._mode = "local"
            elif os.environ.get("SOGNI_API_KEY"):
                self._mode = "api_key"
            else:
                self._login = _credentials.load()
                self._mode = "login" if self._login is not None else "local"
        return self._mode

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client and stop the embedded Supernet, if they were started."""
        self._client = None
        self._stack.close()

    @property
    def is_local(self) -> bool:
        """Whether the command runs against an embedded local Supernet."""
        return self.mode == "local"

    def where(self) -> str:
        """The network in words, for messages: its host, or the embedded Supernet."""
        if self.is_local:
            return f"the embedded local Supernet ({host_of(self.rest_endpoint)})"
        return host_of(self.rest_endpoint)

    def client(self, *, connect: bool = True) -> SogniClient:
        """The command's client (made on the first call; ``connect=False`` opens the socket
        only when a call needs it, for commands that use REST alone)."""
        if self._client is None:
            self._client = self._open(connect)
        return self._client

    def _open(self, connect: bool) -> SogniClient:
        from sogni import SogniClient

        options: dict[str, Any] = {
            "app_source": APP_SOURCE,
            "network": self.network,
            "connect": connect,
        }
        if self.mode == "local":
            options.update(self._start_local())
        elif self.mode == "login":
            assert self._login is not None
            options["rest_endpoint"] = self._login.rest_endpoint
            options["socket_endpoint"] = self._login.socket_endpoint
        client = self._stack.enter_context(SogniClient(**options))
        config = client._ctx.config  # endpoints as the client resolved them: args, env, defaults
        self.rest_endpoint, self.socket_endpoint = config.rest_endpoint, config.socket_endpoint
        if self.mode == "login":
            self._resume(client)
        return client

    def _start_local(self) -> dict[str, Any]:
        try:
            from sogni.testing import LocalSupernet
        except MissingExtraError as exc:
            raise SogniError(
                "no SOGNI_API_KEY is set and the local Supernet is unavailable",
                hint=exc.hint or "pip install 'sogni[testing]'",
            ) from None
        info(LOCAL_NOTICE)
        net = self._stack.enter_context(LocalSupernet(api_key=LOCAL_API_KEY))
        self.rest_endpoint, self.socket_endpoint = net.rest_url, net.socket_url
        return {
            "api_key": net.api_key,
            "rest_endpoint": net.rest_url,
            "socket_endpoint": net.socket_url,
        }

    def _resume(self, client: SogniClient) -> None:
        login = self._login
        assert login is not None

        def store(tokens: Any) -> None:  # renewed tokens replace the stored ones
            nonlocal login
            assert login is not None
            login = login.with_tokens(tokens.token, tokens.refresh_token)
            _credentials.save(login)

        client.on("tokens", store)
        try:
            client.account.set_tokens(login.token, login.refresh_token)
        except AuthenticationError as exc:
            raise SogniError(
                f"the login of {login.username} stored in {_credentials.credentials_path()} "
                f"was refused: {exc.message}",
                hint="run `sogni login` again",
            ) from None
