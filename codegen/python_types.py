"""JSON Schema -> Python annotations, and the imports the annotations need.

The same schema reads differently where a value goes in and where it comes out: an
argument accepts any ``Mapping`` or ``Sequence`` (it is only read), a result is a ``dict``
or a ``list``. Fields of a model the caller builds (``x-input``) accept any ``Mapping``
(the checks accept one) but keep ``list``, which is what the checks accept for an array.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from codegen.host_types import BUILTINS, HOST_TYPES, SOURCES

_SIMPLE = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True)
class Style:
    """How containers read in one place: ``dict``/``list`` or ``Mapping``/``Sequence``."""

    mapping: str = "dict"
    sequence: str = "list"
    #: Renders an ``x-view`` name (the sync or the async view class).
    view: Callable[[str], str] | None = None


RESULT = Style()
MODEL_INPUT = Style(mapping="Mapping")
ARGUMENT = Style(mapping="Mapping", sequence="Sequence")


def annotation(schema: dict[str, Any], style: Style = RESULT) -> str:
    """The Python annotation of a value described by ``schema``."""
    if "x-host-type" in schema:
        return HOST_TYPES[schema["x-host-type"]]
    if "x-view" in schema:
        if style.view is None:
            raise ValueError(f"x-view {schema['x-view']!r} where no views apply")
        return style.view(schema["x-view"])
    if "anyOf" in schema:
        return " | ".join(annotation(member, style) for member in schema["anyOf"])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return " | ".join(annotation({**schema, "type": kind}, style) for kind in kinds)
    if "x-vocabulary" in schema and kinds != "null":
        return str(schema["x-vocabulary"])
    if "const" in schema:
        return f"Literal[{schema['const']!r}]"
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        literal = "Literal[" + ", ".join(repr(v) for v in values) + "]"
        return literal + " | None" if None in schema["enum"] else literal
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if kinds == "array":
        if "prefixItems" in schema:
            members = ", ".join(annotation(item, style) for item in schema["prefixItems"])
            return f"tuple[{members}]"
        return f"{style.sequence}[{annotation(schema.get('items', {}), style)}]"
    if kinds == "object":
        values = schema.get("additionalProperties")
        value = annotation(values, style) if isinstance(values, dict) else "Any"
        return f"{style.mapping}[str, {value}]"
    if isinstance(kinds, str) and kinds in _SIMPLE:
        return _SIMPLE[kinds]
    return "Any"


_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")


def names(text: str) -> set[str]:
    """The names an annotation refers to (the module of a dotted name), strings left out."""
    return {name.split(".", 1)[0] for name in _NAME.findall(_STRING.sub("", text))}


def imports(
    annotations: Iterable[str],
    sources: Mapping[str, str | None],
    local: Iterable[str] = (),
) -> list[str]:
    """The import lines the annotations need.

    ``local`` names are defined where the annotations are, imported already or
    star-imported there; any other name must be a builtin or be listed in :data:`SOURCES`
    or ``sources`` (e.g. the vocabulary types).
    """
    sources = {**SOURCES, **sources}
    known = set(local) | BUILTINS
    modules: set[str] = set()
    by_module: dict[str, set[str]] = {}
    for text in annotations:
        for name in names(text) - known:
            if name not in sources:
                raise KeyError(f"{name!r} (in {text!r}) has no entry in codegen.host_types.SOURCES")
            module = sources[name]
            if module is None:
                modules.add(name)
            else:
                by_module.setdefault(module, set()).add(name)
    lines = [f"import {module}" for module in sorted(modules)]
    lines += [f"from {m} import {', '.join(sorted(by_module[m]))}" for m in sorted(by_module)]
    return lines
