"""Every example script runs against the local Supernet and writes decodable media."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FFPROBE = shutil.which("ffprobe")

#: Every media workflow's script and what it writes by default: (extension, media kind).
SCRIPTS = {
    "text_to_image.py": (".png", "image"),
    "image_edit.py": (".png", "image"),
    "text_to_video.py": (".mp4", "video"),
    "image_to_video.py": (".mp4", "video"),
    "sound_to_video.py": (".mp4", "video"),
    "animate_move.py": (".mp4", "video"),
    "animate_replace.py": (".mp4", "video"),
    "video_to_video.py": (".mp4", "video"),
    "image_audio_to_video.py": (".mp4", "video"),
    "audio_to_video.py": (".mp4", "video"),
    "seedance_video.py": (".mp4", "video"),
    "music.py": (".mp3", "audio"),
}


def _check_media(path: Path, kind: str) -> None:
    data = path.read_bytes()
    if kind == "image":
        with Image.open(path) as image:
            image.load()
            assert image.width > 0 and image.height > 0
    elif path.suffix == ".mp4":
        assert data[4:8] == b"ftyp" and b"moov" in data and b"mdat" in data
    elif path.suffix == ".mp3":
        assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    if FFPROBE and kind != "image":
        probe = subprocess.run(
            [FFPROBE, "-v", "error", "-show_streams", "-of", "json", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert probe.returncode == 0, probe.stderr
        streams = json.loads(probe.stdout)["streams"]
        assert streams and streams[0]["codec_type"] == ("audio" if kind == "audio" else "video")


def test_every_workflow_script_exists() -> None:
    assert all((EXAMPLES / script).is_file() for script in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_against_the_local_supernet(script: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOGNI_API_KEY"}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--estimate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "local Supernet" in proc.stdout
    assert "estimated cost" in proc.stdout
    assert "%" in proc.stdout  # progress was printed
    extension, kind = SCRIPTS[script]
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [extension], proc.stdout
    _check_media(files[0], kind)
