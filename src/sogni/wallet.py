"""The account wallet behind username/password login, and its EIP-712 signatures.

Key derivation needs only the standard library; addresses and signatures use
``eth-account`` from the ``wallet`` extra (``pip install 'sogni[wallet]'``), imported
only when first needed.
"""

from __future__ import annotations

from sogni.core import wallet as _core
from sogni.core.wallet import *  # noqa: F403

__all__ = _core.__all__

# Tracebacks, reprs and pickles name the public module, where users import from.
for _name in __all__:
    _value = getattr(_core, _name)
    if isinstance(_value, type) or callable(_value):
        _value.__module__ = __name__
