"""Building, checking and converting the generated parameter models.

Every generated field carries its wire name and the schema's simple constraints in its
metadata; this module uses them to check values before any I/O and to turn models into
the network's camelCase dictionaries.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from sogni.errors import ValidationError

T = TypeVar("T")

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


def check_value(name: str, value: Any, check: Mapping[str, Any]) -> None:
    """Raise :class:`ValidationError` unless ``value`` satisfies the schema constraints."""
    if value is None:
        return
    if "const" in check and value != check["const"]:
        raise ValidationError(
            f"{name} must be {check['const']!r}, got {value!r}",
            field=name,
            allowed=[check["const"]],
        )
    if "enum" in check and value not in check["enum"]:
        raise ValidationError(
            f"{name} {value!r} is not supported", field=name, allowed=check["enum"]
        )
    kind = check.get("type")
    if kind in _JSON_TYPES:
        is_bool = isinstance(value, bool)
        if not isinstance(value, _JSON_TYPES[kind]) or (is_bool and kind != "boolean"):
            raise ValidationError(
                f"{name} must be a {kind}, got {type(value).__name__} {value!r}", field=name
            )
        if kind == "number" and not math.isfinite(value):  # type: ignore[arg-type]
            raise ValidationError(f"{name} must be a finite number, got {value!r}", field=name)
    if "minimum" in check and value < check["minimum"]:
        raise ValidationError(
            f"{name} must be at least {check['minimum']}, got {value!r}",
            field=name,
            allowed=_range_text(check),
        )
    if "maximum" in check and value > check["maximum"]:
        raise ValidationError(
            f"{name} must be at most {check['maximum']}, got {value!r}",
            field=name,
            allowed=_range_text(check),
        )
    if "minLength" in check and len(value) < check["minLength"]:
        raise ValidationError(f"{name} must not be empty", field=name)


def _range_text(check: Mapping[str, Any]) -> str:
    low, high = check.get("minimum"), check.get("maximum")
    if low is not None and high is not None:
        return f"{low}..{high}"
    return f">= {low}" if low is not None else f"<= {high}"


def check_model(instance: Any) -> None:
    """Check every field of a generated model against its schema constraints."""
    for field in attrs.fields(type(instance)):
        check = field.metadata.get("check")
        if check:
            check_value(field.name, getattr(instance, field.name), check)


def build_params(
    classes: Mapping[str, type[T]], params: T | None, overrides: Mapping[str, Any]
) -> T:
    """Merge a typed params object with keyword overrides and check the result.

    ``classes`` maps a project ``type`` to its params class; ``None`` overrides mean
    "not given". Raises :class:`ValidationError` for a missing required value, a keyword
    that the project type does not accept, or a value that breaks a constraint.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    if params is None:
        kind = given.get("type", "image")
        cls = classes.get(kind)
        if cls is None:
            raise ValidationError(
                f"unknown project type {kind!r}", field="type", allowed=list(classes)
            )
        fields = {f.name for f in attrs.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(given) - fields)
        if unknown:
            raise ValidationError(
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a parameter of "
                f"{kind} projects",
                field=unknown[0],
            )
        missing = [
            f.name
            for f in attrs.fields(cls)  # type: ignore[arg-type]
            if f.default is attrs.NOTHING and f.name not in given
        ]
        if missing:
            raise ValidationError(f"{', '.join(missing)} is required", field=missing[0])
        result = cls(**given)
    else:
        try:
            result = attrs.evolve(params, **given)  # type: ignore[misc]
        except TypeError as exc:
            raise ValidationError(f"invalid parameter: {exc}") from None
    check_model(result)
    return result


def to_wire(instance: Any) -> dict[str, Any]:
    """The camelCase dictionary of a generated model, without unset (``None``) fields."""
    result: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        wire = field.metadata.get("wire")
        value = getattr(instance, field.name)
        if wire is not None and value is not None:
            result[wire] = to_wire(value) if attrs.has(type(value)) else value
    return result


def resolve_config(cls: type[T], values: Mapping[str, Any]) -> T:
    """Build a config model: explicit values, then environment variables, then defaults.

    An omitted ``app_id`` becomes a fresh unique id, so that two clients never replace
    each other's connection.
    """
    resolved: dict[str, Any] = {}
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        value = values.get(field.name)
        env = field.metadata.get("env")
        if value is None and env:
            value = os.environ.get(env) or None
        if value is not None:
            resolved[field.name] = value
    if resolved.get("app_id") is None and "app_id" in attrs.fields_dict(cls):  # type: ignore[arg-type]
        resolved["app_id"] = f"sogni-python-{uuid.uuid4()}"
    instance = cls(**resolved)
    check_model(instance)
    return instance
