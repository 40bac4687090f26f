"""``sogni chat``: one answer, a prompt on stdin, vision, JSON, and the multi-turn REPL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import Cli

from sogni.testing import LocalSupernet


class Terminal(io.StringIO):
    """Typed lines on a terminal."""

    def isatty(self) -> bool:
        return True


def test_one_prompt_streams_the_answer(cli: Cli) -> None:
    run = cli("chat", "hello there")
    assert run.code == 0, run.err
    assert run.out == "Echo: hello there\n"
    assert "embedded local Supernet" in run.err


def test_the_prompt_may_come_on_stdin(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("from a pipe\n"))
    run = cli("chat", "--no-stream")
    assert run.code == 0, run.err
    assert run.out == "Echo: from a pipe\n"


def test_an_empty_stdin_is_an_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    run = cli("chat")
    assert run.code == 1
    assert run.err.strip().splitlines() == [
        "sogni: error: no prompt: give one as an argument or on stdin"
    ]


def test_vision_sends_the_image(cli: Cli, asset: Path, on_shared_net: LocalSupernet) -> None:
    run = cli("chat", "what is this?", "--image", str(asset / "photo.jpg"))
    assert run.code == 0, run.err
    assert "[1 image]" in run.out
    [request] = on_shared_net.received("llmJobRequest")
    content = request["messages"][-1]["content"]
    assert any(part.get("type") == "image_url" for part in content)


def test_json_is_the_whole_completion(cli: Cli) -> None:
    run = cli("chat", "hi", "--json", "--max-tokens", "64")
    assert run.code == 0, run.err
    answer = json.loads(run.out)
    assert answer["content"] == "Echo: hi"
    assert answer["usage"]["completion_tokens"] > 0


def test_repl_keeps_the_conversation(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, on_shared_net: LocalSupernet
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("first question\n\nsecond question\n/exit\n"))
    run = cli("chat", "--system", "be brief")
    assert run.code == 0, run.err
    assert run.out.splitlines() == ["Echo: first question", "Echo: second question"]
    first, second = on_shared_net.received("llmJobRequest")
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert [m["role"] for m in second["messages"]] == ["system", "user", "assistant", "user"]
    assert second["messages"][2]["content"] == "Echo: first question"


def test_repl_ends_on_end_of_input(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("only one\n"))
    run = cli("chat")
    assert run.code == 0, run.err
    assert run.out == "Echo: only one\n"
    assert "Ctrl-D" in run.err


def test_an_unknown_model_is_one_error_line(cli: Cli) -> None:
    run = cli("chat", "hi", "-m", "no-such-llm")
    assert run.code == 1
    lines = run.err.strip().splitlines()
    assert lines[-1].startswith("sogni: error: ")
    assert "no-such-llm" in lines[-1]
    assert "Traceback" not in run.err
