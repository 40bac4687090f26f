"""The account wallet behind username/password login, and its EIP-712 signatures.

Key derivation needs only the standard library; addresses and signatures use
``eth-account`` from the ``wallet`` extra (``pip install 'sogni[wallet]'``), imported
only when first needed.
"""

from __future__ import annotations

from sogni.core.wallet import (
    AUTHENTICATION_TYPES,
    PBKDF2_ITERATIONS,
    SALT,
    SIGNUP_TYPES,
    VERIFYING_CONTRACT,
    Wallet,
    authentication_typed_data,
    derive_private_key,
    eip712_domain,
    recover_authentication_signer,
    recover_signer,
    same_address,
    signup_typed_data,
)

__all__ = [
    "AUTHENTICATION_TYPES",
    "PBKDF2_ITERATIONS",
    "SALT",
    "SIGNUP_TYPES",
    "VERIFYING_CONTRACT",
    "Wallet",
    "authentication_typed_data",
    "derive_private_key",
    "eip712_domain",
    "recover_authentication_signer",
    "recover_signer",
    "same_address",
    "signup_typed_data",
]

# Tracebacks, reprs and pickles name the public module, where users import from.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) or callable(_value):
        _value.__module__ = __name__
