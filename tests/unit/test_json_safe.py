"""The sans-I/O check that a payload is strict JSON, and the frame encoder's last defence."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from sogni import ValidationError
from sogni.core.framing import encode_frame
from sogni.core.json_safe import MAX_DEPTH, check_json_safe


def _refusal(value: Any, field: str = "") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_json_safe(value, field)
    return caught.value


def test_strict_json_passes_unchanged() -> None:
    payload = {"a": [1, 2.5, "é😀", None, True, (3, 4)], "b": {"c": -(2**60)}}
    check_json_safe(payload, "")
    assert json.loads(json.dumps(payload, allow_nan=False)) is not None


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused_naming_their_path(number: float) -> None:
    tools = [{"function": {"parameters": {"properties": {"x": {"default": number}}}}}]
    error = _refusal(tools, "tools")
    assert error.field == "tools[0].function.parameters.properties.x.default"
    assert "finite" in error.message


def test_lone_surrogates_are_refused_with_their_position() -> None:
    error = _refusal({"keyFrames": [{"positivePrompt": "ok\ud800"}]})
    assert error.field == "keyFrames[0].positivePrompt"
    assert "position 2" in error.message and error.allowed


def test_paired_surrogates_written_as_one_character_are_fine() -> None:
    check_json_safe("\U0001f600", "text")


@pytest.mark.parametrize("key", [1, None, True, ("a",), "\udfff"])
def test_keys_must_be_encodable_strings(key: Any) -> None:
    error = _refusal({"messages": [{key: "value"}]})
    assert error.field == "messages[0]"


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", 1j, range(3)])
def test_other_types_are_refused_saying_what_is_allowed(value: Any) -> None:
    error = _refusal({"x y": value}, "body")
    assert error.field == "body['x y']"
    assert "dict" in str(error.allowed)


def test_integers_beyond_a_double_are_refused_but_big_ones_are_fine() -> None:
    check_json_safe(2**1000, "seed")
    assert _refusal(10**400, "seed").field == "seed"


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    nested: Any = 0
    for _ in range(MAX_DEPTH):
        nested = [nested]
    check_json_safe(nested, "deep")
    assert "nested" in _refusal([nested], "deep").message


def test_a_self_referencing_list_is_refused_not_recursed_forever() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert "nested" in _refusal(loop, "loop").message


def test_the_frame_encoder_refuses_nan_naming_the_path() -> None:
    with pytest.raises(ValidationError) as caught:
        encode_frame("jobRequest", {"keyFrames": [{"guidanceScale": math.nan}]})
    assert caught.value.field == "jobRequest.keyFrames[0].guidanceScale"


def test_the_frame_encoder_refuses_what_json_cannot_encode_at_all() -> None:
    with pytest.raises(ValidationError):
        encode_frame("llmJobRequest", {"messages": [{"content": "\ud800"}]})
    with pytest.raises(ValidationError):
        encode_frame("llmJobRequest", {"x": object()})
