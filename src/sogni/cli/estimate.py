"""``sogni estimate image|video|music``: what a project would cost, before running it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sogni.cli._output import add_json_option, jsonable, print_json
from sogni.cli._session import Session
from sogni.cli.image import DEFAULT_IMAGE_MODEL, parse_size
from sogni.cli.music import DEFAULT_MUSIC_MODEL
from sogni.cli.video import DEFAULT_MODELS
from sogni.core._generated.vocabulary import TOKEN_TYPES

if TYPE_CHECKING:
    from sogni import CostEstimate

__all__ = ["register"]


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``estimate`` and its kinds to the command parser."""
    estimate = commands.add_parser(
        "estimate", parents=parents, help="estimate what an image, video or music project costs"
    )
    kinds = estimate.add_subparsers(dest="kind", required=True, metavar="KIND")

    image = kinds.add_parser("image", parents=parents, help="an image project")
    _common(image, DEFAULT_IMAGE_MODEL, "images")
    image.add_argument("--size", type=parse_size, metavar="PRESET|WxH", help="preset or WxH")
    image.add_argument("--guidance", type=float, help="guidance scale")
    image.add_argument("--context-images", type=int, metavar="N", help="context images (edits)")
    image.set_defaults(handler=run_image)

    video = kinds.add_parser("video", parents=parents, help="a video project")
    _common(video, DEFAULT_MODELS["t2v"], "videos")
    video.add_argument("--duration", type=float, default=5.0, help="seconds (default: 5)")
    video.add_argument("--fps", type=float, help="frames per second")
    video.add_argument("--width", type=int, help="width in pixels")
    video.add_argument("--height", type=int, help="height in pixels")
    video.add_argument(
        "--video-input", action="store_true", help="the project takes a reference video"
    )
    video.set_defaults(handler=run_video)

    music = kinds.add_parser("music", parents=parents, help="a music project")
    _common(music, DEFAULT_MUSIC_MODEL, "tracks")
    music.add_argument("--duration", type=float, default=30.0, help="seconds (default: 30)")
    music.set_defaults(handler=run_music)


def _common(parser: argparse.ArgumentParser, model: str, what: str) -> None:
    parser.add_argument("-m", "--model", default=model, help="model id (default: %(default)s)")
    parser.add_argument("-n", "--count", type=int, default=1, help=f"how many {what}")
    parser.add_argument("--steps", type=int, help="steps (the model's default)")
    parser.add_argument(
        "--token-type", choices=TOKEN_TYPES, default="spark", help="token to price in"
    )
    add_json_option(parser)


def run_image(args: argparse.Namespace, session: Session) -> int:
    """Price an image project."""
    size = args.size or {}
    cost = session.client().projects.estimate_cost(
        args.model,
        number_of_media=args.count,
        steps=args.steps,
        size_preset=size.get("size_preset"),
        width=size.get("width"),
        height=size.get("height"),
        guidance=args.guidance,
        context_images=args.context_images,
        token_type=args.token_type,
        network=session.network,
    )
    return _show(args, session, cost)


def run_video(args: argparse.Namespace, session: Session) -> int:
    """Price a video project."""
    cost = session.client().projects.estimate_video_cost(
        args.model,
        duration=args.duration,
        fps=args.fps,
        width=args.width,
        height=args.height,
        steps=args.steps,
        number_of_media=args.count,
        has_video_input=args.video_input,
        token_type=args.token_type,
    )
    return _show(args, session, cost)


def run_music(args: argparse.Namespace, session: Session) -> int:
    """Price a music project."""
    cost = session.client().projects.estimate_audio_cost(
        args.model,
        duration=args.duration,
        steps=args.steps,
        number_of_media=args.count,
        token_type=args.token_type,
    )
    return _show(args, session, cost)


def _show(args: argparse.Namespace, session: Session, cost: CostEstimate) -> int:
    if args.json:
        print_json({"model_id": args.model, "token_type": args.token_type, **jsonable(cost)})
    else:
        print(f"{cost.token} {args.token_type} (${cost.usd}) for {args.model} on {session.where()}")
    return 0
