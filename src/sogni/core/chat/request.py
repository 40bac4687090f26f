"""Building chat requests: the ``llmJobRequest`` socket message and the hosted REST body.

Parameters come in as a mapping with the SDK's snake_case names (``model``, ``messages``,
``max_tokens``, ..., ``token_type``, ``task_profile``, ``app_source``) and are checked
before anything is sent. Output dicts follow the network's key order and leave out every
parameter that was not given (``None`` counts as not given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sogni.core._generated.vocabulary import HOSTED_TOKEN_TYPES, TOKEN_TYPES
from sogni.core.errors import ValidationError
from sogni.core.extra_body import merge_extra_body
from sogni.core.js import (
    is_finite_number,
    is_integral,
    is_number,
    js_trim,
    plain_number,
    to_json_value,
)
from sogni.core.json_safe import check_json_safe

from .messages import normalize_messages
from .model_info import LLMModelInfo
from .vision import FileReader

__all__ = [
    "CHAT_PARAMS",
    "HOSTED_CHAT_PARAMS",
    "CLIENT_ONLY_PARAMS",
    "TOKEN_TYPES",
    "TASK_PROFILES",
    "SOGNI_TOOLS_MODES",
    "TOOL_CHOICES",
    "build_llm_job_request",
    "build_hosted_chat_body",
    "read_tools",
    "normalize_sogni_tools_mode",
    "chat_template_kwargs",
    "unwrap_hosted_chat_response",
]

#: Sampling parameters, in the order the network expects them.
_SAMPLING = ("max_tokens", "temperature", "top_p", "top_k", "min_p")
_PENALTIES = ("repetition_penalty", "frequency_penalty", "presence_penalty")
_INTEGER_PARAMS = frozenset({"max_tokens", "top_k"})

#: Parameters accepted by :func:`build_llm_job_request`.
CHAT_PARAMS = frozenset(
    {
        "model",
        "messages",
        "app_source",
        *_SAMPLING,
        *_PENALTIES,
        "stream",
        "stop",
        "token_type",
        "tools",
        "tool_choice",
        "sogni_tools",
        "sogni_tool_execution",
        "think",
        "task_profile",
        "response_format",
        "extra_body",
    }
)
#: Parameters accepted by :func:`build_hosted_chat_body`.
HOSTED_CHAT_PARAMS = CHAT_PARAMS | {
    "chat_template_kwargs",
    "media_references",
    "api_media_references",
}
#: Options the chat client consumes itself; the builders ignore them.
CLIENT_ONLY_PARAMS = frozenset(
    {"auto_execute_tools", "on_tool_call", "on_tool_progress", "max_tool_rounds", "timeout"}
)

# The keys of an ``llmJobRequest`` the SDK sets, with the keyword that sets each ("": the
# SDK itself); ``extra_body`` may not repeat them.
_SOCKET_KEYWORDS = {
    "jobID": "",
    "type": "",
    "model": "model",
    "messages": "messages",
    "appSource": "app_source",
    **{key: key for key in (*_SAMPLING, *_PENALTIES)},
    "stream": "stream",
    "stop": "stop",
    "tokenType": "token_type",
    "tools": "tools",
    "tool_choice": "tool_choice",
    "sogni_tools": "sogni_tools",
    "sogni_tool_execution": "sogni_tool_execution",
    "taskProfile": "task_profile",
    "chat_template_kwargs": "think",
    "response_format": "response_format",
}
# The same for the hosted body, whose keys are the keywords' own names.
_HOSTED_KEYWORDS = {key: key for key in HOSTED_CHAT_PARAMS if key not in ("think", "extra_body")}

TASK_PROFILES = ("general", "coding", "reasoning")
SOGNI_TOOLS_MODES = (True, False, "creative-tools", "creative-agent", "rich")
TOOL_CHOICES = ("auto", "none", "required")
RESPONSE_FORMAT_TYPES = ("text", "json_object", "json_schema")


def build_llm_job_request(
    params: Mapping[str, Any],
    *,
    job_id: str,
    client_app_source: str | None,
    model_info: LLMModelInfo | None = None,
    read_file: FileReader | None = None,
    resize_images: bool = True,
) -> dict[str, Any]:
    """Build the ``llmJobRequest`` payload for a chat completion.

    ``job_id`` is the new upper-case UUID for the job. ``client_app_source`` is used when
    the params carry no ``app_source``. With ``model_info`` (from ``swarmLLMModels``) the
    sampling parameters are also checked against the model's ranges. ``read_file`` and
    ``resize_images`` are passed to the vision checks (see :func:`normalize_messages`).

    ``think`` becomes ``chat_template_kwargs: {"enable_thinking": think}``; ``sogni_tools``
    ``"rich"`` is sent as ``"creative-tools"``. ``extra_body`` fields are added as given
    (a key a typed keyword sets is refused, naming the keyword). Raises
    :class:`ValidationError`, also for a request that would not be strict JSON (NaN, lone
    surrogates, non-string keys), naming the path of the bad value
    (``tools[0].function.parameters.properties.x.default``).
    """
    _check_keys(params, CHAT_PARAMS)
    values = _checked_values(params, model_info, hosted=False)
    messages = normalize_messages(params.get("messages"), read_file=read_file, resize=resize_images)

    request: dict[str, Any] = {"jobID": job_id, "type": "llm", "model": values["model"]}
    request["messages"] = messages
    app_source = params.get("app_source") or _client_source(client_app_source)
    if app_source is not None:
        request["appSource"] = app_source
    for key in _SAMPLING:
        _put(request, key, values.get(key))
    _put(request, "stream", values.get("stream"))
    for key in _PENALTIES:
        _put(request, key, values.get(key))
    _put(request, "stop", values.get("stop"))
    _put(request, "tokenType", values.get("token_type"))
    _put(request, "tools", values.get("tools"))
    _put(request, "tool_choice", values.get("tool_choice"))
    _put(request, "sogni_tools", values.get("sogni_tools"))
    _put(request, "sogni_tool_execution", values.get("sogni_tool_execution"))
    _put(request, "taskProfile", values.get("task_profile"))
    _put(request, "chat_template_kwargs", chat_template_kwargs(values.get("think")))
    _put(request, "response_format", values.get("response_format"))
    merge_extra_body(request, params.get("extra_body"), _SOCKET_KEYWORDS)
    check_json_safe(request, "")
    return request


def build_hosted_chat_body(
    params: Mapping[str, Any],
    *,
    client_app_source: str | None,
    model_info: LLMModelInfo | None = None,
    read_file: FileReader | None = None,
    resize_images: bool = True,
) -> dict[str, Any]:
    """Build the JSON body of ``POST /v1/chat/completions`` (hosted chat, non-streaming).

    Keys are snake_case on this endpoint (``app_source``, ``token_type``, ``task_profile``).
    ``token_type`` may also be ``"auto"``; ``media_references`` and
    ``api_media_references`` are passed through; an explicit ``chat_template_kwargs``
    wins over ``think``. ``stream=True`` is refused: the endpoint answers in one piece.
    ``extra_body`` fields are added as given (a key a typed keyword sets is refused).
    A body that would not be strict JSON raises :class:`ValidationError` naming the path.
    """
    _check_keys(params, HOSTED_CHAT_PARAMS)
    if params.get("stream"):
        raise ValidationError(
            "hosted chat completions do not stream", field="stream", allowed=[False]
        )
    values = _checked_values(params, model_info, hosted=True)
    messages = normalize_messages(params.get("messages"), read_file=read_file, resize=resize_images)

    body: dict[str, Any] = {"model": values["model"], "messages": messages}
    app_source = params.get("app_source") or _client_source(client_app_source)
    _put(body, "app_source", app_source)
    for key in (*_SAMPLING, *_PENALTIES, "stop", "token_type", "tools", "tool_choice"):
        _put(body, key, values.get(key))
    _put(body, "sogni_tools", values.get("sogni_tools"))
    _put(body, "sogni_tool_execution", values.get("sogni_tool_execution"))
    _put(body, "task_profile", values.get("task_profile"))
    for key in ("media_references", "api_media_references"):
        value = params.get(key)
        if value is not None:
            if not isinstance(value, (list, tuple)):
                raise ValidationError(f"{key} must be a list", field=key)
            body[key] = to_json_value(value, key)
    kwargs = params.get("chat_template_kwargs")
    if kwargs is not None:
        if not isinstance(kwargs, Mapping):
            raise ValidationError(
                "chat_template_kwargs must be a mapping", field="chat_template_kwargs"
            )
        body["chat_template_kwargs"] = to_json_value(kwargs, "chat_template_kwargs")
    else:
        _put(body, "chat_template_kwargs", chat_template_kwargs(values.get("think")))
    _put(body, "response_format", values.get("response_format"))
    merge_extra_body(body, params.get("extra_body"), _HOSTED_KEYWORDS)
    check_json_safe(body, "")
    return body


def read_tools(tools: Iterable[Any] | None) -> Iterable[Any] | None:
    """``tools`` as a list, read once (any iterable of definitions works, e.g. ``SogniTools``).

    Raises :class:`ValidationError` for a value that is not a collection of tools, before
    anything else is done with the request.
    """
    if tools is None or isinstance(tools, (list, tuple)):
        return tools
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Iterable):
        raise ValidationError(
            f"tools must be a list of tool definitions, got {type(tools).__name__}",
            field="tools",
            allowed=_TOOLS_SHAPE,
        )
    return list(tools)


def unwrap_hosted_chat_response(payload: Any) -> dict[str, Any]:
    """The ``chat.completion`` object of a hosted chat response.

    The endpoint answers with the completion itself; a ``{"data": {...}}`` envelope is
    accepted too, so callers handle both in one place.
    """
    if isinstance(payload, Mapping):
        data = payload.get("data")
        if "choices" not in payload and isinstance(data, Mapping) and "choices" in data:
            return dict(data)
        return dict(payload)
    raise ValueError("hosted chat response is not a JSON object")


def normalize_sogni_tools_mode(value: Any) -> bool | str:
    """Check a ``sogni_tools`` value; the legacy ``"rich"`` alias becomes ``"creative-tools"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if js_trim(value).lower() == "rich":
            return "creative-tools"
        if value in ("creative-tools", "creative-agent"):
            return value
    raise ValidationError(
        f"sogni_tools {value!r} is not valid", field="sogni_tools", allowed=SOGNI_TOOLS_MODES
    )


def chat_template_kwargs(think: bool | None) -> dict[str, Any] | None:
    """``{"enable_thinking": think}``, or ``None`` when ``think`` is not set."""
    return None if think is None else {"enable_thinking": think}


# -- helpers ------------------------------------------------------------------------------


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _client_source(value: str | None) -> str | None:
    return (js_trim(value) or None) if isinstance(value, str) else None


def _check_keys(params: Mapping[str, Any], allowed: frozenset[str]) -> None:
    if not isinstance(params, Mapping):
        raise ValidationError("chat parameters must be a mapping", field="params")
    for key in params:
        if key not in allowed and key not in CLIENT_ONLY_PARAMS:
            raise ValidationError(
                f"unknown chat parameter {key!r}", field=str(key), allowed=sorted(allowed)
            )


def _checked_values(
    params: Mapping[str, Any], model_info: LLMModelInfo | None, *, hosted: bool
) -> dict[str, Any]:
    """Check every scalar parameter; return JSON-ready values for those that are set."""
    out: dict[str, Any] = {}
    model = params.get("model")
    if not isinstance(model, str) or not model.strip():
        raise ValidationError("model must be a non-empty model id string", field="model")
    out["model"] = model

    app_source = params.get("app_source")
    if app_source is not None and not isinstance(app_source, str):
        raise ValidationError("app_source must be a string", field="app_source")

    for key in (*_SAMPLING, *_PENALTIES):
        value = params.get(key)
        if value is not None:
            out[key] = _check_number(key, value, model, model_info)

    for key in ("stream", "sogni_tool_execution", "think"):
        value = params.get(key)
        if value is not None:
            if not isinstance(value, bool):
                raise ValidationError(f"{key} must be True or False", field=key)
            out[key] = value

    stop = params.get("stop")
    if stop is not None:
        out["stop"] = _check_stop(stop)

    token_type = params.get("token_type")
    if token_type is not None:
        allowed = HOSTED_TOKEN_TYPES if hosted else TOKEN_TYPES
        if token_type not in allowed:
            raise ValidationError(
                f"token_type {token_type!r} is not valid", field="token_type", allowed=allowed
            )
        out["token_type"] = token_type

    task_profile = params.get("task_profile")
    if task_profile is not None:
        if task_profile not in TASK_PROFILES:
            raise ValidationError(
                f"task_profile {task_profile!r} is not valid",
                field="task_profile",
                allowed=TASK_PROFILES,
            )
        out["task_profile"] = task_profile

    out.update(_checked_tool_values(params))
    return out


def _checked_tool_values(params: Mapping[str, Any]) -> dict[str, Any]:
    """The tool parameters and the response format, checked; only those that are set."""
    out: dict[str, Any] = {}
    tools = params.get("tools")
    if tools is not None:
        out["tools"] = _check_tools(tools)
    tool_choice = params.get("tool_choice")
    if tool_choice is not None:
        out["tool_choice"] = _check_tool_choice(tool_choice)
    sogni_tools = params.get("sogni_tools")
    if sogni_tools is not None:
        out["sogni_tools"] = normalize_sogni_tools_mode(sogni_tools)
    response_format = params.get("response_format")
    if response_format is not None:
        out["response_format"] = _check_response_format(response_format)
    return out


def _check_number(key: str, value: Any, model: str, model_info: LLMModelInfo | None) -> float | int:
    if not is_number(value):
        raise ValidationError(f"{key} must be a number, not {type(value).__name__}", field=key)
    if not is_finite_number(value):
        raise ValidationError(f"{key} must be a finite number", field=key)
    if key in _INTEGER_PARAMS and not is_integral(value):
        raise ValidationError(f"{key} must be a whole number", field=key)
    if key == "max_tokens" and value < 1:
        raise ValidationError("max_tokens must be at least 1", field=key, allowed="1 or more")
    if model_info is not None:
        constraint = model_info.constraint(key)
        if constraint is not None and not constraint.allows(value):
            raise ValidationError(
                f"{key}={value} is outside the range model {model!r} accepts",
                field=key,
                allowed=constraint.describe(),
            )
    return plain_number(value)


def _check_stop(stop: Any) -> str | list[str]:
    if isinstance(stop, str):
        return stop
    if isinstance(stop, (list, tuple)) and all(isinstance(item, str) for item in stop):
        return list(stop)
    raise ValidationError(
        "stop must be a string or a list of strings", field="stop", allowed="str | list[str]"
    )


_TOOLS_SHAPE = "a list of {'type': 'function', 'function': {'name': ...}} mappings"


def _check_tools(tools: Any) -> list[Any]:
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Iterable):
        raise ValidationError(
            f"tools must be a list of tool definitions, got {type(tools).__name__}",
            field="tools",
            allowed=_TOOLS_SHAPE,
        )
    out = []
    for index, tool in enumerate(list(tools)):
        plain = to_json_value(tool, f"tools[{index}]")
        function = plain.get("function") if isinstance(plain, dict) else None
        if (
            not isinstance(plain, dict)
            or plain.get("type") != "function"
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
            or not function["name"]
        ):
            raise ValidationError(
                "each tool must look like {'type': 'function', 'function': {'name': ...}}",
                field=f"tools[{index}]",
            )
        out.append(plain)
    return out


def _check_tool_choice(choice: Any) -> Any:
    if isinstance(choice, str):
        if choice in TOOL_CHOICES:
            return choice
    elif isinstance(choice, Mapping):
        function = choice.get("function")
        if (
            choice.get("type") == "function"
            and isinstance(function, Mapping)
            and isinstance(function.get("name"), str)
            and function["name"]
        ):
            return to_json_value(choice, "tool_choice")
    raise ValidationError(
        f"tool_choice {choice!r} is not valid",
        field="tool_choice",
        allowed="'auto', 'none', 'required' or "
        "{'type': 'function', 'function': {'name': <tool name>}}",
    )


def _check_response_format(value: Any) -> dict[str, Any]:
    field = "response_format"
    if not isinstance(value, Mapping) or value.get("type") not in RESPONSE_FORMAT_TYPES:
        raise ValidationError(
            "response_format needs a 'type'", field=field, allowed=RESPONSE_FORMAT_TYPES
        )
    if value["type"] == "json_schema":
        spec = value.get("json_schema")
        if not isinstance(spec, Mapping):
            raise ValidationError(
                "a json_schema response_format needs a 'json_schema' object",
                field=f"{field}.json_schema",
            )
        if not isinstance(spec.get("name"), str) or not spec["name"]:
            raise ValidationError(
                "json_schema needs a non-empty 'name'", field=f"{field}.json_schema.name"
            )
        if not isinstance(spec.get("schema"), Mapping):
            raise ValidationError(
                "json_schema needs a 'schema' object", field=f"{field}.json_schema.schema"
            )
        if spec.get("strict") is not None and not isinstance(spec["strict"], bool):
            raise ValidationError(
                "json_schema.strict must be True or False", field=f"{field}.json_schema.strict"
            )
        if spec.get("description") is not None and not isinstance(spec["description"], str):
            raise ValidationError(
                "json_schema.description must be a string",
                field=f"{field}.json_schema.description",
            )
    result = to_json_value(value, field)
    assert isinstance(result, dict)
    return result
