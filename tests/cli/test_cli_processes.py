"""The command as a real process: ``python -m sogni``, shell pipes, signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

import sogni
from sogni import SogniClient
from sogni.testing import LocalSupernet

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shells and signals")

SOGNI = Path(sys.executable).with_name("sogni")
COMMAND = f"'{SOGNI}'" if SOGNI.exists() else f"'{sys.executable}' -m sogni"


@pytest.fixture
def env(isolated: Path) -> dict[str, str]:
    """The isolated environment of the test, for child processes."""
    return dict(os.environ)


def run(*argv: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sogni", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_python_m_sogni_version(env: dict[str, str]) -> None:
    done = run("--version", env=env)
    assert done.returncode == 0
    assert done.stdout.strip() == f"sogni {sogni.__version__}"


def test_python_m_sogni_image(env: dict[str, str], isolated: Path) -> None:
    done = run("image", "a red kite", "-o", "kites", env=env)
    assert done.returncode == 0, done.stderr
    [path] = done.stdout.split()
    with Image.open(isolated / path) as picture:
        assert picture.format == "PNG"
    assert "embedded local Supernet" in done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_a_closed_pipe_ends_quietly(env: dict[str, str], reader: str) -> None:
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{COMMAND} models | {reader}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr
    if reader == "head -1":
        assert len(done.stdout.splitlines()) == 1
        assert done.stdout.split()[1] in ("image", "video", "audio", "llm")


def test_bad_input_in_a_process(env: dict[str, str]) -> None:
    done = run("video", "x", "--reference-image", "no-such.png", env=env)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("sogni")]
    assert errors == [errors[0]] and errors[0].startswith("sogni: error: ")
    assert "no-such.png" in errors[0]
    assert "Traceback" not in done.stderr


@pytest.fixture
def serving(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sogni", "serve", "--json", "--api-key", "served-key"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process, json.loads(process.stdout.readline())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_serve_prints_its_urls_and_stops_on_ctrl_c(
    serving: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, served = serving
    assert served["api_key"] == "served-key"
    with SogniClient(
        api_key=served["api_key"],
        rest_endpoint=served["rest_endpoint"],
        socket_endpoint=served["socket_endpoint"],
    ) as client:
        assert client.projects.wait_for_models(timeout=30)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Stopping." in err
    assert "Traceback" not in err


def test_ctrl_c_while_rendering_exits_130(env: dict[str, str]) -> None:
    with LocalSupernet(api_key="slow-key", step_delay=1.0, steps=60) as slow:
        env = {
            **env,
            "SOGNI_API_KEY": slow.api_key,
            "SOGNI_REST_ENDPOINT": slow.rest_url,
            "SOGNI_SOCKET_ENDPOINT": slow.socket_url,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "sogni", "image", "a slow kite"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stderr is not None
            for line in process.stderr:  # wait until the project is on its way
                if line.startswith("progress"):
                    break
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 130
        assert out == ""
        assert "Traceback" not in err
