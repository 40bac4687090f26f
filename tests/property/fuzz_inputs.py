"""Hypothesis strategies for inputs the SDK must refuse, or accept, before sending.

``poison`` values can never be sent as JSON (NaN, Infinity, lone surrogates, non-string
keys, objects JSON cannot hold, numbers no double holds, runaway nesting), so wherever one
appears in a request the SDK must refuse it with a ``ValidationError``. ``junk`` mixes
them with ordinary values of the wrong shape, which a field may or may not accept.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sogni import AudioProjectParams, ImageProjectParams, VideoProjectParams
from sogni.testing import LocalSupernet

MODELS = {
    "image": "flux1-schnell-fp8",
    "video": "wan_v2.2-14b-fp8_t2v_lightx2v",
    "audio": "ace_step_1.5_turbo",
}
PARAMS_CLASSES = {
    "image": ImageProjectParams,
    "video": VideoProjectParams,
    "audio": AudioProjectParams,
}
LLM = "qwen3.6-35b-a3b-gguf-iq4xs"
HELLO = {"role": "user", "content": "hello"}

kinds = st.sampled_from(list(MODELS))

#: Text without lone surrogates (what UTF-8 can carry).
clean_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


@st.composite
def text_with_surrogate(draw: st.DrawFn) -> str:
    """Ordinary text with a lone surrogate somewhere in it."""
    text = draw(clean_text)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(surrogate) + text[at:]


@st.composite
def text_with_nul(draw: st.DrawFn) -> str:
    """A plausible file name with a NUL character somewhere in it."""
    name = draw(st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), max_size=12))
    at = draw(st.integers(0, len(name)))
    return f"{name[:at]}\x00{name[at:]}.png"


def _deep(leaf: Any, depth: int) -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


_atoms = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]),
    text_with_surrogate(),
    st.integers(min_value=2**1030, max_value=2**1100) | st.integers(-(2**1100), -(2**1030)),
    st.builds(object),
    st.sets(st.integers(), max_size=2),
    st.complex_numbers(max_magnitude=10, allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dictionaries(
        st.integers() | st.none() | st.booleans(), st.integers(), min_size=1, max_size=2
    ),
    st.dictionaries(text_with_surrogate(), st.integers(), min_size=1, max_size=1),
    st.builds(_deep, st.just(1), st.integers(65, 90)),
)


def _wrapped(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(clean_text, inner, min_size=1, max_size=2),
        st.tuples(st.integers(0, 5), inner),
    )


#: Values that can never be sent, possibly buried inside lists and dicts.
poison = st.recursive(_atoms, _wrapped, max_leaves=4)

_plain = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    clean_text,
    st.binary(max_size=8),
)
#: Values of arbitrary shape: plain, nested, or poisoned.
junk = st.one_of(
    _plain,
    st.recursive(_plain, _wrapped, max_leaves=6),
    poison,
)


@st.composite
def poisoned_params(draw: st.DrawFn) -> tuple[str, dict[str, Any], str]:
    """Project parameters with one unsendable value: ``(type, parameters, its name)``."""
    kind = draw(kinds)
    field = draw(st.sampled_from(["type", "model_id", *field_names(kind)]))
    params: dict[str, Any] = {"type": kind, "model_id": MODELS[kind], "positive_prompt": "x"}
    params[field] = draw(poison)
    return kind, params, field


@st.composite
def poisoned_messages(draw: st.DrawFn) -> tuple[list[Any], str]:
    """A conversation with one unsendable value in it, and the path prefix naming it."""
    messages: list[Any] = [dict(HELLO) for _ in range(draw(st.integers(1, 3)))]
    index = draw(st.integers(0, len(messages) - 1))
    where = f"messages[{index}]"
    place = draw(st.sampled_from(["content", "part", "extra", "key"]))
    if place == "content":
        messages[index]["content"] = draw(text_with_surrogate())
    elif place == "part":
        text = draw(text_with_surrogate())
        messages[index]["content"] = ["fine", {"type": "text", "text": text}]
    elif place == "extra":
        messages[index]["metadata"] = draw(poison)
    else:
        messages[index][draw(st.integers() | st.none() | st.booleans())] = "value"
    return messages, where


def field_names(kind: str) -> list[str]:
    """The keyword parameters of a project type (without ``type``)."""
    return [f.name for f in attrs.fields(PARAMS_CLASSES[kind]) if f.name != "type"]


def fields_checked_as(kind: str, json_type: str) -> list[str]:
    """The parameters of a project type whose schema type is ``json_type`` (no enums)."""
    return [
        f.name
        for f in attrs.fields(PARAMS_CLASSES[kind])
        if f.metadata.get("check", {}).get("type") == json_type
        and "enum" not in f.metadata["check"]
    ]


def asset_fields(kind: str) -> list[str]:
    """The asset parameters of a project type (each a single asset)."""
    return [
        f.name
        for f in attrs.fields(PARAMS_CLASSES[kind])
        if f.metadata.get("check", {}).get("asset") and f.metadata["check"].get("type") != "array"
    ]


def sends(net: LocalSupernet) -> tuple[int, int, int, int]:
    """What the server has received that costs tokens or stores data: job requests, chat
    requests, uploads, and HTTP requests other than reads (plus upload-URL requests)."""
    writes = [r for r in net.requests() if r.method != "GET" or "uploadUrl" in r.path]
    return (
        len(net.received("jobRequest")),
        len(net.received("llmJobRequest")),
        len(net.uploads()),
        len(writes),
    )


def fuzz(max_examples: int) -> settings:
    """Reproducible settings: the same examples every run, no example database, no
    per-example deadline (a project round trip varies with the machine)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
