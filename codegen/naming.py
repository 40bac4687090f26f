"""Name conversions between the wire (camelCase) and Python (snake_case)."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(wire_name: str) -> str:
    """``numberOfMedia`` -> ``number_of_media``; ``disableNSFWFilter`` -> ``disable_nsfw_filter``.

    Acronyms stay together; names the rule splits badly set ``x-python-name`` instead.
    """
    return _BOUNDARY.sub("_", wire_name).lower()


def python_name(wire_name: str, prop: dict[str, object]) -> str:
    """The Python attribute name of a schema property (``x-python-name`` wins)."""
    override = prop.get("x-python-name")
    return str(override) if override else snake_case(wire_name)
