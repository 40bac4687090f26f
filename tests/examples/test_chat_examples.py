"""Every chat example runs against the local Supernet and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: (script, extra arguments, text the output must contain)
RUNS = [
    ("chat_text.py", ["--estimate"], ["estimated cost", "Echo: In one sentence", "cost: "]),
    ("chat_text.py", ["--think", "Hi"], ["<think>", "Echo: Hi"]),
    ("chat_streaming.py", [], ["chunks, finish reason 'stop'", "Echo: Write a haiku"]),
    ("chat_streaming.py", ["--think", "--max-tokens", "3"], ["finish reason 'length'"]),
    ("chat_multi_turn.py", [], ["assistant> Echo: What was my name again?", "7 messages"]),
    ("chat_vision.py", [], ["1 image(s): image.png", "[1 image]"]),
    ("chat_tool_calling.py", [], ["tool get_weather(", "assistant> Tool get_weather returned"]),
    ("chat_tool_calling.py", ["--auto"], ["round 0: get_weather(", "assistant> Tool get_weather"]),
    ("chat_tool_calling.py", ["--stream"], ["tool-call fragment #0", "assistant> Tool"]),
    ("chat_sogni_tools.py", [], ["sogni_generate_image: completed 100%", "wrote "]),
    ("chat_hosted_tools.py", [], ["generate_image: success=True", "wrote "]),
]


def test_every_chat_example_is_exercised() -> None:
    scripts = {p.name for p in EXAMPLES.glob("chat_*.py")}
    assert scripts == {script for script, _, _ in RUNS}


@pytest.mark.parametrize(
    ("script", "extra", "expected"),
    RUNS,
    ids=[f"{s}{' ' + ' '.join(e) if e else ''}" for s, e, _ in RUNS],
)
def test_chat_example_runs_against_the_local_supernet(
    script: str, extra: list[str], expected: list[str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOGNI_API_KEY"}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *extra],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "local Supernet" in proc.stdout
    for text in expected:
        assert text in proc.stdout, proc.stdout
    for path in tmp_path.iterdir():
        with Image.open(path) as image:  # media the tool examples downloaded
            image.load()
