"""Fuzzed chat messages, tools and parameters through a real SogniClient.

Whatever is wrong with a chat request, the refusal is a ``SogniError`` and no
``llmJobRequest`` reaches the network; values that can never be sent as JSON are always
refused with a ``ValidationError`` naming where they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_inputs import HELLO, LLM, clean_text, fuzz, junk, poison, poisoned_messages, sends
from hypothesis import event, given
from hypothesis import strategies as st

from sogni import SogniClient, SogniError, ValidationError
from sogni.testing import LocalSupernet


def _refused(client: SogniClient, net: LocalSupernet, **request: Any) -> SogniError:
    before = sends(net)
    with pytest.raises(SogniError) as caught:
        client.chat.completions.create(model=LLM, timeout=30, **request)
    assert sends(net) == before, f"{caught.value!r} was raised after something was sent"
    return caught.value


@fuzz(200)
@given(poisoned_messages())
def test_unsendable_values_in_messages_are_refused_naming_the_message(
    client: SogniClient, net: LocalSupernet, case: tuple[list[Any], str]
) -> None:
    messages, where = case
    error = _refused(client, net, messages=messages)
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.startswith(where)


def _tool(parameters: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "lookup", "parameters": parameters}}


@st.composite
def poisoned_tools(draw: st.DrawFn) -> tuple[list[Any], str]:
    """Tool definitions with one unsendable value in a JSON schema, and its tool's path."""
    tools = [_tool({"type": "object", "properties": {}}) for _ in range(draw(st.integers(1, 3)))]
    index = draw(st.integers(0, len(tools) - 1))
    bad = draw(poison)
    tools[index]["function"]["parameters"]["properties"] = {"x": {"type": "number", "default": bad}}
    return tools, f"tools[{index}]"


@fuzz(200)
@given(poisoned_tools())
def test_unsendable_values_in_tool_schemas_are_refused_naming_the_tool(
    client: SogniClient, net: LocalSupernet, case: tuple[list[Any], str]
) -> None:
    tools, where = case
    error = _refused(client, net, messages=[HELLO], tools=tools)
    assert isinstance(error, ValidationError), repr(error)
    assert error.field is not None and error.field.startswith(where)


CHAT_PARAMS = [
    "max_tokens",
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "repetition_penalty",
    "frequency_penalty",
    "presence_penalty",
    "stop",
    "token_type",
    "tools",
    "tool_choice",
    "think",
    "response_format",
    "sogni_tools",
    "sogni_tool_execution",
    "task_profile",
    "app_source",
    "messages",
]


@st.composite
def mangled_chat(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(CHAT_PARAMS), min_size=1, max_size=3, unique=True))
    request: dict[str, Any] = {"messages": [HELLO]}
    for name in names:
        value = draw(junk)
        if value is not None:
            request[name] = value
    return request


@fuzz(250)
@given(mangled_chat())
def test_wrong_chat_parameters_are_refused_before_sending_or_answered(
    client: SogniClient, net: LocalSupernet, request: dict[str, Any]
) -> None:
    before = sends(net)
    try:
        answer = client.chat.completions.create(model=LLM, timeout=30, **request)
    except SogniError as error:
        event(f"refused: {type(error).__name__}")
        assert isinstance(error, ValidationError), repr(error)
        assert sends(net) == before
        return
    event("accepted")
    assert isinstance(answer.content, str)


messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system"]), "content": clean_text}
    ),
    min_size=1,
    max_size=3,
)


@fuzz(25)
@given(messages)
def test_valid_messages_are_sent_intact(
    client: SogniClient, net: LocalSupernet, messages: list[dict[str, Any]]
) -> None:
    before = len(net.received("llmJobRequest"))
    client.chat.completions.create(model=LLM, messages=messages, timeout=30)
    sent = net.received("llmJobRequest")[before]
    assert sent["messages"] == messages
