"""Reading the schema documents and turning JSON Schema types into Python annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.naming import python_name

#: Documents marked ``"x-codegen": "models"`` have their ``$defs`` turned into attrs models;
#: this order comes first, any other marked document follows in name order.
FIRST_DOCUMENTS = ("client.json", "models.json", "project_params.json")

#: Keywords copied into a field's metadata so values can be checked before any I/O.
CHECKED_KEYWORDS = ("type", "enum", "const", "minimum", "maximum", "minLength")


def checks(prop: dict[str, Any]) -> dict[str, Any]:
    """The checks of a property: its :data:`CHECKED_KEYWORDS`, those of its array ``items``
    (as ``items``), ``vocabulary`` for a property whose values are a set of
    ``schemas/vocabulary.json``, ``asset: True`` for a property marked ``x-asset`` (a
    file path, bytes or file object, or a list of them), and ``local: True`` for a value the
    SDK keeps for itself and never sends (``x-local``: a timeout, an HTTP client)."""
    result = {k: prop[k] for k in CHECKED_KEYWORDS if k in prop}
    if "x-vocabulary" in prop:
        result["vocabulary"] = prop["x-vocabulary"]
    items = {k: v for k, v in prop.get("items", {}).items() if k in CHECKED_KEYWORDS}
    if items:
        result["items"] = items
    if prop.get("x-asset"):
        result["asset"] = True
    if prop.get("x-local"):
        result["local"] = True
    return result


@dataclass
class Field:
    """One property of a model."""

    wire: str
    name: str
    annotation: str
    required: bool
    description: str
    default: Any
    check: dict[str, Any]
    env: str | None
    secret: bool


@dataclass
class Model:
    """One ``$defs`` entry."""

    name: str
    description: str
    fields: list[Field]
    response: bool
    discriminator: dict[str, str] | None = None
    frozen: bool = True
    extra_doc: list[str] = field(default_factory=list)


def load(path: Path) -> dict[str, Any]:
    """Load one schema document."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def annotation(prop: dict[str, Any]) -> str:
    """The Python type annotation for a property schema."""
    if "x-python-type" in prop:
        return str(prop["x-python-type"])
    if "x-vocabulary" in prop:
        return str(prop["x-vocabulary"])
    if "const" in prop:
        return f"Literal[{prop['const']!r}]"
    if "enum" in prop:
        return "Literal[" + ", ".join(repr(v) for v in prop["enum"]) + "]"
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    kind = prop.get("type")
    if kind == "array":
        return f"list[{annotation(prop.get('items', {}))}]"
    simple = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
    if isinstance(kind, str) and kind in simple:
        return simple[kind]
    if kind == "object":
        return "dict[str, Any]"
    return "Any"


def model_documents(schema_dir: Path) -> list[Path]:
    """The schema documents that define models, in output order."""
    marked = [p for p in sorted(schema_dir.glob("*.json")) if load(p).get("x-codegen") == "models"]
    return sorted(
        marked,
        key=lambda p: (
            p.name not in FIRST_DOCUMENTS,
            FIRST_DOCUMENTS.index(p.name) if p.name in FIRST_DOCUMENTS else 0,
            p.name,
        ),
    )


def model_imports(schema_dir: Path) -> list[str]:
    """Import lines the model documents ask for (``x-imports``), e.g. for ``x-python-type``."""
    lines: list[str] = []
    for document in model_documents(schema_dir):
        for line in load(document).get("x-imports", []):
            if line not in lines:
                lines.append(line)
    return lines


def operations(schema_dir: Path) -> dict[str, Any]:
    """The operation tables of ``schemas/operations/*.json``, merged in name order."""
    merged: dict[str, Any] = {"groups": [], "views": {}, "imports": [], "operations": []}
    for path in sorted((schema_dir / "operations").glob("*.json")):
        table = load(path)
        merged["groups"] += table.get("groups", [])
        merged["views"].update(table.get("views", {}))
        merged["imports"] += [i for i in table.get("imports", []) if i not in merged["imports"]]
        merged["operations"] += table.get("operations", [])
    return merged


def models(schema_dir: Path) -> list[Model]:
    """Every model defined by the model documents, in document order."""
    result = []
    for document in model_documents(schema_dir):
        for name, spec in load(document)["$defs"].items():
            required = set(spec.get("required", []))
            fields = [
                Field(
                    wire=wire,
                    name=python_name(wire, prop),
                    annotation=annotation(prop),
                    required=wire in required,
                    description=str(prop.get("description", "")),
                    default=prop.get("default"),
                    check=checks(prop),
                    env=prop.get("x-env"),
                    secret=bool(prop.get("x-secret")),
                )
                for wire, prop in spec["properties"].items()
            ]
            result.append(
                Model(
                    name=name,
                    description=str(spec.get("description", name)),
                    fields=fields,
                    response=bool(spec.get("x-response")),
                    discriminator=spec.get("x-discriminator"),
                )
            )
    return result
