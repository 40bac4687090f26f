"""HTTP error answers become typed errors, as in openai-python: one subclass of ApiError
per status family, Retry-After kept on the error, and APIConnectionError when nothing
answered. Both clients, against the local Supernet's injected failures."""

from __future__ import annotations

import asyncio
import socket

import pytest

import sogni
from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

CASES = [
    (400, sogni.BadRequestError),
    (403, sogni.PermissionDeniedError),
    (404, sogni.NotFoundError),
    (409, sogni.ConflictError),
    (422, sogni.UnprocessableEntityError),
    (500, sogni.InternalServerError),
    (418, sogni.ApiError),
]
PATH = "/v1/account/me"  # a plain read, not retried on these statuses


@pytest.mark.parametrize(("status", "error_class"), CASES)
def test_each_status_raises_its_error_class(
    net: LocalSupernet, client: SogniClient, status: int, error_class: type[sogni.ApiError]
) -> None:
    net.fail_requests(PATH, status, message=f"injected {status}")
    with pytest.raises(sogni.ApiError) as info:
        client.account.me()
    assert type(info.value) is error_class
    assert info.value.status == status and f"injected {status}" in info.value.message
    assert (info.value.request_id or "").startswith("req_")


def test_rate_limit_error_carries_retry_after(net: LocalSupernet, client: SogniClient) -> None:
    net.fail_requests(PATH, 429, times=None, retry_after=0.05)
    with pytest.raises(sogni.RateLimitError) as info:
        client.account.me()
    assert info.value.status == 429 and info.value.retry_after == pytest.approx(0.05, abs=0.01)
    net.clear_faults()
    assert client.account.me().username


def test_every_status_error_is_an_api_error_and_a_sogni_error() -> None:
    for _, error_class in CASES:
        assert issubclass(error_class, sogni.ApiError)
        assert issubclass(error_class, sogni.SogniError)
    assert issubclass(sogni.AuthenticationError, sogni.ApiError)
    assert sogni.errors.status_error_class(401) is sogni.AuthenticationError
    assert sogni.errors.status_error_class(503) is sogni.InternalServerError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_answer_is_an_api_connection_error() -> None:
    port = _closed_port()
    with SogniClient(
        api_key="k",
        rest_endpoint=f"http://127.0.0.1:{port}",
        socket_endpoint=f"ws://127.0.0.1:{port}",
        connect=False,
    ) as client:
        with pytest.raises(sogni.APIConnectionError) as info:
            client.projects.get_supported_models()
    assert info.value.status == 0 and "k" not in info.value.message.split()


def test_the_async_client_raises_the_same_classes(net: LocalSupernet) -> None:
    async def run() -> list[type[BaseException]]:
        seen: list[type[BaseException]] = []
        async with AsyncSogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client:
            for status, _ in CASES:
                net.fail_requests(PATH, status)
                try:
                    await client.account.me()
                except sogni.ApiError as exc:
                    seen.append(type(exc))
            net.fail_requests(PATH, 429, times=None, retry_after=0.02)
            try:
                await client.account.me()
            except sogni.RateLimitError as exc:
                assert exc.retry_after == pytest.approx(0.02, abs=0.01)
                seen.append(type(exc))
            net.clear_faults()
        return seen

    assert asyncio.run(run()) == [cls for _, cls in CASES] + [sogni.RateLimitError]
