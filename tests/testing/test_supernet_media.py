"""The media files the local Supernet renders are real and decodable."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import wave
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sogni.testing.media import MediaSpec
from sogni.testing.media.video import BitWriter

FFPROBE = shutil.which("ffprobe")
FFMPEG = shutil.which("ffmpeg")


def probe(path: Path) -> dict[str, Any]:
    assert FFPROBE is not None
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-show_streams", "-count_frames", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    streams: list[dict[str, Any]] = json.loads(out.stdout)["streams"]
    assert len(streams) == 1
    return streams[0]


def decodes_cleanly(path: Path) -> bool:
    assert FFMPEG is not None
    run = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True
    )
    return run.returncode == 0 and not run.stderr.strip()


@pytest.mark.parametrize(("fmt", "pil_format"), [("png", "PNG"), ("jpg", "JPEG"), ("webp", "WEBP")])
def test_images_decode_at_the_requested_size(fmt: str, pil_format: str) -> None:
    spec = MediaSpec(media="image", fmt=fmt, seed=1, prompt="p", width=320, height=200)
    image = Image.open(io.BytesIO(spec.render()))
    assert (image.format, image.size) == (pil_format, (320, 200))
    image.load()
    assert spec.content_type == Image.MIME[pil_format]


def test_images_depend_on_seed_and_prompt() -> None:
    base = MediaSpec(media="image", fmt="png", seed=1, prompt="p", width=64, height=64)
    assert (
        base.render()
        == MediaSpec(media="image", fmt="png", seed=1, prompt="p", width=64, height=64).render()
    )
    assert (
        base.render()
        != MediaSpec(media="image", fmt="png", seed=2, prompt="p", width=64, height=64).render()
    )
    assert (
        base.render()
        != MediaSpec(media="image", fmt="png", seed=1, prompt="q", width=64, height=64).render()
    )


def mp4_boxes(data: bytes) -> list[bytes]:
    kinds, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        assert size >= 8
        kinds.append(kind)
        offset += size
    assert offset == len(data)
    return kinds


def test_video_is_a_well_formed_mp4() -> None:
    data = MediaSpec(
        media="video", fmt="mp4", seed=3, prompt="v", width=848, height=480, fps=16, frames=81
    ).render()
    assert mp4_boxes(data) == [b"ftyp", b"moov", b"mdat"]
    assert b"avc1" in data and b"avcC" in data


@pytest.mark.skipif(FFPROBE is None or FFMPEG is None, reason="ffmpeg is not installed")
@pytest.mark.parametrize(
    ("width", "height", "fps", "frames"),
    [(848, 480, 16, 81), (1280, 720, 24, 121), (100, 50, 24, 5), (482, 482, 30, 1)],
)
def test_video_decodes_with_ffmpeg(
    tmp_path: Path, width: int, height: int, fps: int, frames: int
) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(
        MediaSpec(
            media="video",
            fmt="mp4",
            seed=3,
            prompt="v",
            width=width,
            height=height,
            fps=fps,
            frames=frames,
        ).render()
    )
    stream = probe(path)
    assert stream["codec_name"] == "h264"
    assert (stream["width"], stream["height"]) == (width, height)
    assert stream["r_frame_rate"] == f"{fps}/1"
    assert int(stream["nb_read_frames"]) == frames
    assert decodes_cleanly(path)


def test_wav_has_the_requested_duration() -> None:
    data = MediaSpec(media="audio", fmt="wav", seed=1, prompt="a", duration=3.5).render()
    with wave.open(io.BytesIO(data)) as reader:
        assert reader.getnframes() / reader.getframerate() == pytest.approx(3.5)
        assert reader.getsampwidth() == 2


def test_flac_and_mp3_are_framed() -> None:
    flac = MediaSpec(media="audio", fmt="flac", seed=1, prompt="a", duration=3).render()
    assert flac[:4] == b"fLaC"
    total = int.from_bytes(flac[8 + 10 + 3 : 8 + 18], "big") & ((1 << 36) - 1)
    assert total == 3 * 16000
    mp3 = MediaSpec(media="audio", fmt="mp3", seed=1, prompt="a", duration=3).render()
    assert mp3[:2] == b"\xff\xfb"
    assert len(mp3) % 144 == 0


@pytest.mark.skipif(FFPROBE is None or FFMPEG is None, reason="ffmpeg is not installed")
@pytest.mark.parametrize(("fmt", "codec"), [("mp3", "mp3"), ("wav", "pcm_s16le"), ("flac", "flac")])
def test_audio_decodes_with_ffmpeg(tmp_path: Path, fmt: str, codec: str) -> None:
    path = tmp_path / f"a.{fmt}"
    path.write_bytes(MediaSpec(media="audio", fmt=fmt, seed=5, prompt="a", duration=12).render())
    stream = probe(path)
    assert stream["codec_name"] == codec
    assert float(stream["duration"]) == pytest.approx(12, abs=0.1)
    assert decodes_cleanly(path)


def test_exp_golomb_codes() -> None:
    writer = BitWriter()
    for value in (0, 1, 2, 3, 25):
        writer.ue(value)
    writer.se(-2)
    # 1 010 011 00100 000011010 00101 + stop bit, zero padded
    bits = "1" + "010" + "011" + "00100" + "000011010" + "00101" + "1"
    bits += "0" * (-len(bits) % 8)
    assert writer.trailing() == int(bits, 2).to_bytes(len(bits) // 8, "big")
