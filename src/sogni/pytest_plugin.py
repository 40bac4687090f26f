"""pytest fixtures for code that uses sogni: a local Supernet and clients bound to it.

Loaded by pytest on its own (``pytest11`` entry point); the fixtures need the ``testing``
extra (``pip install sogni[testing]``). In a test file::

    def test_renders(sogni_client):
        project = sogni_client.projects.create(model_id="flux1-schnell-fp8",
                                               positive_prompt="a lighthouse")
        assert len(project.wait_for_completion(30)) == 1

Fixtures:

``sogni_supernet``
    A running :class:`~sogni.testing.LocalSupernet`. One server is shared by the whole
    session (``--sogni-scope=function`` or the ``sogni_scope`` ini option gives each test
    its own); every test starts with no recorded requests and no faults queued.
``sogni_client``
    A :class:`~sogni.SogniClient` connected to it, closed after the test.
``async_sogni_client``
    An :class:`~sogni_async.AsyncSogniClient` connected to it, for async tests (run by
    anyio's pytest plugin — ``@pytest.mark.anyio`` — or pytest-asyncio).

Markers:

``@pytest.mark.sogni_supernet(**options)``
    The test gets a server of its own, built with these :class:`LocalSupernet` options
    (``step_delay=0.2, steps=40`` for slow jobs, ``accounts={...}``, ...).
``@pytest.mark.sogni_fail_requests(path, status=503, **options)``
    Queues :meth:`LocalSupernet.fail_requests` before the test; repeat the marker for more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from sogni import SogniClient
from sogni_async import AsyncSogniClient

if TYPE_CHECKING:
    from sogni.testing import LocalSupernet

__all__ = ["API_KEY"]

#: The API key the plugin's servers accept and its clients send.
API_KEY = "sogni-pytest-key"

_SCOPES = ("session", "module", "function")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--sogni-scope`` and the ``sogni_scope`` ini option."""
    help_text = "how long one local Supernet lives: session (default), module or function"
    parser.addoption("--sogni-scope", choices=_SCOPES, default=None, help=help_text)
    parser.addini("sogni_scope", help_text, default="session")


def pytest_configure(config: pytest.Config) -> None:
    """Declare the plugin's markers and check the scope option."""
    scope = _scope("", config)
    if scope not in _SCOPES:
        raise pytest.UsageError(f"sogni_scope must be one of {', '.join(_SCOPES)}, not {scope!r}")
    config.addinivalue_line(
        "markers", "sogni_supernet(**options): a local Supernet of the test's own"
    )
    config.addinivalue_line(
        "markers", "sogni_fail_requests(path, status=503, **options): inject HTTP failures"
    )


def _scope(fixture_name: str, config: pytest.Config) -> str:
    return str(config.getoption("--sogni-scope") or config.getini("sogni_scope"))


@pytest.fixture(scope=_scope)  # type: ignore[arg-type]  # pytest accepts a scope callable
def _sogni_shared_supernet() -> Iterator[LocalSupernet]:
    with _supernet() as net:
        yield net


def _supernet(**options: Any) -> LocalSupernet:
    # Imported here: pytest loads the plugin even where the testing extra is missing.
    from sogni.testing import LocalSupernet

    return LocalSupernet(**{"api_key": API_KEY, **options})


def _inject_faults(request: pytest.FixtureRequest, net: LocalSupernet) -> None:
    for marker in reversed(list(request.node.iter_markers("sogni_fail_requests"))):
        net.fail_requests(*marker.args, **marker.kwargs)


@pytest.fixture
def sogni_supernet(request: pytest.FixtureRequest) -> Iterator[LocalSupernet]:
    """A running local Supernet, clean for this test."""
    own = request.node.get_closest_marker("sogni_supernet")
    if own is not None:
        with _supernet(**own.kwargs) as net:
            _inject_faults(request, net)
            yield net
        return
    net = request.getfixturevalue("_sogni_shared_supernet")
    net.clear_faults()
    net.clear_records()
    _inject_faults(request, net)
    try:
        yield net
    finally:
        net.clear_faults()


@pytest.fixture
def sogni_client(sogni_supernet: LocalSupernet) -> Iterator[SogniClient]:
    """A sync client of the local Supernet, closed after the test."""
    client = SogniClient(
        api_key=sogni_supernet.api_key,
        rest_endpoint=sogni_supernet.rest_url,
        socket_endpoint=sogni_supernet.socket_url,
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
async def async_sogni_client(sogni_supernet: LocalSupernet) -> AsyncIterator[AsyncSogniClient]:
    """An async client of the local Supernet, closed after the test."""
    client = AsyncSogniClient(
        api_key=sogni_supernet.api_key,
        rest_endpoint=sogni_supernet.rest_url,
        socket_endpoint=sogni_supernet.socket_url,
    )
    try:
        yield client
    finally:
        await client.close()
