"""The account wallet behind username/password login, and its EIP-712 signatures.

A Sogni account's wallet is derived from its credentials: the private key is
PBKDF2-HMAC-SHA256 of ``lowercase(username) + password`` with the salt
``sogni-salt-value``, 10 000 iterations, 32 bytes. Logging in means signing the server's
nonce as the EIP-712 ``Authentication`` struct; creating an account signs ``Signup``.

Key derivation needs only the standard library. Everything that touches secp256k1
(addresses, signatures, recovery) uses ``eth-account`` from the ``wallet`` extra
(``pip install 'sogni[wallet]'``), imported only when first needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

from sogni.core.errors import MissingExtraError, ValidationError

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

SALT = b"sogni-salt-value"
PBKDF2_ITERATIONS = 10_000
VERIFYING_CONTRACT = "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"

_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

AUTHENTICATION_TYPES: Mapping[str, list[dict[str, str]]] = {
    "Authentication": [
        {"name": "walletAddress", "type": "address"},
        {"name": "nonce", "type": "string"},
    ]
}
"""EIP-712 types of the login signature."""

SIGNUP_TYPES: Mapping[str, list[dict[str, str]]] = {
    "Signup": [
        {"name": "appid", "type": "string"},
        {"name": "username", "type": "string"},
        {"name": "email", "type": "string"},
        {"name": "subscribe", "type": "uint256"},
        {"name": "walletAddress", "type": "address"},
        {"name": "nonce", "type": "string"},
    ]
}
"""EIP-712 types of the account-creation signature."""

_FEATURE = "username/password login"


def _eth_account() -> tuple[Any, Any]:
    """``(Account, encode_typed_data)`` from eth-account, or MissingExtraError."""
    try:
        from eth_account import Account
        from eth_account.messages import encode_typed_data
    except ImportError:
        raise MissingExtraError(_FEATURE, "wallet") from None
    return Account, encode_typed_data


def derive_private_key(username: str, password: str) -> bytes:
    """The 32-byte private key of the account ``username`` with ``password``."""
    if not isinstance(username, str) or not username:
        raise ValidationError("username must be a non-empty string", field="username")
    if not isinstance(password, str) or not password:
        raise ValidationError("password must be a non-empty string", field="password")
    secret = (username.lower() + password).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", secret, SALT, PBKDF2_ITERATIONS, 32)


def eip712_domain(*, testnet: bool = False) -> dict[str, Any]:
    """The EIP-712 domain of Sogni signatures (Base mainnet, or Base Sepolia for testnet)."""
    return {
        "name": "Sogni-testnet" if testnet else "Sogni AI",
        "version": "1",
        "chainId": 84532 if testnet else 8453,
        "verifyingContract": VERIFYING_CONTRACT,
    }


def _typed_data(
    types: Mapping[str, list[dict[str, str]]], message: Mapping[str, Any], testnet: bool
) -> dict[str, Any]:
    (primary,) = types
    return {
        "types": {"EIP712Domain": list(_DOMAIN_TYPE), **{k: list(v) for k, v in types.items()}},
        "primaryType": primary,
        "domain": eip712_domain(testnet=testnet),
        "message": dict(message),
    }


def authentication_typed_data(
    wallet_address: str, nonce: str, *, testnet: bool = False
) -> dict[str, Any]:
    """The full EIP-712 document a login signs."""
    return _typed_data(
        AUTHENTICATION_TYPES, {"walletAddress": wallet_address, "nonce": nonce}, testnet
    )


def signup_typed_data(values: Mapping[str, Any], *, testnet: bool = False) -> dict[str, Any]:
    """The full EIP-712 document an account creation signs.

    ``values`` holds ``appid, username, email, subscribe (0/1), walletAddress, nonce`` (see
    :func:`sogni.core.auth.signup_typed_values`); other keys are ignored.
    """
    fields = [field["name"] for field in SIGNUP_TYPES["Signup"]]
    missing = [name for name in fields if name not in values]
    if missing:
        raise ValidationError(
            f"the Signup message lacks {', '.join(missing)}", field="values", allowed=fields
        )
    return _typed_data(SIGNUP_TYPES, {name: values[name] for name in fields}, testnet)


def _hex_signature(signature: Any) -> str:
    return "0x" + bytes(signature).hex()


def _signature_bytes(signature: str | bytes) -> bytes:
    if isinstance(signature, bytes):
        return signature
    text = signature[2:] if signature[:2] in ("0x", "0X") else signature
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValidationError("the signature is not hex", field="signature") from None


@attrs.frozen(repr=False)
class Wallet:
    """A secp256k1 account: its private key (never shown) and its checksummed address."""

    private_key: bytes = attrs.field(repr=False)
    address: str

    def __repr__(self) -> str:
        return f"Wallet(address={self.address!r})"

    @classmethod
    def from_private_key(cls, private_key: bytes) -> Wallet:
        """The wallet of a raw 32-byte key."""
        account_cls, _ = _eth_account()
        return cls(private_key, str(account_cls.from_key(private_key).address))

    @classmethod
    def from_credentials(cls, username: str, password: str) -> Wallet:
        """The wallet of the account ``username`` with ``password``."""
        return cls.from_private_key(derive_private_key(username, password))

    def sign_typed_data(self, typed_data: Mapping[str, Any]) -> str:
        """Sign a full EIP-712 document (``types``, ``primaryType``, ``domain``, ``message``)."""
        account_cls, encode = _eth_account()
        signable = encode(full_message=dict(typed_data))
        return _hex_signature(account_cls.sign_message(signable, self.private_key).signature)

    def sign_authentication(self, nonce: str, *, testnet: bool = False) -> str:
        """The login signature over the server's ``nonce``."""
        return self.sign_typed_data(authentication_typed_data(self.address, nonce, testnet=testnet))

    def sign_signup(
        self,
        *,
        app_id: str,
        username: str,
        email: str,
        subscribe: bool,
        nonce: str,
        testnet: bool = False,
    ) -> str:
        """The account-creation signature."""
        values = {
            "appid": app_id,
            "username": username,
            "email": email,
            "subscribe": 1 if subscribe else 0,
            "walletAddress": self.address,
            "nonce": nonce,
        }
        return self.sign_typed_data(signup_typed_data(values, testnet=testnet))

    def sign_permit(
        self,
        domain: Mapping[str, Any],
        types: Mapping[str, Any],
        message: Mapping[str, Any],
    ) -> str:
        """Sign a permit the server sent as ``{domain, types, message}`` (withdraw, approve).

        The domain's type is derived from the fields it has, so an ``EIP712Domain`` entry in
        ``types`` is not needed and is ignored.
        """
        account_cls, encode = _eth_account()
        message_types = {k: v for k, v in types.items() if k != "EIP712Domain"}
        signable = encode(dict(domain), message_types, dict(message))
        return _hex_signature(account_cls.sign_message(signable, self.private_key).signature)


def recover_signer(typed_data: Mapping[str, Any], signature: str | bytes) -> str:
    """The checksummed address that produced ``signature`` over a full EIP-712 document.

    Raises :class:`~sogni.errors.ValidationError` when the signature cannot be decoded.
    """
    account_cls, encode = _eth_account()
    signable = encode(full_message=dict(typed_data))
    raw = _signature_bytes(signature)
    try:
        return str(account_cls.recover_message(signable, signature=raw))
    except Exception as exc:  # eth-account raises several types for a malformed signature
        raise ValidationError(
            f"the signature cannot be recovered: {exc}", field="signature"
        ) from None


def recover_authentication_signer(
    wallet_address: str, nonce: str, signature: str | bytes, *, testnet: bool = False
) -> str:
    """The address that signed a login for ``wallet_address`` and ``nonce``.

    A valid login is one where this equals ``wallet_address`` (see :func:`same_address`).
    """
    return recover_signer(
        authentication_typed_data(wallet_address, nonce, testnet=testnet), signature
    )


def same_address(a: str, b: str) -> bool:
    """Whether two hex addresses are the same account, ignoring checksum case."""
    return a.lower() == b.lower()
