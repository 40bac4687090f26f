"""Reading the schema documents: the models with their checks, and the operation tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.naming import python_name
from codegen.python_types import MODEL_INPUT, RESULT, annotation, imports

#: The module of the generated vocabulary types.
VOCABULARY_MODULE = "sogni.core._generated.vocabulary"

#: Documents marked ``"x-codegen": "models"`` have their ``$defs`` turned into attrs models;
#: this order comes first, any other marked document follows in name order.
FIRST_DOCUMENTS = ("client.json", "models.json", "project_params.json")

#: The ``x-host-type`` of a file the SDK uploads before it sends a request.
ASSET = "asset"

#: Keywords copied into a field's metadata so values can be checked before any I/O.
CHECKED_KEYWORDS = ("type", "enum", "const", "minimum", "maximum", "minLength")


def checks(prop: dict[str, Any]) -> dict[str, Any]:
    """The checks of a property: its :data:`CHECKED_KEYWORDS`, those of its array ``items``
    (as ``items``), ``vocabulary`` for a property whose values are a set of
    ``schemas/vocabulary.json``, ``asset: True`` for an asset (``"x-host-type": "asset"``:
    a file path, bytes or file object) or a list of them, and ``local: True`` for a value
    the SDK keeps for itself and never sends (``x-local``: a timeout, an HTTP client)."""
    result = {k: prop[k] for k in CHECKED_KEYWORDS if k in prop}
    if "x-vocabulary" in prop:
        result["vocabulary"] = prop["x-vocabulary"]
    items = {k: v for k, v in prop.get("items", {}).items() if k in CHECKED_KEYWORDS}
    if items:
        result["items"] = items
    if ASSET in (prop.get("x-host-type"), prop.get("items", {}).get("x-host-type")):
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
    #: The module (under ``sogni.core._generated.models``) the model is written to: its
    #: schema document's name.
    module: str = "models"


def load(path: Path) -> dict[str, Any]:
    """Load one schema document."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


#: The package the generated models are written to.
MODELS_PACKAGE = "sogni.core._generated.models"

#: Schema documents whose models module has another name than the document.
MODULE_NAMES = {"models": "catalog"}


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


def model_imports(schema_dir: Path, module: str) -> list[str]:
    """Import lines the annotations of one models module need (models of other modules
    included: a type's annotations resolve in its own module)."""
    all_models = models(schema_dir)
    own = [m for m in all_models if m.module == module]
    elsewhere = {m.name: f"{MODELS_PACKAGE}.{m.module}" for m in all_models if m.module != module}
    return imports(
        [f.annotation for m in own for f in m.fields],
        {**vocabulary_sources(schema_dir), **elsewhere},
        local=[m.name for m in own] + ["Any", "Literal"],  # the module's own imports
    )


def vocabulary_sources(schema_dir: Path) -> dict[str, str | None]:
    """The vocabulary types (``x-vocabulary``), by the module that defines them."""
    names = load(schema_dir / "vocabulary.json")["vocabulary"]
    return dict.fromkeys(names, VOCABULARY_MODULE)


def resolve(node: Any, base: Path) -> Any:
    """``node`` with every ``$ref`` to a plain schema replaced by the schema it names
    (its siblings win); a ``$ref`` to a model is kept, it stands for the model's class."""
    if isinstance(node, list):
        return [resolve(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not _names_model(ref, base):
        target = _pointer(ref, base)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return resolve({**target, **siblings}, _document(ref, base).parent)
    return {key: resolve(value, base) for key, value in node.items()}


def _document(ref: str, base: Path) -> Path:
    return (base / ref.split("#", 1)[0]).resolve()


def _pointer(ref: str, base: Path) -> dict[str, Any]:
    node: Any = load(_document(ref, base))
    for part in ref.split("#", 1)[1].strip("/").split("/"):
        node = node[part]
    if not isinstance(node, dict):
        raise ValueError(f"{ref} does not name a schema")
    return node


def _names_model(ref: str, base: Path) -> bool:
    """Whether ``ref`` names a ``$defs`` entry of a model document (a generated class)."""
    document = _document(ref, base)
    if ref.startswith("#") or not document.is_file():
        raise ValueError(f"{ref}: an operation table refers to another document")
    pointer = ref.split("#", 1)[1]
    schema = load(document)
    if schema.get("x-codegen") != "models" or not pointer.startswith("/$defs/"):
        return False
    if pointer[len("/$defs/") :] not in schema["$defs"]:
        raise ValueError(f"{ref}: no such model")
    return True


def operations(schema_dir: Path) -> dict[str, Any]:
    """The operation tables of ``schemas/operations/*.json``, merged in name order, with
    every ``$ref`` to a shared argument resolved; ``sources`` adds where the vocabulary
    types come from, for the facades' imports."""
    merged: dict[str, Any] = {
        "groups": [],
        "views": {},
        "operations": [],
        "sources": vocabulary_sources(schema_dir),
    }
    for path in sorted((schema_dir / "operations").glob("*.json")):
        table = resolve(load(path), path.parent)
        merged["groups"] += table.get("groups", [])
        merged["views"].update(table.get("views", {}))
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
                    annotation=annotation(prop, MODEL_INPUT if spec.get("x-input") else RESULT),
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
                    module=MODULE_NAMES.get(document.stem, document.stem),
                )
            )
    return result
