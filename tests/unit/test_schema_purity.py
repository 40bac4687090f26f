"""The schemas are JSON Schema: no Python type strings, expressions or import lines."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from codegen.host_types import HOST_TYPES  # noqa: E402
from codegen.schema import operations, resolve  # noqa: E402

SCHEMAS = ROOT / "schemas"
JSON_TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}
#: The JSON Schema keywords an argument or result may use.
KEYWORDS = {
    "type", "enum", "const", "anyOf", "items", "prefixItems", "minItems", "maxItems",
    "additionalProperties", "minimum", "maximum", "minLength", "maxLength", "default",
    "description", "$ref",
}  # fmt: skip
#: Annotations of our own: ``x-host-type`` and ``x-view`` name what JSON cannot say.
EXTENSIONS = {"x-host-type", "x-vocabulary", "x-view", "x-keyword-only", "x-prepare"}
VOCABULARY = json.loads((SCHEMAS / "vocabulary.json").read_text(encoding="utf-8"))["vocabulary"]
PYTHON_KEYS = {"imports", "x-imports", "x-python-type"}


def _documents() -> list[Path]:
    return sorted(SCHEMAS.rglob("*.json"))


def _schema_documents() -> list[Path]:
    """The documents codegen reads as JSON Schema (the tool sets are OpenAI tool lists)."""
    return [
        path
        for path in _documents()
        if path.parent.name == "operations"
        or json.loads(path.read_text(encoding="utf-8")).get("x-codegen") == "models"
    ]


def _walk(node: Any, where: str) -> Iterator[tuple[str, str, Any]]:
    """Every (place, key, value) of a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield where, key, value
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


@pytest.mark.parametrize("path", _documents(), ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_no_document_holds_python(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    found = [f"{where}/{key}" for where, key, _ in _walk(document, "") if key in PYTHON_KEYS]
    assert found == []


@pytest.mark.parametrize("path", _schema_documents(), ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_every_type_keyword_names_json_types(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    bad = []
    for where, key, value in _walk(document, ""):
        if key != "type" or where.endswith("/properties"):
            continue  # a property named "type" is not the keyword
        if not isinstance(value, (str, list)):
            continue
        kinds = value if isinstance(value, list) else [value]
        if not set(kinds) <= JSON_TYPES:
            bad.append(f"{where}: {value!r}")
    assert bad == []


def _problems(schema: dict[str, Any], where: str) -> Iterator[str]:
    """What keeps ``schema`` from being an argument or result schema in our dialect."""
    unknown = set(schema) - KEYWORDS - EXTENSIONS
    if unknown:
        yield f"{where}: unknown keywords {sorted(unknown)}"
    kinds = schema.get("type", [])
    if not set(kinds if isinstance(kinds, list) else [kinds]) <= JSON_TYPES:
        yield f"{where}: type {kinds!r}"
    if "x-host-type" in schema and schema["x-host-type"] not in HOST_TYPES:
        yield f"{where}: no host type {schema['x-host-type']!r}"
    if "x-vocabulary" in schema and schema["x-vocabulary"] not in VOCABULARY:
        yield f"{where}: no vocabulary {schema['x-vocabulary']!r}"
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _problems(schema[key], f"{where}/{key}")
    for key in ("anyOf", "prefixItems"):
        for index, member in enumerate(schema.get(key, [])):
            yield from _problems(member, f"{where}/{key}/{index}")
    if "default" in schema and not _accepts(schema, schema["default"]):
        yield f"{where}: the default {schema['default']!r} does not fit the schema"


def _accepts(schema: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` is valid JSON for ``schema`` (what JSON can tell; a host type or a
    model accepts any non-null value)."""
    if "anyOf" in schema:
        return any(_accepts(member, value) for member in schema["anyOf"])
    if "enum" in schema:
        return value in schema["enum"]
    if "const" in schema:
        return bool(value == schema["const"])
    if "x-vocabulary" in schema and isinstance(value, str):
        return value in VOCABULARY[schema["x-vocabulary"]]["values"]
    kinds = schema.get("type")
    if kinds is None:
        return value is not None or not ("x-host-type" in schema or "$ref" in schema)
    kinds = kinds if isinstance(kinds, list) else [kinds]
    checks = {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    if not any(checks.get(kind, False) for kind in kinds):
        return False
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        return False
    return not (
        "maximum" in schema and isinstance(value, (int, float)) and value > schema["maximum"]
    )


def _schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    table = operations(SCHEMAS)
    for op in table["operations"]:
        name = f"{op['group'] or 'client'}.{op['name']}"
        yield f"{name} returns", op["returns"]
        for arg, schema in op.get("args", {}).items():
            yield f"{name}({arg})", schema
        for index, variant in enumerate(op.get("overloads", [])):
            yield f"{name} overload {index} returns", variant["returns"]
            for arg, schema in variant["args"].items():
                yield f"{name} overload {index} ({arg})", schema
    for name, view in table["views"].items():
        yield f"view {name} wraps", view["wraps"]


def test_every_argument_and_result_is_a_json_schema() -> None:
    problems = [problem for where, schema in _schemas() for problem in _problems(schema, where)]
    assert problems == []


def test_every_argument_says_what_it_is() -> None:
    table = operations(SCHEMAS)
    missing = [
        f"{op['name']}({arg})"
        for op in table["operations"]
        for arg, schema in op.get("args", {}).items()
        if not schema.get("description")
    ]
    assert missing == []


def test_an_argument_reference_is_resolved_and_a_model_reference_kept() -> None:
    here = SCHEMAS / "operations"
    shared = resolve({"$ref": "arguments.json#/$defs/run_id", "x-keyword-only": True}, here)
    assert shared["type"] == "string" and shared["x-keyword-only"] is True
    assert "$ref" not in shared
    model = {"$ref": "../models.json#/$defs/CostEstimate"}
    assert resolve(model, here) == model


def test_the_helpers_tell_a_bad_schema() -> None:
    bad = {"type": "str | None", "default": "None", "x-python-type": "str"}
    assert len(list(_problems(bad, "bad"))) == 3
    assert not _accepts({"type": ["integer", "null"], "minimum": 1}, 0)
    assert _accepts({"type": "string", "x-vocabulary": "TokenType"}, "spark")
    assert not _accepts({"type": "string", "x-vocabulary": "TokenType"}, "gold")
