"""EIP-712 signatures: login/signup checks, and the permits of token transfers.

Withdrawals and approvals are signed over a permit the network hands out (``{domain,
types, message}``, the shape ``ethers``' ``signTypedData`` takes); the checks recover the
signer with eth-account (the ``wallet`` extra). Without eth-account only the shape of a
signature is checked.
"""

from __future__ import annotations

from typing import Any

__all__ = ["approval_permit", "permit_recovers_to", "recovers_to", "withdraw_permit"]

_VERIFYING_CONTRACT = "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
_DOMAINS = [("Sogni AI", 8453), ("Sogni-testnet", 84532)]
_TYPES = {
    "Authentication": [
        {"name": "walletAddress", "type": "address"},
        {"name": "nonce", "type": "string"},
    ],
    "Signup": [
        {"name": "appid", "type": "string"},
        {"name": "username", "type": "string"},
        {"name": "email", "type": "string"},
        {"name": "subscribe", "type": "uint256"},
        {"name": "walletAddress", "type": "address"},
        {"name": "nonce", "type": "string"},
    ],
}


def recovers_to(
    address: str, signature: str, primary_type: str, message: dict[str, Any]
) -> bool | None:
    """Whether ``signature`` over the typed ``message`` was made by ``address``.

    Tries the mainnet and testnet domains. ``None`` when eth-account is not installed.
    """
    try:
        from eth_account import Account
        from eth_account.messages import encode_typed_data
    except ImportError:
        return None
    for name, chain_id in _DOMAINS:
        typed = {
            "types": {"EIP712Domain": _DOMAIN_FIELDS, primary_type: _TYPES[primary_type]},
            "primaryType": primary_type,
            "domain": {
                "name": name,
                "version": "1",
                "chainId": chain_id,
                "verifyingContract": _VERIFYING_CONTRACT,
            },
            "message": message,
        }
        try:
            signer = Account.recover_message(
                encode_typed_data(full_message=typed), signature=signature
            )
        except Exception:  # malformed signature or message
            return False
        if str(signer).lower() == address.lower():
            return True
    return False


def withdraw_permit(
    owner: str, amount_wei: str, nonce: int, deadline: int, *, chain_id: int, contract: str
) -> dict[str, Any]:
    """The permit a withdrawal of ``amount_wei`` from the account contract signs."""
    return {
        "domain": {
            "name": "Sogni Account",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": contract,
        },
        "types": {
            "Withdraw": [
                {"name": "owner", "type": "address"},
                {"name": "amount", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ]
        },
        "message": {
            "owner": owner,
            "amount": amount_wei,
            "nonce": str(nonce),
            "deadline": deadline,
        },
    }


def approval_permit(
    owner: str, spender: str, value: str, nonce: int, deadline: int, *, chain_id: int, token: str
) -> dict[str, Any]:
    """The ERC-2612 ``Permit`` that lets ``spender`` (a contract address) spend the owner's
    SOGNI."""
    return {
        "domain": {
            "name": "Sogni AI",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": token,
        },
        "types": {
            "Permit": [
                {"name": "owner", "type": "address"},
                {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ]
        },
        "message": {
            "owner": owner,
            "spender": spender,
            "value": value,
            "nonce": str(nonce),
            "deadline": deadline,
        },
    }


def permit_recovers_to(address: str, signature: str, permit: dict[str, Any]) -> bool | None:
    """Whether ``signature`` over a permit (``{domain, types, message}``) was made by
    ``address``; ``None`` when eth-account is not installed."""
    try:
        from eth_account import Account
        from eth_account.messages import encode_typed_data
    except ImportError:
        return None
    (primary,) = permit["types"]
    fields = [f for f in _DOMAIN_FIELDS if f["name"] in permit["domain"]]
    typed = {
        "types": {"EIP712Domain": fields, **permit["types"]},
        "primaryType": primary,
        "domain": permit["domain"],
        "message": permit["message"],
    }
    try:
        signer = Account.recover_message(encode_typed_data(full_message=typed), signature=signature)
    except Exception:  # malformed signature or message
        return False
    return str(signer).lower() == address.lower()
