"""Subscribing from an example: the checkout page, then waiting for the entitlement.

On the real network the checkout opens in a browser and the script waits until the payment
went through. The embedded local Supernet has a checkout page of its own, and opening it
completes the purchase, so the examples that need a subscription run there unattended.
"""

from __future__ import annotations

import os
import time
import webbrowser
from typing import TYPE_CHECKING, Any

import httpx

from sogni import SogniClient, SogniError

if TYPE_CHECKING:
    from sogni.core._generated.models import Subscription


def subscribe(
    sogni: SogniClient, plan: Any = "unlimited", term: Any = "monthly", timeout: float = 900
) -> Subscription:
    """The account's entitlement, after a checkout when it has none."""
    current = sogni.account.get_subscription_status()
    if current.active:
        return current
    checkout = sogni.account.create_subscription_checkout(plan, term)
    print(f"checkout: {checkout.url}")
    if os.environ.get("SOGNI_API_KEY"):
        webbrowser.open(checkout.url)
        print("pay in the browser; waiting for the subscription to become active ...")
    else:
        httpx.get(checkout.url).raise_for_status()  # the local Supernet's checkout page
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = sogni.account.refresh_subscription()
        if status.active:
            return status
        time.sleep(5)
    raise SogniError("the subscription did not become active in time")
