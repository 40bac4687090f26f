"""``extra_body``: request-body fields the SDK has no keyword for yet, sent as given.

The network adds request fields faster than any SDK release. ``extra_body`` merges such
fields into a request body verbatim (camelCase or snake_case, exactly as given), after the
SDK has built the body from its typed keywords. A field that a typed keyword sets is
refused, naming the keyword, so one request never says the same thing twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sogni.core.errors import ValidationError
from sogni.core.json_safe import check_json_safe

__all__ = ["merge_extra_body"]

FIELD = "extra_body"


def merge_extra_body(
    body: dict[str, Any], extra_body: Mapping[str, Any] | None, keywords: Mapping[str, str]
) -> dict[str, Any]:
    """Add ``extra_body`` to ``body`` (in place, and returned).

    ``keywords`` maps each body key that a typed keyword sets to that keyword (``""`` for a
    key the SDK always sets itself, such as a job id). Raises :class:`ValidationError` for
    a value that is not a mapping with non-empty string keys, a key of ``keywords`` or one
    already in ``body``, and a value that is not strict JSON (naming its path,
    ``extra_body.x[0]``).
    """
    if extra_body is None:
        return body
    if not isinstance(extra_body, Mapping):
        raise ValidationError(
            f"{FIELD} must be a mapping of body keys to JSON values, "
            f"not {type(extra_body).__name__}",
            field=FIELD,
        )
    for key, value in extra_body.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(f"{FIELD} keys must be non-empty strings", field=FIELD)
        path = f"{FIELD}.{key}"
        if key in keywords:
            keyword = keywords[key]
            if not keyword:
                raise ValidationError(
                    f"{FIELD} sets {key!r}, which the SDK sets itself", field=path
                )
            raise ValidationError(
                f"{FIELD} sets {key!r}, which the {keyword} keyword sets; use {keyword}=",
                field=path,
                allowed=[keyword],
            )
        if key in body:
            raise ValidationError(f"{FIELD} repeats {key!r}, which is already sent", field=path)
        check_json_safe(value, path)
    # A plain JSON copy: later changes to the caller's values do not reach the request.
    body.update(json.loads(json.dumps(dict(extra_body))))
    return body
