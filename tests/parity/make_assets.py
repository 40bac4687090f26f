"""Writes the small asset files the parity cases upload (run once; the files are committed).

python tests/parity/make_assets.py
"""

from __future__ import annotations

from pathlib import Path

from sogni.testing.media import MediaSpec

ASSETS = Path(__file__).resolve().parent / "assets"

FILES = {
    "image.png": MediaSpec("image", "png", 1, "parity image", 48, 48),
    "photo.jpg": MediaSpec("image", "jpg", 2, "parity photo", 48, 48),
    "picture.webp": MediaSpec("image", "webp", 3, "parity picture", 48, 48),
    "voice.mp3": MediaSpec("audio", "mp3", 4, "", duration=1.0),
    "music.wav": MediaSpec("audio", "wav", 5, "", duration=1.0),
    "music.flac": MediaSpec("audio", "flac", 6, "", duration=1.0),
    "clip.mp4": MediaSpec("video", "mp4", 7, "parity clip", 64, 64, duration=1, fps=16, frames=17),
}


def main() -> None:
    """Render every asset into ``assets/``."""
    ASSETS.mkdir(exist_ok=True)
    for name, spec in FILES.items():
        (ASSETS / name).write_bytes(spec.render())
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
