"""Saved workflow templates: each account's own, next to a few public system templates.

A run of a template substitutes its ``inputs`` into the stages' string arguments
(``"{{name}}"`` alone keeps the input's type).
"""

from __future__ import annotations

import copy
import re
import secrets
from typing import Any

from .clock import iso_ms, now_ms
from .workflow_plans import WorkflowError

__all__ = ["SYSTEM_TEMPLATES", "TemplateStore", "template_input"]

JsonDict = dict[str, Any]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")

SYSTEM_TEMPLATES: tuple[JsonDict, ...] = (
    {
        "id": "tpl_poster_to_clip",
        "name": "Poster to clip",
        "version": "1.0.0",
        "description": "An image of the brief, then a short video of it moving.",
        "category": "video",
        "stability": "production",
        "author": "system",
        "visibility": "public",
        "inputs": [
            {"name": "brief", "type": "string", "required": True},
            {"name": "duration", "type": "number", "default": 2},
        ],
        "stages": [
            {"id": "poster", "toolName": "generate_image", "arguments": {"prompt": "{{brief}}"}},
            {
                "id": "clip",
                "toolName": "generate_video",
                "arguments": {"prompt": "{{brief}}, in motion", "duration": "{{duration}}"},
                "dependsOn": [
                    {
                        "sourceStepId": "poster",
                        "targetArgument": "reference_image_url",
                        "transform": "artifact_url",
                    }
                ],
            },
        ],
        "exposeToLLM": True,
        "llmPriority": 10,
        "estimatedCapacityUnits": {"min": 20, "max": 40},
        "tags": ["video", "starter"],
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
    },
    {
        "id": "tpl_song",
        "name": "Song from a theme",
        "version": "1.0.0",
        "description": "A song about the theme.",
        "category": "music",
        "stability": "beta",
        "author": "system",
        "visibility": "public",
        "inputs": [{"name": "theme", "type": "string", "required": True}],
        "stages": [
            {
                "id": "song",
                "toolName": "generate_music",
                "arguments": {"prompt": "a song about {{theme}}", "duration": 10},
            }
        ],
        "exposeToLLM": False,
        "tags": ["music"],
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
    },
)
"""Public templates every account sees."""

_READ_ONLY_TEMPLATE_KEYS = ("id", "author", "createdAt", "forkedFrom")


class TemplateStore:
    """Saved workflow templates: each account's own, plus the public system ones."""

    def __init__(self) -> None:
        self._own: dict[str, dict[str, JsonDict]] = {}  # owner -> id -> template
        self._public = {t["id"]: copy.deepcopy(t) for t in SYSTEM_TEMPLATES}

    def visible(self, owner: str, visibility: str) -> list[JsonDict]:
        """``own``, ``public`` or ``all`` (the default) templates, own ones first."""
        own = list(self._own.get(owner, {}).values())
        public = list(self._public.values())
        chosen = {"own": own, "public": public}.get(visibility, own + public)
        return [copy.deepcopy(t) for t in chosen]

    def find(self, template_id: str, owner: str) -> JsonDict | None:
        """An own or public template."""
        found = self._own.get(owner, {}).get(template_id) or self._public.get(template_id)
        return copy.deepcopy(found) if found is not None else None

    def _owned(self, template_id: str, owner: str) -> dict[str, Any]:
        own = self._own.get(owner, {})
        if template_id in own:
            return own
        if template_id in self._public:
            raise WorkflowError(f"Template {template_id} is not yours to change", 403)
        raise WorkflowError(f"Template {template_id} not found", 404)

    def create(self, owner: str, author: JsonDict, body: JsonDict) -> JsonDict:
        """Save a new template of ``owner``."""
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise WorkflowError("A template needs a name")
        _check_template_parts(body)
        own = self._own.setdefault(owner, {})
        template_id = body.get("id")
        if template_id is None:
            template_id = "tpl_" + secrets.token_hex(8)
        elif not isinstance(template_id, str) or not template_id:
            raise WorkflowError("A template id must be a non-empty string")
        if template_id in own or template_id in self._public:
            raise WorkflowError(f"Template {template_id} already exists", 409)
        stamp = iso_ms(now_ms())
        template = {
            "version": "1.0.0",
            "description": "",
            "visibility": "private",
            "inputs": [],
            "stages": [],
            **copy.deepcopy(body),
            "id": template_id,
            "author": author,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        own[template_id] = template
        return copy.deepcopy(template)

    def update(self, owner: str, template_id: str, patch: JsonDict) -> JsonDict:
        """Change fields of an own template."""
        own = self._owned(template_id, owner)
        if "name" in patch and (not isinstance(patch["name"], str) or not patch["name"]):
            raise WorkflowError("A template needs a name")
        _check_template_parts(patch)
        changes = {k: v for k, v in patch.items() if k not in _READ_ONLY_TEMPLATE_KEYS}
        own[template_id].update(copy.deepcopy(changes), updatedAt=iso_ms(now_ms()))
        return copy.deepcopy(own[template_id])

    def delete(self, owner: str, template_id: str) -> None:
        """Delete an own template."""
        del self._owned(template_id, owner)[template_id]

    def fork(self, owner: str, author: JsonDict, template_id: str, new_name: Any) -> JsonDict:
        """An own copy of an own or public template."""
        source = self.find(template_id, owner)
        if source is None:
            raise WorkflowError(f"Template {template_id} not found", 404)
        if new_name is not None and (not isinstance(new_name, str) or not new_name.strip()):
            raise WorkflowError("newName must be a non-empty string")
        body = {k: v for k, v in source.items() if k not in _READ_ONLY_TEMPLATE_KEYS}
        body.update(
            name=new_name or f"{source['name']} (copy)",
            visibility="private",
            forkedFrom=template_id,
        )
        forked = self.create(owner, author, body)
        self._own[owner][forked["id"]]["forkedFrom"] = template_id
        forked["forkedFrom"] = template_id
        return forked


def _check_template_parts(body: JsonDict) -> None:
    for key in ("inputs", "stages"):
        if key in body and not isinstance(body[key], list):
            raise WorkflowError(f"{key} must be an array")


def _substitute(value: Any, inputs: JsonDict) -> Any:
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value.strip())
        if whole is not None and whole.group(1) in inputs:
            return inputs[whole.group(1)]  # the input itself, keeping its type
        return _PLACEHOLDER.sub(lambda m: str(inputs.get(m.group(1), m.group(0))), value)
    if isinstance(value, dict):
        return {k: _substitute(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, inputs) for v in value]
    return value


def template_input(template: JsonDict, given: Any) -> JsonDict:
    """The inline input a run of ``template`` executes: its stages with the ``given``
    inputs (and the declared defaults) substituted; :class:`WorkflowError` for a missing
    required input or a template without stages."""
    if given is not None and not isinstance(given, dict):
        raise WorkflowError("inputs must be an object")
    values: JsonDict = {}
    for declared in template.get("inputs") or []:
        if not isinstance(declared, dict):
            continue
        name = declared.get("name") or declared.get("id")
        if not isinstance(name, str):
            continue
        if given and name in given:
            values[name] = given[name]
        elif "default" in declared:
            values[name] = declared["default"]
        elif declared.get("required"):
            raise WorkflowError(f"Template {template['id']} needs the input {name!r}")
    values.update({k: v for k, v in (given or {}).items() if k not in values})
    stages = template.get("stages")
    if not isinstance(stages, list) or not stages:
        raise WorkflowError(f"Template {template['id']} has no stages to run")
    return {"title": template["name"], "steps": _substitute(copy.deepcopy(stages), values)}
