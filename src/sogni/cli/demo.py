"""The ``sogni`` command line: ``sogni demo --out DIR`` and friends.

With no ``SOGNI_API_KEY`` set, commands run against an embedded local Supernet, so the
demo works on any machine and spends no tokens.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sogni.errors import MissingExtraError, SogniError

DEMO_PROMPTS = (
    "a lighthouse on a cliff at dawn, oil painting",
    "a red fox in a snowy birch forest, soft light",
    "a tiny robot watering a bonsai tree, studio photo",
    "a futuristic tram crossing a bridge at night, neon",
)


@contextlib.contextmanager
def _endpoints(quiet: bool = False) -> Iterator[dict[str, Any]]:
    """Client arguments for the real network, or for an embedded local Supernet."""
    if os.environ.get("SOGNI_API_KEY"):
        yield {}
        return
    try:
        from sogni.testing import LocalSupernet
    except MissingExtraError as exc:
        raise SystemExit(
            f"no SOGNI_API_KEY is set and the local Supernet is unavailable: {exc}"
        ) from None
    if not quiet:
        print(
            "No SOGNI_API_KEY is set: running against an embedded local Supernet "
            "(a real server on loopback; no tokens are spent)."
        )
    with LocalSupernet(api_key="local-demo-key") as net:
        yield {
            "api_key": net.api_key,
            "rest_endpoint": net.rest_url,
            "socket_endpoint": net.socket_url,
        }


def _progress_bar(total: int) -> Any:
    try:
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
    except ImportError:
        return None
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(), transient=False
    )


def demo(args: argparse.Namespace) -> int:
    """Generate images with the sync client and write them to ``args.out``."""
    from sogni import SogniClient

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with _endpoints() as endpoints, SogniClient(app_source="sogni-cli", **endpoints) as client:
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
        bar = _progress_bar(args.count)
        if bar is None:
            for event in project.events(timeout=120):
                if event.type == "progress":
                    print(f"\rprogress {project.progress:3d}%", end="", flush=True)
            print()
        else:
            with bar:
                task = bar.add_task("rendering", total=100)
                for _event in project.events(timeout=120):
                    bar.update(task, completed=project.progress)
                bar.update(task, completed=project.progress)
        project.wait_for_completion(timeout=1)
        files = project.download_all(out)
    for path in files:
        print(f"wrote {path}")
    return 0


def models(args: argparse.Namespace) -> int:
    """Print the models the network has available."""
    from sogni import SogniClient

    with _endpoints(quiet=True) as endpoints, SogniClient(**endpoints) as client:
        for model in sorted(client.projects.wait_for_models(timeout=30), key=lambda m: m.id):
            print(f"{model.id:48} {model.media:6} workers={model.worker_count}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sogni`` command."""
    parser = argparse.ArgumentParser(prog="sogni", description="Sogni Supernet from the terminal.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="generate a few images and write them to a folder")
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
    listing = commands.add_parser("models", help="list the models available right now")
    listing.set_defaults(handler=models)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sogni`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SogniError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
