"""Exit statuses, ``--version``, ``models``, ``estimate`` and how failures are reported."""

from __future__ import annotations

import json
import socket

import pytest
from conftest import Cli

import sogni
from sogni.cli import build_parser
from sogni.cli._errors import error_line
from sogni.cli._session import Session
from sogni.errors import (
    APIConnectionError,
    ClientClosed,
    ConnectionLost,
    SogniTimeoutError,
    ValidationError,
)


def test_version_prints_the_package_version(cli: Cli) -> None:
    run = cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"sogni {sogni.__version__}"


def test_every_command_has_help(cli: Cli) -> None:
    commands = (
        "image",
        "edit",
        "video",
        "music",
        "chat",
        "workflow",
        "estimate",
        "models",
        "login",
        "logout",
        "balance",
        "serve",
        "demo",
    )
    for command in commands:
        run = cli(command, "--help")
        assert run.code == 0, command
        assert run.out.startswith(f"usage: sogni {command}"), command


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli().code == 2
    assert cli("no-such-command").code == 2
    run = cli("image", "x", "--count", "many")
    assert run.code == 2
    assert "invalid int value" in run.err


def test_bad_input_is_one_error_line_and_exit_1(cli: Cli) -> None:
    run = cli("image", "a cat", "--count", "99")
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if line.startswith("sogni: error:")]
    assert errors == ["sogni: error: number_of_media must be at most 16, got 99 (allowed: 1..16)"]
    assert "Traceback" not in run.err
    assert run.out == ""


def test_models_lists_media_models_and_llms(cli: Cli) -> None:
    run = cli("models")
    assert run.code == 0, run.err
    rows = [line.split() for line in run.out.splitlines()]
    kinds = {row[1] for row in rows}
    assert kinds == {"image", "video", "audio", "llm"}
    assert ["flux1-schnell-fp8", "image"] in [row[:2] for row in rows]
    assert "on the fast network of the embedded local Supernet" in run.err


def test_models_json_and_kind(cli: Cli) -> None:
    run = cli("models", "--kind", "llm", "--kind", "audio", "--json", "--network", "relaxed")
    assert run.code == 0, run.err
    listing = json.loads(run.out)
    assert listing["network"] == "relaxed"
    assert listing["endpoint"].startswith("http://127.0.0.1:")
    assert {model["kind"] for model in listing["models"]} == {"llm", "audio"}
    assert all(model["workers"] >= 0 for model in listing["models"])


@pytest.mark.parametrize(
    ("argv", "model"),
    [
        (("image", "-n", "2", "--steps", "4"), "flux1-schnell-fp8"),
        (("video", "--duration", "5", "--fps", "24"), "ltx23-22b-fp8_t2v_distilled"),
        (("music", "--duration", "30"), "ace_step_1.5_turbo"),
    ],
)
def test_estimate_prices_each_kind(cli: Cli, argv: tuple[str, ...], model: str) -> None:
    run = cli("estimate", *argv, "--json")
    assert run.code == 0, run.err
    cost = json.loads(run.out)
    assert cost["model_id"] == model
    assert float(cost["token"]) > 0
    assert float(cost["usd"]) > 0
    text = cli("estimate", *argv)
    assert text.code == 0
    assert text.out.startswith(f"{cost['token']} spark (${cost['usd']}) for {model}")


def test_a_refused_connection_names_the_host(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SOGNI_API_KEY", "some-key")
    monkeypatch.setenv("SOGNI_REST_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("SOGNI_SOCKET_ENDPOINT", f"ws://127.0.0.1:{port}")
    run = cli("balance")
    assert run.code == 1
    [line] = run.err.strip().splitlines()
    assert line.startswith(f"sogni: error: could not reach http://127.0.0.1:{port}: ")
    assert "refused" in line.lower()
    assert "some-key" not in run.err
    assert "embedded" not in run.err  # a key means the real (here: configured) network


def test_the_parser_knows_every_command() -> None:
    parser = build_parser()
    assert parser.prog == "sogni"
    args = parser.parse_args(["--local", "models", "--json"])
    assert args.local is True and args.json is True and args.network == "fast"
    args = parser.parse_args(["models", "--local", "--network", "relaxed"])
    assert args.local is True and args.network == "relaxed"


def test_error_lines_name_the_host_of_the_failing_connection() -> None:
    session = Session()
    session.rest_endpoint = "https://api.example.test/v1"
    session.socket_endpoint = "wss://socket.example.test"
    rest = APIConnectionError("GET /v4/account/balance failed: ConnectError")
    assert error_line(rest, session) == (
        "sogni: error: could not reach https://api.example.test: "
        "GET /v4/account/balance failed: ConnectError"
    )
    lost = ConnectionLost("the socket closed\nand stayed closed", code=1006)
    assert error_line(lost, session) == (
        "sogni: error: lost the connection to wss://socket.example.test: "
        "the socket closed and stayed closed"
    )
    slow = SogniTimeoutError("timed out after 30 s waiting for models", hint="DNS failed")
    assert error_line(slow, session) == (
        "sogni: error: timed out after 30 s waiting for models from "
        "wss://socket.example.test (DNS failed)"
    )
    assert error_line(ClientClosed(), session) == "sogni: error: the client was closed"
    assert error_line(ValidationError("bad", allowed=("a", "b")), None) == (
        "sogni: error: bad (allowed: a, b)"
    )
