"""``sogni image`` (text to image) and ``sogni edit`` (image edits with context images)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from sogni.cli._render import add_common_options, render
from sogni.cli._session import Session

__all__ = ["DEFAULT_EDIT_MODEL", "DEFAULT_IMAGE_MODEL", "parse_size", "register"]

DEFAULT_IMAGE_MODEL = "flux1-schnell-fp8"
DEFAULT_EDIT_MODEL = "qwen_image_edit_2511_fp8_lightning"
IMAGE_FORMATS = ("png", "jpg", "webp")
_CUSTOM_SIZE = re.compile(r"(\d+)[xX](\d+)")


def parse_size(value: str) -> dict[str, Any]:
    """``--size``: ``WIDTHxHEIGHT`` for a custom size, anything else names a size preset."""
    match = _CUSTOM_SIZE.fullmatch(value.strip())
    if match:
        return {"size_preset": "custom", "width": int(match[1]), "height": int(match[2])}
    return {"size_preset": value}


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``image`` and ``edit`` to the command parser."""
    image = commands.add_parser(
        "image",
        parents=parents,
        help="generate images from a prompt",
        description="Generate images from a prompt and write them to a folder.",
    )
    _image_options(image, default_model=DEFAULT_IMAGE_MODEL)
    image.set_defaults(handler=run_image)

    edit = commands.add_parser(
        "edit",
        parents=parents,
        help="edit images with a prompt and context images",
        description="Edit or combine images: the prompt says what to do with the context images.",
    )
    _image_options(edit, default_model=DEFAULT_EDIT_MODEL)
    edit.add_argument(
        "-i",
        "--context-image",
        action="append",
        required=True,
        metavar="FILE",
        help="an image to edit or draw on (repeat for several; the model sets the maximum)",
    )
    edit.set_defaults(handler=run_edit)


def _image_options(parser: argparse.ArgumentParser, *, default_model: str) -> None:
    add_common_options(parser, count_help="how many images (default: 1)")
    parser.set_defaults(model=default_model)
    parser.add_argument(
        "--size",
        type=parse_size,
        metavar="PRESET|WxH",
        help="a size preset of the model (e.g. square_hd) or a custom size such as 1024x768",
    )
    parser.add_argument("--guidance", type=float, help="guidance scale (the model's default)")
    parser.add_argument("--format", choices=IMAGE_FORMATS, help="file format (default: png)")


def _params(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "type": "image",
        "model_id": args.model,
        "guidance": args.guidance,
        "output_format": args.format,
        **(args.size or {}),
    }


def run_image(args: argparse.Namespace, session: Session) -> int:
    """Render a text-to-image project."""
    return render(session, args, **_params(args))


def run_edit(args: argparse.Namespace, session: Session) -> int:
    """Render an image edit with the given context images."""
    images = [Path(name) for name in args.context_image]
    return render(session, args, context_images=images, **_params(args))
