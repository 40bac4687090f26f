"""Hosted creative tools: the network itself runs the Sogni tools the model calls and returns
the finished media with the answer (one REST call, no socket work on your side).

    python examples/chat_hosted_tools.py "Make a picture of a castle at sunset"
"""

from __future__ import annotations

from pathlib import Path

import httpx
from _chat_common import chat_parser, pick_model
from _common import client, main


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="Make a picture of a castle at sunset")
    cli.add_argument(
        "--mode",
        choices=("creative-tools", "creative-agent"),
        default="creative-tools",
        help="which hosted tool set the network offers",
    )
    args = cli.parse_args()
    with client() as sogni:
        model = pick_model(sogni, args.model)
        answer = sogni.chat.hosted.create(
            model=model,
            messages=[{"role": "user", "content": args.prompt}],
            sogni_tools=args.mode,
            token_type=args.token_type,
            think=args.think,
        )
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for result in answer.sogni_tool_results:
            print(f"{result.get('tool_name')}: success={result.get('success')}")
            for index, url in enumerate(result.get("urls") or (), 1):
                name = f"hosted-{index}{Path(str(url).split('?')[0]).suffix}"
                (out / name).write_bytes(httpx.get(str(url), timeout=120).content)
                print(f"wrote {out / name}")
        for workflow in answer.creative_workflows:
            print(f"workflow {workflow.workflow_id}: {workflow.status} ({workflow.url})")
        print(f"assistant> {answer.content or answer.tool_calls}")
        if answer.usage is not None:
            print(f"{answer.usage.total_tokens} tokens")


if __name__ == "__main__":
    main(run)
