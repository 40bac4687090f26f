"""Parsing JSON from the network with a bound on nesting.

``json.loads`` recurses once per nested array or object. A hostile or broken peer can
send a document nested a hundred thousand levels deep; with a raised recursion limit
(some libraries raise it on import) that crashes the interpreter instead of raising.
Such documents are refused before they are parsed.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "loads", "too_deep"]

#: Deepest nesting accepted from the network (its real documents stay under ten).
MAX_JSON_DEPTH = 200

_JSON_STRING = re.compile(rb'"(?:[^"\\]+|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_raw_decode = json.JSONDecoder().raw_decode


def too_deep(body: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON document nest deeper than ``limit``
    (brackets inside strings do not count)."""
    # Fast path, taken by every real frame: too few brackets to nest that deep at all.
    if isinstance(body, str):
        if body.count("[") + body.count("{") <= limit:
            return False
        raw = body.encode("utf-8", "surrogatepass")
    else:
        if body.count(b"[") + body.count(b"{") <= limit:
            return False
        raw = body
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += _DEPTH_STEP[byte]
        if depth > limit:
            return True
    return False


def loads(body: bytes | str, **options: Any) -> Any:
    """``json.loads`` that raises ``ValueError`` for documents nested too deep."""
    if too_deep(body):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        if isinstance(body, str) and not options:
            # The usual frame: a document from its first to its last character, scanned
            # without json.loads' wrappers; anything else takes the full path below.
            try:
                value, end = _raw_decode(body)
            except ValueError:
                pass
            else:
                if end == len(body):
                    return value
        return json.loads(body, **options)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
