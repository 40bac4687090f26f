"""Ask an LLM one question and print the whole answer, its token usage and its cost.

python examples/chat_text.py "What is the capital of Norway?"
python examples/chat_text.py "Explain recursion" --think --max-tokens 400 --estimate
"""

from __future__ import annotations

from _chat_common import chat_parser, pick_model
from _common import client, main


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="In one sentence: why is the sky blue?")
    args = cli.parse_args()
    with client() as sogni:
        model = pick_model(sogni, args.model)
        messages = [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": args.prompt},
        ]
        if args.estimate:
            quote = sogni.chat.estimate_cost(
                model=model,
                messages=messages,
                max_tokens=args.max_tokens,
                think=args.think,
                token_type=args.token_type,
            )
            print(
                f"estimated cost: at most {quote.cost_in_token:.6f} {args.token_type} "
                f"({quote.input_tokens} tokens in, up to {quote.output_tokens} out)"
            )
        answer = sogni.chat.completions.create(
            model=model,
            messages=messages,
            max_tokens=args.max_tokens,
            think=args.think,
            token_type=args.token_type,
        )
        print(f"\n{answer.content}\n")
        usage = answer.usage
        print(
            f"{usage.prompt_tokens} tokens in, {usage.completion_tokens} out, "
            f"served by {answer.worker_name} in {answer.time_taken:.2f} s"
        )
        if answer.cost is not None:
            cost = answer.cost
            print(f"cost: {cost.cost_in_token} {args.token_type} (${cost.cost_in_usd})")


if __name__ == "__main__":
    main(run)
