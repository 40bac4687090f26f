"""Stream an LLM's answer token by token, then print what the whole answer cost.

python examples/chat_streaming.py "Write a haiku about the sea"
python examples/chat_streaming.py "Plan a 3-day trip to Kyoto" --think --max-tokens 800
"""

from __future__ import annotations

import sys

from _chat_common import chat_parser, pick_model
from _common import client, main


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="Write a haiku about the sea at night")
    args = cli.parse_args()
    with client() as sogni:
        model = pick_model(sogni, args.model)
        stream = sogni.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": args.prompt}],
            max_tokens=args.max_tokens,
            think=args.think,
            token_type=args.token_type,
            stream=True,
            timeout=120,  # longest silence between two chunks
        )
        chunks = 0
        for chunk in stream:
            sys.stdout.write(chunk.content)
            sys.stdout.flush()
            chunks += 1
        completion = stream.completion
        assert completion is not None
        print(
            f"\n\n{chunks} chunks, finish reason {completion.finish_reason!r}, "
            f"{completion.usage.completion_tokens} tokens from {completion.worker_name}"
        )
        if completion.cost is not None:
            print(f"cost: {completion.cost.cost_in_token} {args.token_type}")


if __name__ == "__main__":
    main(run)
