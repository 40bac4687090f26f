"""``sogni image``, ``edit``, ``video``, ``music`` and ``demo`` write decodable media."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Cli
from PIL import Image

LOCAL = "embedded local Supernet"


def written(out: str) -> list[Path]:
    return [Path(line) for line in out.splitlines() if line.strip()]


def is_mp4(path: Path) -> bool:
    return path.read_bytes()[4:8] == b"ftyp"


def test_image_writes_the_images_and_says_it_ran_locally(cli: Cli) -> None:
    run = cli("image", "a lighthouse at dawn", "-n", "2", "--seed", "7", "-o", "pictures")
    assert run.code == 0, run.err
    files = written(run.out)
    assert len(files) == 2
    for path in files:
        assert path.parent == Path("pictures")
        with Image.open(path) as picture:
            picture.verify()
            assert picture.format == "PNG"
    assert LOCAL in run.err
    assert "completed" in run.err  # progress, one plain line per event off a terminal


def test_image_size_format_and_json(cli: Cli) -> None:
    run = cli("image", "a fox", "--size", "512x768", "--format", "jpg", "--json")
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert result["model_id"] == "flux1-schnell-fp8"
    assert result["type"] == "image"
    [entry] = result["files"]
    with Image.open(entry["path"]) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (512, 768)
    assert Path(entry["path"]).name.endswith(".jpg")
    assert "{" not in run.err  # the JSON is on stdout only


def test_edit_sends_the_context_images(cli: Cli, asset: Path) -> None:
    run = cli(
        "edit", "make it winter", "-i", str(asset / "photo.jpg"), "-i", str(asset / "image.png")
    )
    assert run.code == 0, run.err
    [path] = written(run.out)
    with Image.open(path) as picture:
        picture.verify()


def test_edit_needs_a_context_image(cli: Cli) -> None:
    run = cli("edit", "make it winter")
    assert run.code == 2
    assert "--context-image" in run.err


@pytest.mark.parametrize(
    ("flags", "model"),
    [
        ((), "ltx23-22b-fp8_t2v_distilled"),
        (
            ("--reference-image", "image.png", "--reference-image-end", "photo.jpg"),
            "ltx23-22b-fp8_i2v_distilled",
        ),
        (("--reference-audio", "music.wav"), "ltx23-22b-fp8_a2v_distilled"),
        (
            ("--reference-image", "image.png", "--reference-audio", "voice.mp3"),
            "ltx23-22b-fp8_ia2v_distilled",
        ),
        (("--reference-video", "clip.mp4"), "ltx23-22b-fp8_v2v_distilled"),
    ],
)
def test_video_workflow_follows_the_reference_flags(
    cli: Cli, asset: Path, flags: tuple[str, ...], model: str
) -> None:
    argv = [flag if flag.startswith("--") else str(asset / flag) for flag in flags]
    run = cli("video", "waves at night", "--duration", "2", "--fps", "16", "--json", *argv)
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert result["model_id"] == model
    [entry] = result["files"]
    assert entry["path"].endswith(".mp4")
    assert is_mp4(Path(entry["path"]))


def test_video_with_an_explicit_model(cli: Cli, asset: Path) -> None:
    run = cli(
        "video",
        "a dancer",
        "-m",
        "wan_v2.2-14b-fp8_s2v_lightx2v",
        "--reference-image",
        str(asset / "image.png"),
        "--reference-audio",
        str(asset / "voice.mp3"),
        "--duration",
        "2",
    )
    assert run.code == 0, run.err
    [path] = written(run.out)
    assert is_mp4(path)


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("mp3", lambda head: head[:3] == b"ID3" or head[0] == 0xFF),
        ("wav", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE"),
        ("flac", lambda head: head[:4] == b"fLaC"),
    ],
)
def test_music_writes_each_format(cli: Cli, fmt: str, check: object) -> None:
    run = cli(
        "music",
        "synth pop",
        "--duration",
        "10",
        "--bpm",
        "120",
        "--lyrics",
        "la la la",
        "--format",
        fmt,
    )
    assert run.code == 0, run.err
    [path] = written(run.out)
    assert path.suffix == f".{fmt}"
    assert check(path.read_bytes()[:16])  # type: ignore[operator]


def test_music_lyrics_from_a_missing_file_is_one_error_line(cli: Cli) -> None:
    run = cli("music", "folk", "--lyrics-file", "missing.txt")
    assert run.code == 1
    [line] = run.err.strip().splitlines()
    assert line.startswith("sogni: error: cannot read the lyrics file missing.txt")


def test_demo_is_unchanged(cli: Cli) -> None:
    run = cli("demo", "--out", "demo", "--count", "2")
    assert run.code == 0, run.err
    assert run.out.startswith(tuple(f"{n} models available" for n in range(1, 1000)))
    assert "rendering 2 images with flux1-schnell-fp8" in run.out
    files = sorted(Path("demo").iterdir())
    assert [line for line in run.out.splitlines() if line.startswith("wrote ")] == [
        f"wrote {path}" for path in files
    ]
    for path in files:
        with Image.open(path) as picture:
            assert picture.format == "PNG"
