"""The two Sogni tool sets, read from the schema data shipped in this package.

* The plain-named hosted tools (``generate_image``, ``edit_image``, ... ``image_to_3d``,
  ``compose_workflow``) of ``sogni_hosted_tools.json``, a copy of
  ``schemas/sogni_hosted_tools.json``: what the network offers today.
* The older ``sogni_*`` set of ``sogni_tools.json`` (a copy of ``schemas/sogni_tools.json``),
  which keeps working wherever it worked before.

Every fact about a tool (its name, parameters, required arguments, what it produces, whether
a client may run it as a media project, which older tool it runs as) lives in that data;
this module only reads it, and checks call arguments against the parameters.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from sogni.core.js import is_finite_number, is_integral

__all__ = [
    "PLAIN_FILE",
    "OLDER_FILE",
    "ToolOutput",
    "ToolSpec",
    "ArgumentProblem",
    "plain_tools",
    "older_tools",
    "tool_spec",
    "plain_version",
    "older_version",
    "workflow_step_tools",
    "argument_problems",
]

PLAIN_FILE = "sogni_hosted_tools.json"
OLDER_FILE = "sogni_tools.json"

#: What a tool produces: media of a kind, a 3D model (GLB) or text.
ToolOutput = Literal["image", "video", "audio", "model", "text"]


@attrs.frozen
class ToolSpec:
    """One tool as the schema data describes it.

    ``twin`` links the two sets: for a plain tool with direct dispatch it is the older
    ``sogni_*`` tool it runs as (``renames`` maps its argument names to the older ones);
    for an older tool it is its plain-named counterpart.
    """

    name: str
    definition: Mapping[str, Any] = attrs.field(repr=False)
    output: ToolOutput
    direct_dispatch: bool
    older: bool
    twin: str | None = None
    renames: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The JSON schema of the arguments."""
        parameters: Mapping[str, Any] = self.definition["function"].get("parameters") or {}
        return parameters

    @property
    def arguments(self) -> tuple[str, ...]:
        """The argument names, in schema order."""
        return tuple(self.parameters.get("properties") or {})

    @property
    def required(self) -> tuple[str, ...]:
        """The required argument names."""
        return tuple(self.parameters.get("required") or ())

    def fresh_definition(self) -> dict[str, Any]:
        """A private copy of the OpenAI ``{"type": "function", ...}`` definition."""
        return copy.deepcopy(dict(self.definition))


def _read(filename: str) -> Mapping[str, Any]:
    text = importlib.resources.files(__package__).joinpath(filename).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _plain_document() -> Mapping[str, Any]:
    return _read(PLAIN_FILE)


@functools.cache
def _older_document() -> Mapping[str, Any]:
    return _read(OLDER_FILE)


@functools.cache
def plain_tools() -> tuple[ToolSpec, ...]:
    """The plain-named hosted tools, in manifest order."""
    specs = []
    for entry in _plain_document()["tools"]:
        meta = entry.get("x-sogni") or {}
        specs.append(
            ToolSpec(
                name=entry["function"]["name"],
                definition={"type": entry["type"], "function": entry["function"]},
                output=meta["output"],
                direct_dispatch=bool(meta.get("direct_dispatch")),
                older=False,
                twin=meta.get("older_tool"),
                renames=dict(meta.get("older_arguments") or {}),
            )
        )
    return tuple(specs)


@functools.cache
def older_tools() -> tuple[ToolSpec, ...]:
    """The older ``sogni_*`` tools; each runs as a media project, like its plain twin."""
    plain_of = {spec.twin: spec for spec in plain_tools() if spec.twin}
    specs = []
    for entry in _older_document()["tools"]:
        name = entry["function"]["name"]
        twin = plain_of[name]
        specs.append(
            ToolSpec(
                name=name,
                definition=entry,
                output=twin.output,
                direct_dispatch=True,
                older=True,
                twin=twin.name,
            )
        )
    return tuple(specs)


@functools.cache
def _by_name() -> Mapping[str, ToolSpec]:
    return {spec.name: spec for spec in (*plain_tools(), *older_tools())}


def tool_spec(name: object) -> ToolSpec | None:
    """The tool of that name in either set, or ``None``."""
    return _by_name().get(name) if isinstance(name, str) else None


def plain_version() -> str:
    """Version of the hosted tool contract the plain-named tools follow."""
    return str(_plain_document()["version"])


def older_version() -> str:
    """Version of the hosted tool contract the older ``sogni_*`` tools follow."""
    return str(_older_document()["version"])


@functools.cache
def workflow_step_tools() -> Mapping[str, ToolOutput]:
    """Tools a workflow step may name besides those of both sets (no published
    arguments), with what each produces."""
    return {entry["name"]: entry["output"] for entry in _plain_document()["workflow_step_tools"]}


# -- argument checks ---------------------------------------------------------------------------


@attrs.frozen
class ArgumentProblem:
    """One thing wrong with a tool call's arguments.

    ``argument`` is the path of the bad value (``width``, ``overlays[0].kind``), ``allowed``
    the accepted values or a description of them, when that is known; ``missing`` marks a
    required argument that was not given.
    """

    argument: str
    message: str
    allowed: Sequence[Any] | str | None = None
    missing: bool = False  # a required argument that was not given


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _matches(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return is_finite_number(value)
    if kind == "integer":
        return is_integral(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, (list, tuple))
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "null":
        return value is None
    return True


def _kinds(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return []
    return list(kind) if isinstance(kind, (list, tuple)) else [kind]


def _words(kinds: Sequence[str]) -> str:
    return " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)


def _range(schema: Mapping[str, Any]) -> str | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"{low} or more"
    if high is not None:
        return f"{high} or less"
    return None


@attrs.frozen
class _Rules:
    blank_is_missing: bool  # "" and [] count as missing required values (plain tools)
    free_enums: frozenset[str]  # arguments whose enum is advisory


def _missing(value: Any, rules: _Rules) -> bool:
    if value is None:
        return True
    return rules.blank_is_missing and (value == "" or (isinstance(value, list) and not value))


def _check_object(
    value: Mapping[str, Any],
    schema: Mapping[str, Any],
    path: str,
    rules: _Rules,
    out: list[ArgumentProblem],
) -> None:
    properties: Mapping[str, Any] = schema.get("properties") or {}
    prefix = f"{path}." if path else ""
    for name in schema.get("required") or ():
        if _missing(value.get(name), rules):
            out.append(
                ArgumentProblem(
                    f"{prefix}{name}", f'missing required argument "{prefix}{name}"', missing=True
                )
            )
    for name, item in value.items():
        spec = properties.get(name)
        if item is None or not isinstance(spec, Mapping):
            continue  # unknown arguments are ignored, as the network does
        _check_value(item, spec, f"{prefix}{name}", rules, out)


def _check_value(
    value: Any, schema: Mapping[str, Any], path: str, rules: _Rules, out: list[ArgumentProblem]
) -> None:
    kinds = _kinds(schema)
    if kinds and not any(_matches(value, kind) for kind in kinds):
        out.append(
            ArgumentProblem(path, f'argument "{path}" must be {_words(kinds)}', _words(kinds))
        )
        return
    if "const" in schema and value != schema["const"]:
        out.append(
            ArgumentProblem(
                path, f'argument "{path}" must be {json.dumps(schema["const"])}', [schema["const"]]
            )
        )
    leaf = path.rsplit(".", 1)[-1]
    enum = schema.get("enum")
    if enum is not None and leaf not in rules.free_enums and not _in_enum(value, enum):
        shown = ", ".join(json.dumps(v) for v in enum)
        out.append(ArgumentProblem(path, f'argument "{path}" must be one of {shown}', list(enum)))
    if is_finite_number(value) and not isinstance(value, bool):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = _range(schema)
            out.append(ArgumentProblem(path, f'argument "{path}" must be {bounds}', bounds))
    if isinstance(value, str):
        _check_length(value, schema, path, out)
    if isinstance(value, (list, tuple)):
        _check_item_count(value, schema, path, out)
        items = schema.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                _check_value(item, items, f"{path}[{index}]", rules, out)
    if isinstance(value, Mapping) and isinstance(schema.get("properties"), Mapping):
        _check_object(value, schema, path, rules, out)


def _check_length(
    value: str, schema: Mapping[str, Any], path: str, out: list[ArgumentProblem]
) -> None:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    if shortest is not None and len(value) < shortest:
        out.append(
            ArgumentProblem(
                path,
                f'argument "{path}" needs at least {shortest} characters',
                f"at least {shortest} characters",
            )
        )
    if longest is not None and len(value) > longest:
        out.append(
            ArgumentProblem(
                path,
                f'argument "{path}" takes at most {longest} characters, got {len(value)}',
                f"at most {longest} characters",
            )
        )


def _check_item_count(
    value: Sequence[Any], schema: Mapping[str, Any], path: str, out: list[ArgumentProblem]
) -> None:
    fewest, most = schema.get("minItems"), schema.get("maxItems")
    if fewest is not None and len(value) < fewest:
        out.append(
            ArgumentProblem(
                path,
                f'argument "{path}" needs at least {fewest} items, got {len(value)}',
                f"at least {fewest} items",
            )
        )
    if most is not None and len(value) > most:
        out.append(
            ArgumentProblem(
                path,
                f'argument "{path}" takes at most {most} items, got {len(value)}',
                f"at most {most} items",
            )
        )


def _in_enum(value: Any, enum: Sequence[Any]) -> bool:
    # True is not 1 here, as in JSON.
    return any(value == v and isinstance(value, bool) == isinstance(v, bool) for v in enum)


def _rules(spec: ToolSpec) -> _Rules:
    if spec.older:
        return _Rules(blank_is_missing=False, free_enums=frozenset({"model"}))
    # The model lists of the plain tools are hints, except for music, whose ids are exact.
    free = frozenset() if spec.name == "generate_music" else frozenset({"model"})
    return _Rules(blank_is_missing=True, free_enums=free)


def argument_problems(spec: ToolSpec, args: Any) -> list[ArgumentProblem]:
    """Everything wrong with arguments for ``spec``: not an object, required arguments
    missing (``None``; for the plain tools also ``""`` or ``[]``), and values that break
    the schema's types, ``const``, enums (``model`` is free except for ``generate_music``),
    number bounds, string lengths, item counts, item types and nested objects. Unknown
    arguments are ignored."""
    if not isinstance(args, Mapping):
        return [ArgumentProblem("arguments", "arguments must be a JSON object", "an object")]
    out: list[ArgumentProblem] = []
    _check_object(args, spec.parameters, "", _rules(spec), out)
    return out
