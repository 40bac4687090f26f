"""What the media commands share: their common options, and rendering a project to files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sogni.cli._output import add_json_option, info, print_json
from sogni.cli._progress import follow
from sogni.cli._session import Session
from sogni.core._generated.vocabulary import TOKEN_TYPES

__all__ = ["add_common_options", "render"]

DEFAULT_TIMEOUT = 600.0


def add_common_options(parser: argparse.ArgumentParser, *, count_help: str) -> None:
    """The options every media command has: prompt, model, count, seed, output and waiting."""
    parser.add_argument("prompt", help="what to generate")
    parser.add_argument("-m", "--model", help="model id (see `sogni models`)")
    parser.add_argument("-n", "--count", type=int, help=count_help)
    parser.add_argument("--seed", type=int, help="seed for reproducible results")
    parser.add_argument("--steps", type=int, help="inference steps (the model's default)")
    parser.add_argument("--negative", metavar="TEXT", help="what to avoid")
    parser.add_argument(
        "-o",
        "--out",
        default=".",
        metavar="DIR",
        help="folder for the results, created if needed (default: the current one)",
    )
    parser.add_argument(
        "--token-type", choices=TOKEN_TYPES, help="which token pays (the account's default)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="longest wait for the next progress event (default: %(default)g)",
    )
    add_json_option(parser)


def render(session: Session, args: argparse.Namespace, **params: Any) -> int:
    """Create a project from ``params`` and the common options, show its progress, download
    every result into ``args.out`` and print the files (one path a line, or ``--json``)."""
    client = session.client()
    common = {
        "positive_prompt": args.prompt,
        "number_of_media": args.count,
        "seed": args.seed,
        "steps": args.steps,
        "negative_prompt": args.negative,
        "token_type": args.token_type,
    }
    for key, value in common.items():
        params.setdefault(key, value)
    project = client.projects.create(**{k: v for k, v in params.items() if v is not None})
    info(f"project {project.id} ({project.model_id}) sent to {session.where()}")
    follow(project, timeout=args.timeout)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for job in project.jobs:
        if not job.result_url:
            info(f"job {job.job_index} has no result (the safety filter hid it)")
            continue
        path = job.download(out)
        results.append({"path": path, "job_id": job.id, "seed": job.seed, "url": job.result_url})
    if args.json:
        print_json(
            {
                "project_id": project.id,
                "model_id": project.model_id,
                "type": project.type,
                "network": session.network,
                "files": results,
            }
        )
    else:
        for result in results:
            print(result["path"])
    return 0
