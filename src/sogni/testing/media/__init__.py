"""Real, decodable media for results: images (Pillow), MP4 video and MP3/WAV/FLAC audio."""

from __future__ import annotations

import attrs

from ..glb import GLB_MIME, glb_bytes
from .audio import AUDIO_FORMATS, render_audio
from .image import IMAGE_FORMATS, render_image
from .sniff import normalise_content_type, sniff

__all__ = ["MediaSpec", "normalise_content_type", "sniff"]


@attrs.frozen
class MediaSpec:
    """Everything needed to render one result file; equal specs render equal bytes."""

    media: str  # image | video | audio | model (3D)
    fmt: str  # png/jpg/webp, mp4, mp3/wav/flac, glb
    seed: int
    prompt: str
    width: int = 0
    height: int = 0
    duration: float = 0.0
    fps: int = 16
    frames: int = 1

    @property
    def content_type(self) -> str:
        """The HTTP Content-Type of the rendered file."""
        if self.media == "image":
            return IMAGE_FORMATS[self.fmt][1]
        if self.media == "audio":
            return AUDIO_FORMATS[self.fmt][0]
        if self.media == "model":
            return GLB_MIME
        return "video/mp4"

    @property
    def extension(self) -> str:
        """File extension (no dot)."""
        if self.media == "image":
            return IMAGE_FORMATS[self.fmt][2]
        if self.media == "audio":
            return AUDIO_FORMATS[self.fmt][1]
        if self.media == "model":
            return "glb"
        return "mp4"

    def render(self) -> bytes:
        """Encode the file (CPU-bound; run it off the event loop for big outputs)."""
        if self.media == "image":
            return render_image(self.width, self.height, self.seed, self.prompt, self.fmt)
        if self.media == "audio":
            return render_audio(self.fmt, self.duration, self.seed)
        if self.media == "model":
            return glb_bytes(self.prompt)
        from .video import render_video

        return render_video(self.width, self.height, self.frames, self.fps, self.seed, self.prompt)
