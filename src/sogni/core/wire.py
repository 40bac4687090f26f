"""Turning the network's camelCase JSON into the generated attrs models.

A cattrs converter learns each model's wire names from its field metadata. Fields the
network sends that the model does not declare are kept in the model's ``extra`` mapping,
so nothing the server says is lost.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from sogni.core.errors import SogniError

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")


@functools.cache
def _converter() -> cattrs.Converter:
    import cattrs  # on the first record read: importing the SDK does not load cattrs

    converter = cattrs.Converter()
    converter.register_structure_hook_factory(attrs.has, lambda cls: _structure_fn(converter, cls))
    converter.register_structure_hook_func(_is_scalar_union, _structure_scalar_union)
    return converter


_SCALARS = (str, int, float, bool, type(None))


def _is_scalar_union(annotation: Any) -> bool:
    """``str | int`` and the like: unions of JSON scalars, taken as they come."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    args = typing.get_args(annotation)
    # ``X | None`` is left to cattrs, which converts the value to X.
    return all(arg in _SCALARS for arg in args) and len(set(args) - {type(None)}) > 1


def _structure_scalar_union(value: Any, annotation: Any) -> Any:
    allowed = typing.get_args(annotation)
    # bool is an int in Python but not in JSON, so it only matches an explicit bool.
    if type(value) in allowed or (type(value) is int and float in allowed):
        return value
    raise ValueError(f"{value!r} is not one of {allowed}")


def _structure_fn(converter: cattrs.Converter, cls: type[Any]) -> Callable[[Any, Any], Any]:
    from cattrs.gen import make_dict_structure_fn, override

    fields = attrs.fields(cls)
    extra_field = next((f.name for f in fields if f.metadata.get("extra")), None)
    known = {f.metadata.get("wire", f.name) for f in fields}
    overrides = {
        f.name: override(rename=f.metadata["wire"]) for f in fields if "wire" in f.metadata
    }
    if extra_field:
        overrides[extra_field] = override(omit=True)
    structure = make_dict_structure_fn(cls, converter, **overrides)  # type: ignore[arg-type]

    def structure_with_extra(data: Any, _: Any) -> Any:
        instance = structure(data, cls)
        if extra_field:
            unknown = {k: v for k, v in data.items() if k not in known}
            if unknown:
                object.__setattr__(instance, extra_field, unknown)
        return instance

    return structure_with_extra


def from_wire(cls: type[T], data: Any) -> T:
    """Structure one wire object into ``cls``; malformed data raises :class:`SogniError`."""
    converter = _converter()
    import cattrs

    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, KeyError, ValueError) as exc:
        raise SogniError(f"the network sent a malformed {cls.__name__}: {exc!r}") from None


def from_wire_list(cls: type[T], items: Iterable[Any]) -> list[T]:
    """Structure a list of wire objects."""
    return [from_wire(cls, item) for item in items]
