"""How commands talk: data on stdout (text or ``--json``), everything else on stderr."""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import attrs

__all__ = ["add_json_option", "info", "is_quiet", "jsonable", "print_json", "set_quiet", "warn"]

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Silence :func:`info` (``--quiet``); warnings and errors still show."""
    global _quiet
    _quiet = quiet


def is_quiet() -> bool:
    """Whether ``--quiet`` is in force."""
    return _quiet


def info(message: str) -> None:
    """Tell the user something on stderr (unless ``--quiet``)."""
    if not _quiet:
        print(message, file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """A warning on stderr, shown even with ``--quiet``."""
    print(f"sogni: warning: {message}", file=sys.stderr, flush=True)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: attrs classes become objects with their attribute names."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return {field.name: jsonable(getattr(value, field.name)) for field in fields}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, (PurePath, Decimal)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def print_json(value: Any, *, lines: bool = False) -> None:
    """Write ``value`` as JSON on stdout: indented, or on one line with ``lines``."""
    data = jsonable(value)
    text = json.dumps(data, separators=(",", ":")) if lines else json.dumps(data, indent=2)
    print(text, flush=lines)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: machine-readable output on stdout."""
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
