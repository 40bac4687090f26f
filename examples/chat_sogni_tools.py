"""Give the model the Sogni platform tools: it asks for an image (or video, or music), the
SDK renders it on the network and hands the result back to the model.

    python examples/chat_sogni_tools.py "Draw an image of a red fox in the snow"
    python examples/chat_sogni_tools.py "Compose a short song about rain" --out music/
"""

from __future__ import annotations

from pathlib import Path

import httpx
from _chat_common import chat_parser, pick_model
from _common import client, main

from sogni import SogniTools, ToolCall, ToolProgress


def show_progress(call: ToolCall, progress: ToolProgress) -> None:
    print(f"  {call.name}: {progress.status} {progress.percent}%")


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="Draw an image of a red fox in the snow")
    args = cli.parse_args()
    with client() as sogni:
        model = pick_model(sogni, args.model)
        print(f"offering {len(SogniTools)} tools: {', '.join(SogniTools.names)}")
        answer = sogni.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": args.prompt}],
            tools=sogni.chat.tools.definitions(),  # model lists match what is online now
            auto_execute_tools=True,
            on_tool_progress=show_progress,
            token_type=args.token_type,
        )
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for round_ in answer.tool_history:
            for result in round_.tool_results:
                if not result.success:
                    print(f"{result.tool_name} failed: {result.error}")
                for index, url in enumerate(result.result_urls, 1):
                    name = f"{result.tool_name}-{index}{Path(url.split('?')[0]).suffix}"
                    (out / name).write_bytes(httpx.get(url, timeout=120).content)
                    print(f"wrote {out / name}")
        print(f"assistant> {answer.content}")


if __name__ == "__main__":
    main(run)
