"""``sogni demo --out DIR``: render a few images and write them to a folder.

With no ``SOGNI_API_KEY`` set (and no stored login) it runs against an embedded local
Supernet, so it works on any machine and spends no tokens.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sogni.cli._progress import follow
from sogni.cli._session import Session

__all__ = ["DEMO_PROMPTS", "register"]

DEMO_PROMPTS = (
    "a lighthouse on a cliff at dawn, oil painting",
    "a red fox in a snowy birch forest, soft light",
    "a tiny robot watering a bonsai tree, studio photo",
    "a futuristic tram crossing a bridge at night, neon",
)


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``demo`` to the command parser."""
    run = commands.add_parser(
        "demo", parents=parents, help="generate a few images and write them to a folder"
    )
    run.add_argument(
        "--out", default="sogni-demo", help="folder for the images (default: %(default)s)"
    )
    run.add_argument("--model", default="flux1-schnell-fp8", help="model id (default: %(default)s)")
    run.add_argument("--prompt", help="what to draw")
    run.add_argument("--count", type=int, default=2, help="number of images (default: %(default)s)")
    run.add_argument("--steps", type=int, help="inference steps (model default when omitted)")
    run.add_argument("--seed", type=int, help="seed for reproducible images")
    run.add_argument("--format", choices=("png", "jpg", "webp"), default="png")
    run.add_argument("--width", type=int, help="custom width (with --height)")
    run.add_argument("--height", type=int, help="custom height (with --width)")
    run.set_defaults(handler=demo)


def demo(args: argparse.Namespace, session: Session) -> int:
    """Generate images with the sync client and write them to ``args.out``."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    client = session.client()
    models = client.projects.wait_for_models(timeout=30)
    print(f"{len(models)} models available; rendering {args.count} images with {args.model}")
    project = client.projects.create(
        model_id=args.model,
        positive_prompt=args.prompt or DEMO_PROMPTS[0],
        number_of_media=args.count,
        steps=args.steps,
        seed=args.seed,
        output_format=args.format,
        size_preset="custom" if args.width else None,
        width=args.width,
        height=args.height,
    )
    follow(project, timeout=120)
    for path in project.download_all(out):
        print(f"wrote {path}")
    return 0
