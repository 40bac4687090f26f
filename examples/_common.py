"""What every example shares: a client, the command-line basics and a progress printout.

With ``SOGNI_API_KEY`` set the examples use the real Supernet (and spend tokens). Without
it they start an embedded local Supernet (``sogni.testing``, needs ``pip install
'sogni[testing]'``), so every script runs anywhere, offline, for free.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sogni import Project, SogniClient, SogniError

ASSETS = Path(__file__).resolve().parent / "assets"


def parser(description: str, *, prompt: str) -> argparse.ArgumentParser:
    """An argument parser with the options every example has."""
    cli = argparse.ArgumentParser(description=description)
    cli.add_argument("prompt", nargs="?", default=prompt, help="what to generate")
    cli.add_argument("--out", default=".", help="directory for the results (default: here)")
    cli.add_argument("--seed", type=int, help="seed for reproducible results")
    cli.add_argument(
        "--token-type", choices=("sogni", "spark"), default="spark", help="token that pays"
    )
    cli.add_argument("--estimate", action="store_true", help="print the cost estimate first")
    cli.add_argument("--timeout", type=float, default=600, help="seconds to wait for results")
    return cli


@contextlib.contextmanager
def client() -> Iterator[SogniClient]:
    """A connected client: the real network with SOGNI_API_KEY, else a local Supernet."""
    if os.environ.get("SOGNI_API_KEY"):
        with SogniClient(app_source="sogni-examples") as sogni:
            sogni.projects.wait_for_models(timeout=30)
            yield sogni
        return
    from sogni.testing import LocalSupernet

    print("SOGNI_API_KEY is not set: using an embedded local Supernet (no tokens are spent).")
    with (
        LocalSupernet(api_key="local-examples") as net,
        SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_source="sogni-examples",
        ) as sogni,
    ):
        sogni.projects.wait_for_models(timeout=30)
        yield sogni


def follow(project: Project, out: str | Path, timeout: float) -> list[Path]:
    """Print the project's progress until it ends, then download every result to ``out``."""
    print(f"project {project.id} ({project.model_id}) sent")
    shown = -1
    for event in project.events(timeout=timeout):
        if event.type == "queued":
            print(f"  queued (position {event.data.get('queue_position')})")
        elif event.type == "job_started":
            print(f"  started on {event.data.get('worker_name')}")
        elif event.type in ("progress", "eta") and project.progress != shown:
            shown = project.progress
            eta = project.eta
            left = f", about {max(0.0, eta - _now()):.0f} s left" if eta else ""
            print(f"  {shown:3d}%{left}")
        elif event.type == "preview":
            print(f"  preview: {event.data.get('url')}")
        elif event.type == "job_completed":
            print(f"  result: {event.data.get('result_url')}")
    project.wait_for_completion(timeout=0)
    files = project.download_all(out)
    for path in files:
        print(f"wrote {path}")
    return files


def video_parser(
    description: str, *, prompt: str, models: tuple[str, ...]
) -> argparse.ArgumentParser:
    """An example parser with the options of every video workflow."""
    cli = parser(description, prompt=prompt)
    cli.add_argument("--model", choices=models, default=models[0])
    cli.add_argument("--duration", type=float, default=2, help="seconds of video")
    cli.add_argument("--fps", type=float, help="frames per second (model's usual rate if omitted)")
    cli.add_argument("--width", type=int, help="width in pixels (with --height; at least 480)")
    cli.add_argument("--height", type=int, help="height in pixels (with --width)")
    cli.add_argument("--steps", type=int, help="inference steps (model default if omitted)")
    cli.add_argument("--negative", help="what to avoid (not for Seedance)")
    cli.add_argument("--count", type=int, default=1, help="videos to generate")
    return cli


def make_video(sogni: SogniClient, args: argparse.Namespace, **params: Any) -> list[Path]:
    """Estimate (with --estimate), create and follow a video project; returns the files."""
    if args.estimate:
        cost = sogni.projects.estimate_video_cost(
            args.model,
            duration=args.duration,
            fps=args.fps,
            width=args.width,
            height=args.height,
            steps=args.steps,
            number_of_media=args.count,
            reference_video=params.get("reference_video"),
            reference_video_urls=params.get("reference_video_urls"),
            token_type=args.token_type,
        )
        print(f"estimated cost: {cost.token} {args.token_type} (${cost.usd})")
    project = sogni.projects.create(
        type="video",
        model_id=args.model,
        positive_prompt=args.prompt,
        negative_prompt=args.negative,
        duration=args.duration,
        fps=args.fps,
        width=args.width,
        height=args.height,
        steps=args.steps,
        seed=args.seed,
        number_of_media=args.count,
        token_type=args.token_type,
        **params,
    )
    return follow(project, args.out, args.timeout)


def asset(path: str | None, default: str) -> Path:
    """The asset the user named, or a bundled placeholder."""
    return Path(path) if path else ASSETS / default


def main(run: Any) -> None:
    """Run an example's ``run()``; a Sogni error ends the script with its message."""
    try:
        run()
    except SogniError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def _now() -> float:
    import time

    return time.time()
