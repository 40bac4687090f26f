"""``sogni video``: every video workflow, chosen by the reference files given.

Without ``--model`` the LTX-2.3 model of the workflow the flags describe is used: text to
video, image to video (with an optional last frame), audio to video, image and audio to
video, or video to video (restyled through a ControlNet).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sogni.cli._render import add_common_options, render
from sogni.cli._session import Session

__all__ = ["default_model", "register"]

DEFAULT_MODELS = {
    "t2v": "ltx23-22b-fp8_t2v_distilled",
    "i2v": "ltx23-22b-fp8_i2v_distilled",
    "a2v": "ltx23-22b-fp8_a2v_distilled",
    "ia2v": "ltx23-22b-fp8_ia2v_distilled",
    "v2v": "ltx23-22b-fp8_v2v_distilled",
}
CONTROLS = ("canny", "pose", "depth", "detailer")


def default_model(args: argparse.Namespace) -> str:
    """The model of the workflow the reference flags describe."""
    if args.reference_video:
        return DEFAULT_MODELS["v2v"]
    image = args.reference_image or args.reference_image_end
    if image and args.reference_audio:
        return DEFAULT_MODELS["ia2v"]
    if args.reference_audio:
        return DEFAULT_MODELS["a2v"]
    return DEFAULT_MODELS["i2v" if image else "t2v"]


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``video`` to the command parser."""
    video = commands.add_parser(
        "video",
        parents=parents,
        help="generate videos (text, image, audio or video to video)",
        description="Generate videos. The reference files select the workflow; without "
        "--model the matching LTX-2.3 model is used.",
    )
    add_common_options(video, count_help="how many videos (default: 1)")
    video.add_argument("--duration", type=float, help="length in seconds (the model's default)")
    video.add_argument("--fps", type=float, help="frames per second (the model's usual rate)")
    video.add_argument("--width", type=int, help="width in pixels (with --height)")
    video.add_argument("--height", type=int, help="height in pixels (with --width)")
    video.add_argument("--reference-image", type=Path, metavar="FILE", help="the first frame")
    video.add_argument("--reference-image-end", type=Path, metavar="FILE", help="the last frame")
    video.add_argument(
        "--reference-audio", type=Path, metavar="FILE", help="audio to follow (sound to video)"
    )
    video.add_argument(
        "--reference-video", type=Path, metavar="FILE", help="a video to restyle or extend"
    )
    video.add_argument(
        "--control",
        choices=CONTROLS,
        help="ControlNet for video to video (default with --reference-video: canny)",
    )
    video.add_argument(
        "--generate-audio",
        action=argparse.BooleanOptionalAction,
        help="give the video a soundtrack (models with native audio)",
    )
    video.set_defaults(handler=run)


def run(args: argparse.Namespace, session: Session) -> int:
    """Render a video project."""
    model = args.model or default_model(args)
    control = args.control
    if control is None and args.reference_video and model.startswith("ltx23") and "_v2v" in model:
        control = "canny"  # LTX-2.3 video to video follows a ControlNet
    return render(
        session,
        args,
        type="video",
        model_id=model,
        duration=args.duration,
        fps=args.fps,
        width=args.width,
        height=args.height,
        reference_image=args.reference_image,
        reference_image_end=args.reference_image_end,
        reference_audio=args.reference_audio,
        reference_video=args.reference_video,
        control_net={"name": control} if control else None,
        generate_audio=args.generate_audio,
    )
