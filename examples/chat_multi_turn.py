"""A conversation: every turn sends the history so far, which is just a list of messages.

python examples/chat_multi_turn.py                 # a scripted three-turn conversation
python examples/chat_multi_turn.py --interactive   # type your own turns (empty line ends)
"""

from __future__ import annotations

from typing import Any

from _chat_common import chat_parser, pick_model
from _common import client, main

SCRIPT = (
    "My name is Ada and I like sailing.",
    "Suggest a weekend activity for me.",
    "What was my name again?",
)


def turns(interactive: bool) -> Any:
    if not interactive:
        yield from SCRIPT
        return
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            return
        if not text:
            return
        yield text


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="")
    cli.add_argument("--interactive", action="store_true", help="type the user turns yourself")
    args = cli.parse_args()
    with client() as sogni:
        model = pick_model(sogni, args.model)
        history: list[Any] = [{"role": "system", "content": "You are a friendly assistant."}]
        for text in turns(args.interactive):
            if not args.interactive:
                print(f"you> {text}")
            history.append({"role": "user", "content": text})
            answer = sogni.chat.completions.create(
                model=model, messages=history, think=args.think, token_type=args.token_type
            )
            print(f"assistant> {answer.content}")
            history.append(answer)  # a completion is a valid assistant message
        print(f"({len(history)} messages in the conversation)")


if __name__ == "__main__":
    main(run)
