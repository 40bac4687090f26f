"""Small helpers that reproduce JavaScript value semantics the network relies on."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.errors import ValidationError
from sogni.core.json_safe import JSON_TYPES, MAX_DEPTH, key_path, too_deep

# Characters String.prototype.trim() removes (ECMAScript WhiteSpace + LineTerminator).
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def js_trim(text: str) -> str:
    """Trim ``text`` exactly like JavaScript's ``String.prototype.trim``."""
    return text.strip(JS_WHITESPACE)


def js_round(value: float) -> int:
    """JavaScript ``Math.round``: halves go towards +infinity."""
    if isinstance(value, int):
        return value
    return math.floor(value + 0.5)


def is_number(value: object) -> bool:
    """True for int/float values that are not bools (JSON numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value: object) -> bool:
    """True for a finite JSON number (``typeof v === 'number' && isFinite(v)``)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int) and not isinstance(value, bool)


def is_integral(value: object) -> bool:
    """True for a finite JSON number without a fractional part (``Number.isInteger``)."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def js_truthy(value: object) -> bool:
    """JavaScript truthiness: empty containers are truthy, NaN is falsy."""
    if value is None or value is False:
        return False
    if isinstance(value, float):
        return value != 0.0 and not math.isnan(value)
    if isinstance(value, (int, str)):
        return bool(value)
    return True


def plain_number(value: float | int) -> float | int:
    """Integral floats become ints, so JSON text matches JavaScript (``1`` not ``1.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def js_number_text(value: float | int) -> str:
    """``String(value)`` for a finite number, formatted by JavaScript's rules."""
    from decimal import Decimal  # with the first number formatted, not with the client

    value = plain_number(value)
    if isinstance(value, int):
        return str(value)
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    k = len(digits)
    n = exponent + len(digit_tuple)  # position of the decimal point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def to_json_value(value: Any, field: str = "value", *, _depth: int = 0) -> Any:
    """A plain JSON copy of ``value`` (dicts, lists, str, numbers, bools, None).

    Mappings and sequences are copied so later changes by the caller do not leak into a
    request; objects exposing ``to_dict()`` (the SDK's own result types) are converted;
    integral floats become ints. ``field`` is the path of ``value`` in the request: a
    non-string key, a value of another type or nesting deeper than
    :data:`~sogni.core.json_safe.MAX_DEPTH` raises :class:`ValidationError` naming the path
    below it. (Non-finite numbers and lone surrogates are left for
    :func:`~sogni.core.json_safe.check_json_safe` to refuse on the finished request.)
    """
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return plain_number(value)
    if _depth >= MAX_DEPTH:
        raise too_deep(field)
    if isinstance(value, Mapping):
        return {
            key: to_json_value(item, key_path(field, key), _depth=_depth + 1)
            for key, item in value.items()
        }
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, (list, tuple)):
        return to_json_value(to_dict(), field, _depth=_depth + 1)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [
            to_json_value(item, f"{field}[{index}]", _depth=_depth + 1)
            for index, item in enumerate(value)
        ]
    raise ValidationError(
        f"{field} must be JSON data, got {type(value).__name__}", field=field, allowed=JSON_TYPES
    )
