"""Compiling a workflow start request into the steps it runs.

A request is either an ``image_to_video`` (an image of the prompt, then a video of that
image) or a ``hosted_tool_sequence`` of steps, each naming a hosted tool, its arguments and
the earlier steps (or the caller's ``$input_media``) its arguments depend on.
"""

from __future__ import annotations

from typing import Any

from sogni.core.chat.manifest import tool_spec, workflow_step_tools
from sogni.core.workflows import DEPENDENCY_TRANSFORMS, HOSTED_TOOL_ARGUMENTS, HOSTED_TOOL_NAMES

__all__ = ["WorkflowError", "compile_workflow", "tool_output"]

JsonDict = dict[str, Any]

_TRANSFORMS = frozenset(DEPENDENCY_TRANSFORMS)
_INPUT_MEDIA = "$input_media"


class WorkflowError(Exception):
    """A workflow request the server refuses (HTTP 400 unless ``status`` says otherwise)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _tool_name(name: Any) -> str:
    if not isinstance(name, str):
        raise WorkflowError("every step needs a string toolName")
    if name not in HOSTED_TOOL_NAMES:
        raise WorkflowError(f"unknown hosted tool {name!r}")
    return name


def tool_output(name: str) -> str:
    """What a step tool produces: ``image``, ``video``, ``audio``, ``model`` (3D) or
    ``text`` (an older ``sogni_*`` name produces what its plain twin does)."""
    spec = tool_spec(name)
    if spec is not None:
        return spec.output
    return workflow_step_tools().get(name, "text")


def _check_dependencies(
    step_id: str, depends_on: Any, earlier: set[str], media_count: int
) -> list[JsonDict]:
    if depends_on is None:
        return []
    if not isinstance(depends_on, list):
        raise WorkflowError(f"step {step_id}: dependsOn must be a list")
    checked = []
    for dep in depends_on:
        if not isinstance(dep, dict):
            raise WorkflowError(f"step {step_id}: every dependency must be an object")
        source = dep.get("sourceStepId")
        if source == _INPUT_MEDIA:
            if media_count == 0:
                raise WorkflowError(f"step {step_id}: $input_media used but no media_references")
        elif source not in earlier:
            raise WorkflowError(f"step {step_id}: dependency on unknown or later step {source!r}")
        if not isinstance(dep.get("targetArgument"), str) or not dep["targetArgument"]:
            raise WorkflowError(f"step {step_id}: dependency needs a targetArgument")
        if dep.get("transform") not in _TRANSFORMS:
            raise WorkflowError(f"step {step_id}: unknown transform {dep.get('transform')!r}")
        checked.append(dep)
    return checked


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_arguments(step_id: str, tool: str, arguments: JsonDict, deps: list[JsonDict]) -> None:
    """The arguments of a tool with published parameters must be ones the tool takes, and
    the required ones must be given (not blank) or bound by a dependency."""
    known = HOSTED_TOOL_ARGUMENTS.get(tool)
    if known is None:
        return
    bound = {dep["targetArgument"] for dep in deps}
    unknown = sorted((set(arguments) | bound) - set(known))
    if unknown:
        raise WorkflowError(f"step {step_id}: {tool} does not take {', '.join(unknown)}")
    spec = tool_spec(tool)
    required = spec.required if spec is not None else ()
    missing = [name for name in required if _blank(arguments.get(name)) and name not in bound]
    if missing == ["prompt"]:
        raise WorkflowError(f"step {step_id}: {tool} needs a non-empty prompt")
    if missing:
        raise WorkflowError(f"step {step_id}: {tool} needs {', '.join(missing)}")


def compile_workflow(body: JsonDict) -> tuple[str, str, list[JsonDict]]:
    """``(kind, title, steps)`` of a start request, or :class:`WorkflowError`."""
    source = body.get("input")
    if not isinstance(source, dict):
        raise WorkflowError("input must be an object")
    kind = str(body.get("kind") or "hosted_tool_sequence")
    if kind == "image_to_video":
        title, steps = _image_to_video(source)
        return kind, title, steps
    if kind != "hosted_tool_sequence":
        raise WorkflowError(f"unknown workflow kind {kind!r}")
    media = (
        source.get("mediaReferences", source.get("media_references", body.get("media_references")))
        or []
    )
    steps = _tool_sequence(source, len(media) if isinstance(media, list) else 0)
    return kind, str(source.get("title") or "Hosted tool sequence"), steps


def _image_to_video(source: JsonDict) -> tuple[str, list[JsonDict]]:
    """An image of the prompt, then a video made from that image."""
    prompt = source.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise WorkflowError("image_to_video needs a prompt")
    size = {k: source[k] for k in ("width", "height") if k in source}
    pair: list[JsonDict] = [
        {"id": "image", "toolName": "generate_image", "arguments": {"prompt": prompt, **size}},
        {
            "id": "video",
            "toolName": "generate_video",
            "arguments": {
                "prompt": source.get("videoPrompt") or prompt,
                **size,
                **({"duration": source["duration"]} if "duration" in source else {}),
            },
            "dependsOn": [
                {
                    "sourceStepId": "image",
                    "targetArgument": "reference_image_url",
                    "transform": "artifact_url",
                }
            ],
        },
    ]
    return str(source.get("title") or prompt[:60]), pair


def _tool_sequence(source: JsonDict, media_count: int) -> list[JsonDict]:
    """The checked steps of a ``hosted_tool_sequence``."""
    raw_steps = source.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise WorkflowError("input.steps must be a non-empty list")
    steps: list[JsonDict] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps):
        step = _sequence_step(index, raw, seen, media_count)
        steps.append(step)
        seen.add(step["id"])
    return steps


def _sequence_step(index: int, raw: Any, earlier: set[str], media_count: int) -> JsonDict:
    if not isinstance(raw, dict):
        raise WorkflowError(f"step {index + 1} must be an object")
    step_id = str(raw.get("id") or f"step_{index + 1}")
    if step_id in earlier:
        raise WorkflowError(f"duplicate step id {step_id!r}")
    tool = _tool_name(raw.get("toolName"))
    arguments = raw.get("arguments", {})
    if not isinstance(arguments, dict):
        raise WorkflowError(f"step {step_id}: arguments must be an object")
    deps = _check_dependencies(step_id, raw.get("dependsOn"), earlier, media_count)
    _check_arguments(step_id, tool, arguments, deps)
    return {
        "id": step_id,
        "toolName": tool.removeprefix("sogni_"),
        "arguments": dict(arguments),
        "dependsOn": deps,
    }
