"""``sogni models``: the media models and LLMs the network serves right now."""

from __future__ import annotations

import argparse
from typing import Any

from sogni.cli._output import add_json_option, info, print_json, warn
from sogni.cli._session import Session
from sogni.errors import SogniTimeoutError

__all__ = ["KINDS", "register"]

KINDS = ("image", "video", "audio", "llm")
MODELS_TIMEOUT = 30.0
LLM_TIMEOUT = 10.0


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``models`` to the command parser."""
    models = commands.add_parser(
        "models",
        parents=parents,
        help="list the models available right now",
        description="List the media models and LLMs workers serve right now, with how many "
        "workers serve each (stderr says which network is listed).",
    )
    models.add_argument(
        "--kind",
        choices=KINDS,
        action="append",
        help="only models of this kind (repeatable; default: all)",
    )
    add_json_option(models)
    models.set_defaults(handler=run)


def run(args: argparse.Namespace, session: Session) -> int:
    """Print one model a line: id, kind, workers and name (or ``--json``)."""
    kinds = set(args.kind or KINDS)
    client = session.client()
    rows: list[dict[str, Any]] = []
    if kinds - {"llm"}:
        for model in client.projects.wait_for_models(timeout=MODELS_TIMEOUT):
            if model.media in kinds:
                rows.append(
                    {
                        "id": model.id,
                        "kind": model.media,
                        "workers": model.worker_count,
                        "name": model.name,
                    }
                )
    if "llm" in kinds:
        try:
            llms = client.chat.wait_for_models(timeout=LLM_TIMEOUT)
        except SogniTimeoutError:
            warn(f"the network announced no LLMs within {LLM_TIMEOUT:g} s")
            llms = {}
        for model_id, llm in llms.items():
            rows.append({"id": model_id, "kind": "llm", "workers": llm.workers, "name": model_id})
    rows.sort(key=lambda row: (KINDS.index(row["kind"]), row["id"]))
    info(f"{len(rows)} models on the {session.network} network of {session.where()}")
    if args.json:
        print_json({"network": session.network, "endpoint": session.rest_endpoint, "models": rows})
        return 0
    for row in rows:
        print(f"{row['id']:48} {row['kind']:6} {row['workers']:>4}  {row['name']}")
    return 0
