"""Every ```python block of README.md and of the docs pages runs as written.

Each block runs against a local Supernet, in its own subprocess and a fresh folder holding
the small files the blocks name (``photo.jpg``, ``day.png`` ...), with ``SOGNI_API_KEY``,
``SOGNI_REST_ENDPOINT`` and ``SOGNI_SOCKET_ENDPOINT`` pointing at the server, so
``SogniClient()`` finds it. A block that defines ``test_*`` functions is run by pytest
instead (the sogni plugin supplies its fixtures). Only blocks fenced as
```python {.no-run} are skipped (the class keeps the fence valid for the docs build), and
they are listed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from sogni.testing import LocalSupernet
from sogni.testing.media import MediaSpec

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK_TIMEOUT = 120.0

FENCE = re.compile(r"^```python(?P<info>[^\n]*)\n(?P<code>.*?)^```\s*$", re.M | re.S)

#: The files the README's examples read, rendered small but valid.
ASSETS = {
    "photo.jpg": MediaSpec("image", "jpg", 1, "photo", 64, 64),
    "day.png": MediaSpec("image", "png", 2, "day", 64, 64),
    "night.png": MediaSpec("image", "png", 3, "night", 64, 64),
    "cat.png": MediaSpec("image", "png", 4, "cat", 64, 64),
    "front.png": MediaSpec("image", "png", 5, "front", 64, 64),
    "back.png": MediaSpec("image", "png", 6, "back", 64, 64),
    "clip.mp4": MediaSpec("video", "mp4", 7, "clip", 64, 64, duration=1, fps=16, frames=17),
    "voice.mp3": MediaSpec("audio", "mp3", 8, "", duration=1.0),
}


@attrs.frozen
class Block:
    """One fenced python block of a page."""

    source: str
    line: int
    info: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def runs(self) -> bool:
        return "no-run" not in re.findall(r"[\w-]+", self.info)

    @property
    def is_pytest(self) -> bool:
        return re.search(r"^(async )?def test_", self.code, re.M) is not None


def python_blocks(path: Path) -> list[Block]:
    """The python blocks of a page, with the line each one's code starts on."""
    text = path.read_text(encoding="utf-8")
    source = str(path.relative_to(ROOT))
    return [
        Block(source, text.count("\n", 0, m.start("code")) + 1, m["info"].strip(), m["code"])
        for m in FENCE.finditer(text)
    ]


BLOCKS = [block for path in SOURCES for block in python_blocks(path)]
RUNNABLE = [b for b in BLOCKS if b.runs]
NOT_RUN = [b for b in BLOCKS if not b.runs]


@pytest.fixture(scope="module")
def supernet() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="readme-key") as net:
        yield net


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name, spec in ASSETS.items():
        (tmp_path / name).write_bytes(spec.render())
    return tmp_path


def _environment(net: LocalSupernet) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOGNI_")}
    env.update(
        SOGNI_API_KEY=net.api_key,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def test_the_readme_has_python_blocks() -> None:
    assert sum(b.source == "README.md" for b in RUNNABLE) >= 10
    assert all(b.code.strip() for b in BLOCKS)


def test_no_run_blocks_are_few_and_named() -> None:
    # Skipping is the exception: the report lists each block left out, by line.
    skipped = [b.where for b in NOT_RUN]
    print("python blocks not run:", ", ".join(skipped) or "none")
    assert len(NOT_RUN) <= 2, skipped


def _placeholders(code: str) -> list[str]:
    """``...`` standing for code or a value (an Ellipsis, ``"..."``); comments may use it."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return [
        t.string
        for t in tokens
        if (t.type == tokenize.OP and t.string == "...")
        or (t.type == tokenize.STRING and "..." in t.string)
    ]


def test_no_run_marker_is_read() -> None:
    assert not Block("x.md", 1, "{.no-run}", "").runs
    assert not Block("x.md", 1, "no-run", "").runs
    assert Block("x.md", 1, 'title="no_runner.py"', "").runs


def test_placeholders_are_found() -> None:
    assert _placeholders('f(x, key="...")\ndef g():\n    ...\n') == ['"..."', "..."]
    assert _placeholders("x = 1  # ... later\n") == []


def test_blocks_have_no_placeholders() -> None:
    for block in RUNNABLE:
        assert _placeholders(block.code) == [], block.where


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.where for b in RUNNABLE])
def test_block_runs(block: Block, supernet: LocalSupernet, workdir: Path) -> None:
    script = workdir / ("test_readme_block.py" if block.is_pytest else "readme_block.py")
    script.write_text(block.code, encoding="utf-8")
    if block.is_pytest:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", script.name]
    else:
        command = [sys.executable, script.name]
    done = subprocess.run(
        command,
        cwd=workdir,
        env=_environment(supernet),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, (
        f"{block.where} failed (exit {done.returncode})\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )
    if block.is_pytest:
        assert re.search(r"\d+ passed", done.stdout), done.stdout
        assert "failed" not in done.stdout and "error" not in done.stdout.lower(), done.stdout
