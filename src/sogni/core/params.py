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

from sogni.core._generated.vocabulary import VALUES as VOCABULARY
from sogni.core.errors import ValidationError
from sogni.core.json_safe import check_json_safe, child_path

T = TypeVar("T")

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (Mapping,),
}


def check_value(name: str, value: Any, check: Mapping[str, Any]) -> None:
    """Raise :class:`ValidationError` unless ``value`` satisfies the schema constraints.

    ``None`` means "not given" and passes. Besides the JSON Schema keywords, ``items``
    checks each element of a list, ``vocabulary`` names a set of allowed values in
    :mod:`sogni.core._generated.vocabulary`, and ``asset`` checks a value (or each element of a
    list) is something an asset can be.
    """
    if value is None:
        return
    if check.get("asset"):
        _check_assets(name, value, is_list=check.get("type") == "array")
        return
    if "const" in check and value != check["const"]:
        raise ValidationError(
            f"{name} must be {check['const']!r}, got {value!r}",
            field=name,
            allowed=[check["const"]],
        )
    allowed = VOCABULARY[check["vocabulary"]] if "vocabulary" in check else check.get("enum")
    if allowed is not None and value not in allowed:
        raise ValidationError(f"{name} {value!r} is not supported", field=name, allowed=allowed)
    kind = check.get("type")
    if kind in _JSON_TYPES:
        is_bool = isinstance(value, bool)
        if not isinstance(value, _JSON_TYPES[kind]) or (is_bool and kind != "boolean"):
            raise ValidationError(
                f"{name} must be a {kind}, got {type(value).__name__} {value!r}", field=name
            )
        if kind == "number" and isinstance(value, float) and not math.isfinite(value):
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
    if "items" in check:
        for index, item in enumerate(value):
            _check_item(f"{name}[{index}]", item, check["items"])


def _check_item(name: str, item: Any, check: Mapping[str, Any]) -> None:
    if item is None:  # inside a list, None is a value (null), not "not given"
        raise ValidationError(
            f"{name} must be a {check.get('type', 'value')}, got None", field=name
        )
    check_value(name, item, check)


_ASSET_TYPES = (
    "a file path, bytes, a binary file object opened with 'rb', an AssetRef to a saved upload, "
    "or True"
)


def _check_assets(name: str, value: Any, *, is_list: bool) -> None:
    if not is_list:
        check_asset(name, value)
        return
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValidationError(
            f"{name} must be a list of assets, got {type(value).__name__}",
            field=name,
            allowed=f"a list of: {_ASSET_TYPES}",
        )
    for index, item in enumerate(value):
        check_asset(f"{name}[{index}]", item)


def check_asset(name: str, value: Any) -> None:
    """Raise :class:`ValidationError` unless ``value`` is something an asset can be.

    Paths are only checked, not opened (that happens right before uploading); a path with
    a NUL character can never name a file, so it is refused here.
    """
    from sogni.core.assets import AssetRef  # loaded with the first asset, not the client
    from sogni.core.effects import RemoteAsset

    if isinstance(value, (bool, bytes, bytearray, memoryview, RemoteAsset, AssetRef)):
        return
    if isinstance(value, (str, os.PathLike)):
        _check_path(name, value)
        return
    if callable(getattr(value, "read", None)):
        return
    raise ValidationError(
        f"{name} must be an asset, got {type(value).__name__}", field=name, allowed=_ASSET_TYPES
    )


def _check_path(name: str, value: str | os.PathLike[Any]) -> None:
    try:
        path = os.fspath(value)
    except TypeError as exc:
        raise ValidationError(f"{name}: not a usable path ({exc})", field=name) from None
    if ("\0" if isinstance(path, str) else b"\0") in path:
        raise ValidationError(
            f"{name}: a file path cannot contain a NUL character, got {path!r}",
            field=name,
            allowed=_ASSET_TYPES,
        )


def _range_text(check: Mapping[str, Any]) -> str:
    low, high = check.get("minimum"), check.get("maximum")
    if low is not None and high is not None:
        return f"{low}..{high}"
    return f">= {low}" if low is not None else f"<= {high}"


def check_model(instance: Any, prefix: str = "") -> None:
    """Check every field of a generated model against its schema constraints.

    Beyond the constraints, every value must be sendable: strict JSON (no NaN, no lone
    surrogates, no exotic types, see :func:`~sogni.core.json_safe.check_json_safe`), a
    nested model, or an asset where the schema says so. ``prefix`` is put before the
    field names in errors (``control_net.``).
    """
    for field in attrs.fields(type(instance)):
        name = prefix + field.name
        value = getattr(instance, field.name)
        check = field.metadata.get("check") or {}
        if check:
            check_value(name, value, check)
        if value is not None and not (check.get("asset") or check.get("local")):
            _check_sendable(name, value)


#: The only mapping-valued parameter (``control_net``) carries its asset under this key.
_MAPPING_ASSET_KEYS = frozenset({"image"})


def _check_sendable(name: str, value: Any) -> None:
    if attrs.has(type(value)):
        check_model(value, f"{name}.")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(
                    f"{name} has a key {key!r} of type {type(key).__name__}; keys must be strings",
                    field=name,
                    allowed="str keys",
                )
            if key in _MAPPING_ASSET_KEYS:
                if item is not None:
                    check_asset(f"{name}.{key}", item)
            else:
                check_json_safe(item, child_path(name, key))
    else:
        check_json_safe(value, name)


def build_params(
    classes: Mapping[str, type[T]], params: T | None, overrides: Mapping[str, Any]
) -> T:
    """Merge a typed params object with keyword overrides and check the result.

    ``classes`` maps a project ``type`` to its params class; ``None`` overrides mean
    "not given". Raises :class:`ValidationError` for a missing required value, a keyword
    that the project type does not accept, or a value that breaks a constraint or cannot
    be sent; a positional ``params`` that is not one of ``classes`` is refused naming
    ``params``.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    if params is None:
        kind = given.get("type", "image")
        cls = classes.get(kind) if isinstance(kind, str) else None
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
        _check_params_object(classes, params)
        try:
            result = attrs.evolve(params, **given)  # type: ignore[misc]
        except TypeError as exc:
            raise ValidationError(f"invalid parameter: {exc}") from None
    check_model(result)
    return result


def _check_params_object(classes: Mapping[str, type[Any]], params: Any) -> None:
    allowed = [cls.__name__ for cls in classes.values()]
    if isinstance(params, tuple(classes.values())):
        return
    advice = (
        " (pass a mapping's items as keyword arguments: create(**values))"
        if isinstance(params, Mapping)
        else ""
    )
    names = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
    raise ValidationError(
        f"params must be a params object ({names}), got {type(params).__name__}{advice}",
        field="params",
        allowed=allowed,
    )


def to_wire(instance: Any) -> dict[str, Any]:
    """The camelCase dictionary of a generated model, without unset (``None``) fields."""
    result: dict[str, Any] = {}
    for field in attrs.fields(type(instance)):
        wire = field.metadata.get("wire")
        value = getattr(instance, field.name)
        if wire is not None and value is not None:
            result[wire] = to_wire(value) if attrs.has(type(value)) else value
    return result


#: Prefix of the app ids generated for clients that were given none.
GENERATED_APP_ID_PREFIX = "sogni-python-"


def new_app_id() -> str:
    """A fresh unique app id (one per client, and per process after a fork)."""
    return f"{GENERATED_APP_ID_PREFIX}{uuid.uuid4()}"


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
        resolved["app_id"] = new_app_id()
    instance = cls(**resolved)
    check_model(instance)
    return instance
