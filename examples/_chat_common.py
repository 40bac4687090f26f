"""What the chat examples share besides ``_common``: options and choosing an LLM."""

from __future__ import annotations

import argparse

from sogni import SogniClient


def chat_parser(description: str, *, prompt: str) -> argparse.ArgumentParser:
    """An argument parser with the options every chat example has."""
    cli = argparse.ArgumentParser(description=description)
    cli.add_argument("prompt", nargs="?", default=prompt, help="what to ask")
    cli.add_argument("--model", help="LLM model id (default: the first one the network offers)")
    cli.add_argument("--think", action="store_true", help="let the model think first")
    cli.add_argument("--max-tokens", type=int, help="most tokens to generate")
    cli.add_argument(
        "--token-type", choices=("sogni", "spark"), default="spark", help="token that pays"
    )
    cli.add_argument("--estimate", action="store_true", help="print the cost estimate first")
    cli.add_argument("--out", default=".", help="directory for media results (default: here)")
    return cli


def pick_model(sogni: SogniClient, wanted: str | None) -> str:
    """The LLM to use: ``wanted``, or the available model with the most workers."""
    models = sogni.chat.wait_for_models(timeout=30)
    if wanted:
        if wanted not in models:
            raise SystemExit(f"{wanted} is not available; try one of: {', '.join(models)}")
        return wanted
    model = max(models, key=lambda model_id: models[model_id].workers)
    print(f"using {model}")
    return model
