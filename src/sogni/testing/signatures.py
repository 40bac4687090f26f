"""EIP-712 login/signup signature checks (when the ``wallet`` extra, eth-account, is present).

Without eth-account only the shape of a signature is checked.
"""

from __future__ import annotations

from typing import Any

__all__ = ["recovers_to"]

_VERIFYING_CONTRACT = "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
_DOMAINS = [("Sogni AI", 8453), ("Sogni-testnet", 84532)]
_TYPES = {
    "Authentication": [{"name": "walletAddress", "type": "address"},
                       {"name": "nonce", "type": "string"}],
    "Signup": [{"name": "appid", "type": "string"}, {"name": "username", "type": "string"},
               {"name": "email", "type": "string"}, {"name": "subscribe", "type": "uint256"},
               {"name": "walletAddress", "type": "address"}, {"name": "nonce", "type": "string"}],
}


def recovers_to(address: str, signature: str, primary_type: str,
                message: dict[str, Any]) -> bool | None:
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
            "types": {
                "EIP712Domain": [{"name": "name", "type": "string"},
                                 {"name": "version", "type": "string"},
                                 {"name": "chainId", "type": "uint256"},
                                 {"name": "verifyingContract", "type": "address"}],
                primary_type: _TYPES[primary_type],
            },
            "primaryType": primary_type,
            "domain": {"name": name, "version": "1", "chainId": chain_id,
                       "verifyingContract": _VERIFYING_CONTRACT},
            "message": message,
        }
        try:
            signer = Account.recover_message(encode_typed_data(full_message=typed),
                                             signature=signature)
        except Exception:  # malformed signature or message
            return False
        if str(signer).lower() == address.lower():
            return True
    return False
