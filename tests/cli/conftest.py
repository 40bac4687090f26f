"""Running the ``sogni`` command in-process, isolated from the user's environment.

Every test starts with no ``SOGNI_API_KEY``, no endpoint variables and an empty config
folder, in a fresh working directory, so commands run against an embedded local Supernet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import attrs
import pytest

from sogni.cli import main
from sogni.testing import LocalSupernet

ASSETS = Path(__file__).resolve().parents[1] / "parity" / "assets"
ENVIRONMENT = ("SOGNI_API_KEY", "SOGNI_REST_ENDPOINT", "SOGNI_SOCKET_ENDPOINT")


@attrs.frozen
class Run:
    """What one command did: its exit status and what it wrote."""

    code: int
    out: str
    err: str


class Cli(Protocol):
    def __call__(self, *argv: str) -> Run: ...


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials, no stored login, a scratch working directory."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("image", "a cat")`` runs ``sogni image "a cat"`` and returns a :class:`Run`."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="module")
def shared_net() -> Iterator[LocalSupernet]:
    """A local Supernet that outlives single commands (for status, login and history)."""
    with LocalSupernet(api_key="cli-test-key", accounts={"alice": "alice-password"}) as net:
        yield net


@pytest.fixture
def on_shared_net(shared_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch) -> LocalSupernet:
    """Point commands at ``shared_net`` through the environment, as a user would."""
    monkeypatch.setenv("SOGNI_API_KEY", shared_net.api_key)
    monkeypatch.setenv("SOGNI_REST_ENDPOINT", shared_net.rest_url)
    monkeypatch.setenv("SOGNI_SOCKET_ENDPOINT", shared_net.socket_url)
    shared_net.clear_records()
    return shared_net


@pytest.fixture
def asset() -> Path:
    """The folder of small sample media files."""
    return ASSETS
