"""Numeric codes for the ``error`` field of a ``jobError`` socket event.

The network sends either a number (or a numeric string) or a name such as
``"workerDisconnected"``. Names map to codes in the 5000 range; ``5000`` stands for any
name the SDK does not know, and the name itself is kept as the original code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["NAMED_ERROR_CODES", "UNKNOWN_ERROR_CODE", "map_error_code"]

#: Error names the network uses and their numeric codes.
NAMED_ERROR_CODES: Mapping[str, int] = MappingProxyType(
    {
        "serverRestarting": 5001,
        "workerDisconnected": 5002,
        "jobTimedOut": 5003,
        "artistCanceled": 5004,
        "workerCancelled": 5005,
    }
)
#: Code of an error name not in :data:`NAMED_ERROR_CODES`.
UNKNOWN_ERROR_CODE = 5000

# What JavaScript's Number() accepts as a numeric string (after trimming whitespace).
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PREFIXED = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_BASES = {"x": 16, "o": 8, "b": 2}


def _as_integer_code(text: str) -> int | None:
    """The integer a numeric string stands for, as JavaScript reads it; else ``None``."""
    text = text.strip()
    if not text:
        return 0  # Number("") is 0
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:
        digits = prefixed.group(1)
        return int(digits[1:], _BASES[digits[0].lower()])
    if _DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number) and number.is_integer():
            return int(number)
    return None


def map_error_code(error: object) -> tuple[int, str | None]:
    """``(code, original_code)`` for a ``jobError.error`` value.

    Numbers and numeric strings give that number and no original code; JSON ``null``
    gives ``0``. A name gives its code from :data:`NAMED_ERROR_CODES` (``5000`` when
    unknown) and the name as ``original_code``. Non-integral numbers, which the network
    does not use, are treated like unknown names.
    """
    if error is None:
        return 0, None
    if isinstance(error, bool):
        return int(error), None
    if isinstance(error, int):
        return error, None
    if isinstance(error, float) and math.isfinite(error) and error.is_integer():
        return int(error), None
    text = str(error)
    code = _as_integer_code(text) if isinstance(error, str) else None
    if code is not None:
        return code, None
    return NAMED_ERROR_CODES.get(text, UNKNOWN_ERROR_CODE), text
