"""Checks of caller-given values that raise a :class:`ValidationError` naming the value.

Each check returns the value it accepted, so a caller can check and keep in one step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sogni.core.errors import ValidationError

__all__ = [
    "boolean",
    "choice",
    "count",
    "identifier",
    "number",
    "positive",
    "sequence",
    "string",
    "text",
]


def _shown(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    what: str | None = None,
) -> float:
    """``value`` checked to be a finite number within ``[minimum, maximum]``."""
    label = what or field
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{label} must be {kind}, got {value!r}", field=field)
    if not math.isfinite(value) or (integer and not float(value).is_integer()):
        raise ValidationError(f"{label} must be {kind}, got {value!r}", field=field)
    low = minimum is not None and value < minimum
    high = maximum is not None and value > maximum
    if low or high:
        if minimum is not None and maximum is not None:
            bounds = f"{_shown(minimum)}–{_shown(maximum)}"
            message = f"{label} must be between {_shown(minimum)} and {_shown(maximum)}"
        elif minimum is not None:
            bounds = f">= {_shown(minimum)}"
            message = f"{label} must be at least {_shown(minimum)}"
        else:
            assert maximum is not None
            bounds = f"<= {_shown(maximum)}"
            message = f"{label} must be at most {_shown(maximum)}"
        raise ValidationError(f"{message}, got {_shown(value)}", field=field, allowed=bounds)
    return value


def choice(
    value: Any, field: str, allowed: Sequence[Any], what: str | None = None, *, quoted: bool = True
) -> Any:
    """``value`` checked to be one of ``allowed`` (listed as ``repr`` shows them, or as
    plain text without ``quoted``)."""
    if value not in allowed:
        shown = ", ".join(map(repr if quoted else str, allowed))
        raise ValidationError(
            f"{what or field} must be one of {shown}, got {value!r}",
            field=field,
            allowed=list(allowed),
        )
    return value


def count(value: Any, field: str, *, minimum: int) -> int:
    """``value`` checked to be an ``int`` (not a float, not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(
            f"{field} must be an integer of at least {minimum}, got {value!r}",
            field=field,
            allowed=f"integers >= {minimum}",
        )
    return value


def positive(value: Any, field: str) -> float:
    """``value`` checked to be a finite number above zero."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValidationError(f"{field} must be a positive number, got {value!r}", field=field)
    return value


def boolean(value: Any, field: str) -> bool:
    """``value`` checked to be ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be a boolean, got {value!r}", field=field)
    return value


def string(value: Any, field: str) -> str:
    """``value`` checked to be a string."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string, got {type(value).__name__}", field=field)
    return value


def sequence(value: Any, field: str) -> Sequence[Any]:
    """``value`` checked to be a list (or tuple), not a string or bytes."""
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
        raise ValidationError(f"{field} must be a list, got {type(value).__name__}", field=field)
    return value


def text(value: Any, field: str) -> str:
    """``value`` checked to be a string with something besides whitespace in it."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    return value


def identifier(value: Any, field: str) -> str:
    """``value`` checked to be a non-empty string (an id); the message shows what came."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return value
