"""Let the model call your own Python functions ("tools"), by hand or automatically.

python examples/chat_tool_calling.py                  # run the tool loop yourself
python examples/chat_tool_calling.py --auto           # let the SDK run it
python examples/chat_tool_calling.py --stream         # watch tool-call fragments arrive
"""

from __future__ import annotations

import json
from typing import Any

from _chat_common import chat_parser, pick_model
from _common import client, main

from sogni import ToolCall, is_sogni_tool_call, parse_tool_call_arguments

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city.",
            "parameters": {
                "type": "object",
                "required": ["city"],
                "properties": {
                    "city": {"type": "string", "description": "City name"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
            },
        },
    }
]


def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    """A stand-in for a real weather service."""
    return {
        "city": city,
        "temperature": 18 if unit == "celsius" else 64,
        "unit": unit,
        "sky": "partly cloudy",
    }


def run_tool(call: ToolCall) -> dict[str, Any]:
    """Dispatch a tool call to the matching Python function."""
    args = parse_tool_call_arguments(call)
    if call.name == "get_weather":
        return get_weather(**args)
    raise ValueError(f"unknown tool {call.name}")


def run() -> None:
    cli = chat_parser(
        __doc__.splitlines()[0],
        prompt="Use get_weather to check the weather in Paris, then suggest what to wear.",
    )
    cli.add_argument("--auto", action="store_true", help="let the SDK run the tool loop")
    cli.add_argument("--stream", action="store_true", help="stream the first answer")
    args = cli.parse_args()
    messages: list[Any] = [{"role": "user", "content": args.prompt}]
    with client() as sogni:
        model = pick_model(sogni, args.model)
        if args.auto:
            answer = sogni.chat.completions.create(
                model=model,
                messages=messages,
                tools=TOOLS,
                auto_execute_tools=True,
                on_tool_call=run_tool,
                token_type=args.token_type,
            )
            for round_ in answer.tool_history:
                for call, result in zip(round_.tool_calls, round_.tool_results, strict=True):
                    print(
                        f"round {round_.round}: {call.name}({call.arguments}) -> {result.content}"
                    )
            print(f"assistant> {answer.content}")
            return

        if args.stream:
            stream = sogni.chat.completions.create(
                model=model,
                messages=messages,
                tools=TOOLS,
                stream=True,
                token_type=args.token_type,
            )
            for chunk in stream:
                for delta in chunk.tool_calls or ():
                    fragment = delta.function.arguments if delta.function else None
                    print(f"  tool-call fragment #{delta.index}: {fragment!r}")
            first = stream.wait_for_completion()
        else:
            first = sogni.chat.completions.create(
                model=model, messages=messages, tools=TOOLS, token_type=args.token_type
            )
        if not first.tool_calls:
            print(f"assistant> {first.content}  (no tool was called)")
            return
        messages.append(first)  # the assistant turn with its tool calls
        for call in first.tool_calls:
            assert not is_sogni_tool_call(call)
            output = run_tool(call)
            print(f"tool {call.name}({call.arguments}) -> {output}")
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": call.id,
                    "name": call.name,
                    "content": json.dumps(output),
                }
            )
        final = sogni.chat.completions.create(
            model=model, messages=messages, tools=TOOLS, token_type=args.token_type
        )
        print(f"assistant> {final.content}")


if __name__ == "__main__":
    main(run)
