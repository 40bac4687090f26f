"""examples/recover_projects.py runs against the embedded local Supernet without an API key:
it finds the project another client started, follows it to the end and writes its images."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "recover_projects.py"


def test_the_recovery_example_follows_a_project_started_elsewhere(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOGNI_API_KEY"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "local Supernet" in out
    assert "1 project(s) running elsewhere" in out and "in app another-process" in out
    assert "%" in out  # progress was followed here
    assert "sync: 0 running, 0 finished meanwhile, 0 lost" in out
    assert "recent: " in out and "2 render(s)" in out
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".png", ".png"], out
    for path in files:
        with Image.open(path) as image:
            image.load()
            assert image.width > 0 and image.height > 0
