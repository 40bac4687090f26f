"""``sogni chat``: ask an LLM, streaming the answer as it is written.

With a prompt it answers once. Without one it reads the prompt from stdin when stdin is a
pipe or a file, and holds a conversation (a multi-turn REPL) when stdin is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sogni.cli._output import add_json_option, info, print_json
from sogni.cli._session import Session
from sogni.errors import ValidationError

if TYPE_CHECKING:
    from sogni import ChatCompletion, SogniClient

__all__ = ["choose_model", "register"]

QUIT_WORDS = ("/exit", "/quit")


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``chat`` to the command parser."""
    chat = commands.add_parser(
        "chat",
        parents=parents,
        help="chat with an LLM (streaming; a REPL on a terminal)",
        description="Ask an LLM. Without a prompt, the prompt is read from stdin, or a "
        "conversation starts when stdin is a terminal (Ctrl-D or /exit to leave).",
    )
    chat.add_argument("prompt", nargs="?", help="what to ask")
    chat.add_argument("-m", "--model", help="LLM id (default: the one most workers serve)")
    chat.add_argument(
        "--image",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="an image to ask about (vision; repeatable)",
    )
    chat.add_argument("--system", metavar="TEXT", help="a system prompt")
    chat.add_argument("--max-tokens", type=int, help="most tokens to generate")
    chat.add_argument("--temperature", type=float, help="sampling temperature")
    chat.add_argument(
        "--think", action=argparse.BooleanOptionalAction, help="turn the model's thinking on/off"
    )
    chat.add_argument(
        "--no-stream",
        dest="stream",
        action="store_false",
        help="print the answer when it is complete instead of as it is written",
    )
    chat.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="longest wait for the answer (default: %(default)g)",
    )
    add_json_option(chat)
    chat.set_defaults(handler=run)


def choose_model(client: SogniClient) -> str:
    """The LLM most workers serve right now."""
    models = client.chat.wait_for_models(timeout=30)
    if not models:
        raise ValidationError("the network offers no LLM right now", field="model")
    return max(models.items(), key=lambda item: (item[1].workers, item[0]))[0]


def run(args: argparse.Namespace, session: Session) -> int:
    """Answer one prompt, or hold a conversation on a terminal."""
    prompt = args.prompt
    conversation = prompt is None and sys.stdin.isatty()
    if prompt is None and not conversation:
        prompt = sys.stdin.read().strip()
        if not prompt:
            raise ValidationError("no prompt: give one as an argument or on stdin", field="prompt")
    client = session.client()
    model = args.model or choose_model(client)
    history: list[Any] = [{"role": "system", "content": args.system}] if args.system else []
    if not conversation:
        history.append(_user_message(prompt, args.image))
        _answer(client, model, history, args)
        return 0
    info(f"Chatting with {model} on {session.where()}. Ctrl-D or /exit to leave.")
    images: Sequence[Path] = args.image
    while True:
        line = _read_line()
        if line is None or line.strip() in QUIT_WORDS:
            return 0
        if not line.strip():
            continue
        history.append(_user_message(line, images))
        images = ()  # the images go with the first question only
        history.append(_answer(client, model, history, args).to_message())


def _user_message(text: str, images: Sequence[Path]) -> dict[str, Any]:
    content: Any = [text, *images] if images else text
    return {"role": "user", "content": content}


def _read_line() -> str | None:
    try:
        if sys.stdout.isatty():
            return input("> ")
        print("> ", end="", file=sys.stderr, flush=True)  # keep the prompt out of the output
        return input()
    except EOFError:
        print(file=sys.stderr)
        return None


def _answer(
    client: SogniClient, model: str, history: list[Any], args: argparse.Namespace
) -> ChatCompletion:
    create = client.chat.completions.create
    if args.stream and not args.json:
        stream = create(
            model=model,
            messages=history,
            max_tokens=args.max_tokens,
            temperature=args.temperature,
            think=args.think,
            timeout=args.timeout,
            stream=True,
        )
        for chunk in stream:
            if chunk.content:
                sys.stdout.write(chunk.content)
                sys.stdout.flush()
        completion = stream.wait_for_completion()
        if not completion.content.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return completion
    answer = create(
        model=model,
        messages=history,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        think=args.think,
        timeout=args.timeout,
    )
    if args.json:
        print_json(answer, lines=True)
    else:
        print(answer.content)
    return answer
