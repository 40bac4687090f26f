"""Checking that a payload about to be sent is strict, encodable JSON.

Python's :mod:`json` happily writes ``NaN`` and ``Infinity`` (which no JSON parser on the
network accepts), and a string with a lone surrogate only fails once it is encoded as UTF-8,
deep inside a send. :func:`check_json_safe` walks a payload before any I/O and raises
:class:`~sogni.errors.ValidationError` naming the path of the first bad value, so a request
that cannot be encoded is refused before anything is uploaded or sent.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from sogni.core.errors import ValidationError

__all__ = [
    "MAX_DEPTH",
    "JSON_TYPES",
    "check_json_safe",
    "check_text",
    "child_path",
    "key_path",
    "too_deep",
]

#: Containers nested deeper than this are refused (a sane payload never comes close, and a
#: self-referencing list would otherwise recurse forever).
MAX_DEPTH = 64

#: What a JSON value may be made of, as said in error messages.
JSON_TYPES = "str, int, float, bool, None, list, tuple or dict with str keys"

# JavaScript reads every JSON number as a double: a larger integer would become Infinity.
_LARGEST_NUMBER = sys.float_info.max
_UTF8_TEXT = "text that can be encoded as UTF-8"


def check_json_safe(value: Any, field: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`ValidationError` unless ``value`` encodes as strict JSON.

    ``field`` is the path of ``value`` itself (``"tools"``, ``"messages[0]"``); errors name
    the path of the offending part below it, such as
    ``tools[0].function.parameters.properties.x.default``. Refused: non-finite floats,
    integers beyond the largest double, text that cannot be UTF-8 encoded (lone surrogates),
    non-string dict keys, values of any type other than :data:`JSON_TYPES`, and containers
    nested more than ``max_depth`` levels deep.
    """
    _walk(value, field, 0, max_depth)


def _walk(value: Any, path: str, depth: int, max_depth: int) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        check_text(value, path)
    elif isinstance(value, int):
        _check_int(value, path)
    elif isinstance(value, float):
        _check_float(value, path)
    elif isinstance(value, (dict, list, tuple)):
        if depth >= max_depth:
            raise too_deep(path, max_depth)
        if isinstance(value, dict):
            for key, item in value.items():
                item_path = key_path(path, key)
                _walk(item, item_path, depth + 1, max_depth)
        else:
            for index, item in enumerate(value):
                _walk(item, f"{path}[{index}]", depth + 1, max_depth)
    else:
        raise ValidationError(
            f"{path} must be JSON data, got {type(value).__name__}",
            field=path,
            allowed=JSON_TYPES,
        )


def check_text(text: str, field: str) -> None:
    """Raise :class:`ValidationError` unless ``text`` can be encoded as UTF-8."""
    position = _lone_surrogate(text)
    if position is not None:
        raise ValidationError(
            f"{field} is not valid text: it holds a lone surrogate "
            f"{text[position]!r} at position {position}",
            field=field,
            allowed=_UTF8_TEXT,
        )


def _lone_surrogate(text: str) -> int | None:
    """Where ``text`` first fails to encode as UTF-8, or ``None`` when it encodes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _check_int(value: int, path: str) -> None:
    if abs(value) > _LARGEST_NUMBER:
        raise ValidationError(
            f"{path} is too large a number ({value.bit_length()} bits)",
            field=path,
            allowed="numbers within the range of a double (about ±1.8e308)",
        )


def _check_float(value: float, path: str) -> None:
    if not math.isfinite(value):
        raise ValidationError(
            f"{path} must be a finite number, got {value!r}",
            field=path,
            allowed="finite numbers (no NaN or Infinity)",
        )


def too_deep(path: str, max_depth: int = MAX_DEPTH) -> ValidationError:
    """The error for a value nested more than ``max_depth`` levels below ``path``."""
    return ValidationError(
        f"{path} is nested more than {max_depth} levels deep",
        field=path,
        allowed=f"at most {max_depth} levels of lists and dicts",
    )


def key_path(path: str, key: Any) -> str:
    """The path of dict key ``key`` below ``path``; raises unless it is a valid str key."""
    if not isinstance(key, str):
        raise ValidationError(
            f"{path} has a key {key!r} of type {type(key).__name__}; keys must be strings",
            field=path,
            allowed="str keys",
        )
    if _lone_surrogate(key) is not None:
        raise ValidationError(
            f"{path} has a key {key!r} that is not valid text (a lone surrogate)",
            field=path,
            allowed=_UTF8_TEXT,
        )
    return child_path(path, key)


def child_path(path: str, key: str) -> str:
    """The path of ``key`` below ``path``: ``a.b`` for a plain name, ``a['x y']`` otherwise."""
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"
