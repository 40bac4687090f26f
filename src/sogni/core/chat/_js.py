"""JavaScript value semantics for the chat modules (defined in :mod:`sogni.core.js`)."""

from sogni.core.js import (
    JS_WHITESPACE,
    is_finite_number,
    is_integral,
    is_number,
    js_number_text,
    js_round,
    js_trim,
    js_truthy,
    plain_number,
    to_json_value,
)

__all__ = [
    "JS_WHITESPACE",
    "is_finite_number",
    "is_integral",
    "is_number",
    "js_number_text",
    "js_round",
    "js_trim",
    "js_truthy",
    "plain_number",
    "to_json_value",
]
