"""The exceptions raised by the SDK.

Everything derives from :class:`SogniError`, so ``except sogni.SogniError`` catches any
failure the SDK reports. No exception text ever contains an API key or a token.
"""

from __future__ import annotations

from sogni.core import errors as _core
from sogni.core.errors import *  # noqa: F403

__all__ = _core.__all__

# Tracebacks, reprs and pickles name the public module, where users import from.
for _name in __all__:
    _value = getattr(_core, _name)
    if isinstance(_value, type) or callable(_value):
        _value.__module__ = __name__
