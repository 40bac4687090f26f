"""The pieces every part of a ``jobRequest`` uses: the caller's parameters, JavaScript
truthiness, the marker of keys left out, and range checks against a model's tier."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from sogni.core.checks import number
from sogni.core.errors import ValidationError
from sogni.core.model_options import NumericRange


class Unset:
    """Marks a key that exists for ordering but is left out of the message."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


def snake(name: str) -> str:
    """The snake_case spelling of a camelCase parameter name (for error messages)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and objects count as present."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def needs_upload(value: Any) -> bool:
    """True for an asset that still needs uploading (present and not the ``True`` marker)."""
    return truthy(value) and value is not True


def in_range(
    value: Any, field: str, bounds: NumericRange | None, model_id: str, *, integer: bool = False
) -> float:
    if bounds is None:
        return number(value, field, integer=integer)
    return number(
        value,
        field,
        minimum=bounds.min,
        maximum=bounds.max,
        integer=integer,
        what=f"{field} for model {model_id}",
    )


def finish(value: Any) -> Any:
    """The message as JSON-ready data: unset keys dropped, integral floats as integers."""
    if isinstance(value, Mapping):
        return {k: finish(v) for k, v in value.items() if v is not UNSET}
    if isinstance(value, (list, tuple)):
        return [None if v is UNSET else finish(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


class Params:
    """Read access to the caller's parameters; ``None`` counts as not given."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self._params = params

    def get(self, name: str) -> Any:
        return self._params.get(name)

    def given(self, name: str) -> bool:
        return self._params.get(name) is not None

    def truthy(self, name: str) -> bool:
        return truthy(self._params.get(name))


def only_for(p: Params, wire: str, allowed: bool, what: str) -> None:
    if p.given(wire) and not allowed:
        raise ValidationError(f"{snake(wire)} is only supported by {what}", field=snake(wire))
