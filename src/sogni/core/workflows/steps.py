"""Hosted-tool steps of a ``hosted_tool_sequence`` workflow, and request media references."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sogni.core import checks
from sogni.core._generated.models import StepDependency
from sogni.core.chat.manifest import (
    argument_problems,
    older_tools,
    plain_tools,
    tool_spec,
    workflow_step_tools,
)
from sogni.core.errors import ValidationError

DEPENDENCY_TRANSFORMS: tuple[str, ...] = tuple(
    attrs.fields_dict(StepDependency)["transform"].metadata["check"]["enum"]
)
"""How a dependency passes an artifact on (from ``schemas/workflows.json``)."""


MEDIA_TYPES = ("image", "video", "audio")


INPUT_MEDIA = "$input_media"
"""The pseudo step id that binds one of the request's media references into a step."""


def _step_tools() -> dict[str, tuple[str, ...] | None]:
    tools: dict[str, tuple[str, ...] | None] = {}
    for spec in (*plain_tools(), *older_tools()):
        arguments = spec.arguments
        twin = tool_spec(spec.twin) if not spec.older else None
        if twin is not None:  # a client-run plain tool also reads its twin's inline media
            arguments += tuple(a for a in twin.arguments if a not in spec.renames.values())
        tools[spec.name] = tuple(dict.fromkeys(arguments))
    tools.update(dict.fromkeys(workflow_step_tools()))
    return tools


_STEP_TOOLS = _step_tools()


HOSTED_TOOL_ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    name: arguments for name, arguments in _STEP_TOOLS.items() if arguments is not None
}
"""The tools a step may run whose arguments are published, with the arguments each takes:
the plain-named hosted tools and the older ``sogni_*`` ones (from the tool data). A plain
tool that also runs on the client (``generate_image`` ...) takes its older twin's
arguments too, under their older names (``source_image_url`` ...)."""


HOSTED_TOOL_NAMES = tuple(_STEP_TOOLS)
"""Every tool a step may name: those of :data:`HOSTED_TOOL_ARGUMENTS`, then the
workflow-only tools (``analyze_image`` ...), whose arguments are not checked."""


_REQUIRED_ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    spec.name: spec.required for spec in (*plain_tools(), *older_tools())
}


# snake_case spellings accepted for step and dependency keys; the wire uses camelCase.
_STEP_ALIASES = {"tool_name": "toolName", "depends_on": "dependsOn"}


_DEPENDENCY_ALIASES = {
    "source_step_id": "sourceStepId",
    "target_argument": "targetArgument",
    "source_artifact_id": "sourceArtifactId",
    "source_artifact_index": "sourceArtifactIndex",
    "media_type": "mediaType",
}


_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)


_DATA_URI = re.compile(r"^data:", re.IGNORECASE)


def validate_media_references(references: object, field: str = "media_references") -> list[Any]:
    """Check request-level media references; returns them as a list.

    Durable workflows run later, on the server, so media must be uploaded first and
    referenced by an ``http(s)`` URL; inline ``data:`` URIs (``url``, ``dataUri``,
    ``data_uri``) are rejected, as the network's newer clients do.
    """
    if isinstance(references, (str, bytes)) or not isinstance(references, Sequence):
        raise ValidationError(f"{field} must be a list", field=field)
    problems: list[str] = []
    for index, reference in enumerate(references):
        if not isinstance(reference, Mapping):
            continue
        url = reference.get("url")
        if isinstance(url, str) and url.strip():
            trimmed = url.strip()
            if _DATA_URI.match(trimmed) or not _HTTP_URL.match(trimmed):
                problems.append(f"{field}[{index}].url")
        for key in ("dataUri", "data_uri"):
            inline = reference.get(key)
            if isinstance(inline, str) and inline.strip():
                problems.append(f"{field}[{index}].{key}")
    if problems:
        raise ValidationError(
            "durable workflows need uploaded media referenced by http(s) URL, not inline "
            f"data: {', '.join(problems)}",
            field=field,
            hint="upload the media first and pass its URL",
        )
    return list(references)


def _rename(value: Mapping[str, Any], aliases: Mapping[str, str], field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        wire = aliases.get(key, key)
        if wire in out:
            raise ValidationError(
                f"{field} gives '{wire}' twice (camelCase and snake_case)", field=field
            )
        if item is not None:
            out[wire] = item
    return out


def _normalize_dependency(
    raw: object,
    field: str,
    *,
    tool_name: str,
    earlier_ids: set[str],
    media_count: int | None,
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"{field} must be a mapping", field=field)
    dep = _rename(raw, _DEPENDENCY_ALIASES, field)
    source = dep.get("sourceStepId")
    checks.text(source, f"{field}.source_step_id")
    target = dep.get("targetArgument")
    checks.text(target, f"{field}.target_argument")
    arguments = HOSTED_TOOL_ARGUMENTS.get(tool_name)
    if arguments is not None and target not in arguments:
        raise ValidationError(
            f"{field}.target_argument {target!r} is not an argument of {tool_name}",
            field=f"{field}.target_argument",
            allowed=list(arguments),
        )
    checks.choice(dep.get("transform"), f"{field}.transform", DEPENDENCY_TRANSFORMS, quoted=False)
    if "mediaType" in dep:
        checks.choice(dep["mediaType"], f"{field}.media_type", MEDIA_TYPES, quoted=False)
    if "required" in dep and not isinstance(dep["required"], bool):
        raise ValidationError(f"{field}.required must be a boolean", field=f"{field}.required")
    if "sourceArtifactId" in dep:
        checks.text(dep["sourceArtifactId"], f"{field}.source_artifact_id")
    if "sourceArtifactIndex" in dep:
        checks.count(dep["sourceArtifactIndex"], f"{field}.source_artifact_index", minimum=0)
    if source == INPUT_MEDIA:
        if not media_count:
            raise ValidationError(
                f"{field} binds {INPUT_MEDIA} but the request has no media references",
                field=f"{field}.source_step_id",
                hint="pass media_references with the uploaded media",
            )
        index = dep.get("sourceArtifactIndex")
        if isinstance(index, int) and index >= media_count:
            raise ValidationError(
                f"{field}.source_artifact_index {index} is past the {media_count} media "
                "reference(s)",
                field=f"{field}.source_artifact_index",
                allowed=f"0..{media_count - 1}",
            )
    elif source not in earlier_ids:
        allowed = sorted(earlier_ids) + [INPUT_MEDIA]
        raise ValidationError(
            f"{field}.source_step_id {source!r} is not the id of an earlier step",
            field=f"{field}.source_step_id",
            allowed=allowed,
        )
    return dep


def _check_step_arguments(
    field: str, tool_name: str, arguments: Mapping[str, Any], bound: set[str]
) -> None:
    """Required arguments given or bound by a dependency; given values as the tool's
    parameters allow (types, enums, bounds ...)."""
    for name in _REQUIRED_ARGUMENTS.get(tool_name, ()):
        if arguments.get(name) is None and name not in bound:
            raise ValidationError(
                f"{field}: {tool_name} needs the argument '{name}'",
                field=f"{field}.arguments.{name}",
            )
    spec = tool_spec(tool_name)
    if spec is None:
        return  # a workflow-only tool: its arguments are not published
    for problem in argument_problems(spec, arguments):
        top = problem.argument.split(".", 1)[0].split("[", 1)[0]
        if top in bound and problem.missing:
            continue
        raise ValidationError(
            f"{field}: {tool_name} {problem.message}",
            field=f"{field}.arguments.{problem.argument}",
            allowed=problem.allowed,
        )


def normalize_steps(
    steps: object, *, media_references: Sequence[Any] | None = None
) -> list[dict[str, Any]]:
    """Validate hosted-tool steps and return them in wire form.

    Each step is a mapping ``{id?, toolName, arguments, dependsOn?}`` (``tool_name`` and
    ``depends_on`` are accepted too); each dependency ``{sourceStepId, targetArgument,
    transform, sourceArtifactId?, sourceArtifactIndex?, mediaType?, required?}`` (or the
    snake_case spellings). Checked: tool names (either tool set, or a workflow-only tool),
    unique step ids, arguments present, required arguments given or bound by a dependency,
    given argument values against the tool's parameters, dependency targets are arguments
    of the tool, transforms and media types, and that every dependency comes from an
    earlier step or from ``$input_media`` (which needs ``media_references``). Unknown keys
    pass through.
    """
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) or not steps:
        raise ValidationError("steps must be a non-empty list of steps", field="steps")
    media_count = None if media_references is None else len(media_references)
    seen_ids: set[str] = set()
    out: list[dict[str, Any]] = []
    for index, raw in enumerate(steps):
        step = _normalize_step(raw, f"steps[{index}]", seen_ids, media_count)
        if step.get("id") is not None:
            seen_ids.add(step["id"])
        out.append(step)
    return out


def _normalize_step(
    raw: object, field: str, earlier_ids: set[str], media_count: int | None
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(f"{field} must be a mapping", field=field)
    step = _rename(raw, _STEP_ALIASES, field)
    tool_name = step.get("toolName")
    if not isinstance(tool_name, str) or tool_name not in HOSTED_TOOL_NAMES:
        raise ValidationError(
            f"{field}.tool_name {tool_name!r} is not a hosted tool",
            field=f"{field}.tool_name",
            allowed=list(HOSTED_TOOL_NAMES),
        )
    step_id = step.get("id")
    if step_id is not None:
        checks.text(step_id, f"{field}.id")
        if step_id == INPUT_MEDIA or step_id in earlier_ids:
            raise ValidationError(f"{field}.id {step_id!r} is already used", field=f"{field}.id")
    arguments = step.get("arguments")
    if not isinstance(arguments, Mapping):
        raise ValidationError(
            f"{field}.arguments must be a mapping of tool arguments",
            field=f"{field}.arguments",
        )
    step["arguments"] = dict(arguments)
    bound: set[str] = set()
    if "dependsOn" in step:
        step["dependsOn"] = _dependencies(
            step["dependsOn"], field, tool_name, earlier_ids, media_count
        )
        bound = {dep["targetArgument"] for dep in step["dependsOn"]}
    _check_step_arguments(field, tool_name, arguments, bound)
    return step


def _dependencies(
    deps: object, field: str, tool_name: str, earlier_ids: set[str], media_count: int | None
) -> list[dict[str, Any]]:
    if isinstance(deps, (str, bytes)) or not isinstance(deps, Sequence):
        raise ValidationError(f"{field}.depends_on must be a list", field=f"{field}.depends_on")
    return [
        _normalize_dependency(
            dep,
            f"{field}.depends_on[{n}]",
            tool_name=tool_name,
            earlier_ids=earlier_ids,
            media_count=media_count,
        )
        for n, dep in enumerate(deps)
    ]
