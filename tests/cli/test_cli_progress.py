"""Progress on stderr: a live display on a terminal, a line per event elsewhere."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Cli

pty = pytest.importorskip("pty")


class TerminalErr(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_off_a_terminal_each_event_is_one_line(cli: Cli) -> None:
    run = cli("image", "a kite", "-n", "2")
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    queued = next(i for i, line in enumerate(lines) if " queued" in line)
    assert lines[queued].startswith("project ")
    assert [line for line in lines if line.startswith("job ")] and all(
        "\r" not in line for line in lines
    )
    percents = [int(line.split()[1].rstrip("%")) for line in lines if line.startswith("progress")]
    assert percents
    assert all(a != b for a, b in zip(percents, percents[1:], strict=False))  # on change only
    assert lines[-1].endswith(" completed")


def test_quiet_shows_nothing_but_the_data(cli: Cli) -> None:
    run = cli("-q", "image", "a kite")
    assert run.code == 0, run.err
    assert run.err == ""
    assert Path(run.out.strip()).exists()


def test_a_terminal_without_rich_gets_one_rewritten_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # as if the cli extra were absent
    terminal = TerminalErr()
    monkeypatch.setattr("sys.stderr", terminal)
    run = cli("image", "a kite")
    assert run.code == 0
    shown = terminal.getvalue()
    assert "\rproject " in shown
    assert shown.rstrip().endswith("100%")
    assert "job 1/1 started" not in shown  # the per-event lines are for logs


def test_a_terminal_gets_a_live_bar(isolated: Path) -> None:
    pytest.importorskip("rich")
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sogni", "image", "a kite"],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=60,
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other end is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert done.returncode == 0
    assert Path(isolated / done.stdout.strip()).exists()
    text = shown.decode("utf-8", "replace")
    assert "project " in text and "100%" in text
    assert "\u2501" in text  # the bar itself (rich draws it with heavy horizontals)
    assert "job 1/1 started" not in text
