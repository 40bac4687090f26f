"""Subscriptions (``{status, data}`` envelope): plans, each account's entitlement and usage,
trial eligibility, checkout and the billing portal.

Every account starts without a subscription. A checkout hands out the URL of a local
checkout page; opening it (``GET``) completes the purchase, as paying on the real checkout
page does: the account's first subscription starts as a 7-day trial unless the checkout
asked for none, later ones are active at once. The billing portal's page cancels at the
period's end when opened with ``?action=cancel``. Subscribers may use the personal LoRA
library and the saved-upload library (:func:`is_subscribed`).
"""

from __future__ import annotations

import secrets
import time
import weakref
from datetime import datetime, timezone
from typing import Any

import attrs
from aiohttp import web

from sogni.core._generated.vocabulary import (
    CHECKOUT_REDIRECTS,
    SUBSCRIPTION_PLAN_IDS,
    SUBSCRIPTION_TERMS,
)

from . import envelope
from .auth import Account
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["PLANS", "ROUTES", "TRIAL_CREDITS", "is_subscribed", "refused", "subscription_required"]

TRIAL_DAYS = 7
TRIAL_CREDITS = 50
_DAY = 86400.0
_PERIOD_DAYS = {"monthly": 30, "annual": 365}
_INTERVALS = {"monthly": "month", "annual": "year"}
_PRICES = {
    ("unlimited", "monthly"): 20,
    ("unlimited", "annual"): 200,
    ("unlimited_pro", "monthly"): 50,
    ("unlimited_pro", "annual"): 500,
}
_DISCOUNTS = {"unlimited": 500, "unlimited_pro": 1000}
_NAMES = {"unlimited": "Unlimited", "unlimited_pro": "Unlimited Pro"}
#: Statuses that entitle the account (grace periods and lapses do not).
_ENTITLED = frozenset({"trialing", "active", "cancel_at_period_end"})

PLANS = [
    {
        "planId": plan,
        "tier": plan,
        "term": term,
        "interval": _INTERVALS[term],
        "priceUsd": _PRICES[(plan, term)],
        "displayName": f"{_NAMES[plan]} ({term})",
        "google": {"productId": f"sogni_{plan}_{term}"},
        "vendorDiscountBps": _DISCOUNTS[plan],
    }
    for plan in SUBSCRIPTION_PLAN_IDS
    for term in SUBSCRIPTION_TERMS
]
"""The plans ``GET /v1/subscriptions/plans`` lists."""


@attrs.define
class Entitlement:
    """One account's subscription."""

    status: str = "none"
    tier: str | None = None
    term: str | None = None
    started: float = 0.0
    ends: float = 0.0
    trial_used: bool = False
    jobs: int = 0
    render_spark: float = 0.0

    @property
    def active(self) -> bool:
        """Whether the account is entitled now."""
        return self.status in _ENTITLED and time.time() < self.ends

    def as_json(self) -> dict[str, Any]:
        """The ``subscription`` object of ``GET /v1/subscriptions/status``."""
        if self.status == "none":
            return {"active": False, "status": "none"}
        snapshot: dict[str, Any] = {
            "active": self.active,
            "status": self.status if self.active or self.status not in _ENTITLED else "expired",
            "tier": self.tier,
            "term": self.term,
            "provider": "stripe",
            "currentPeriodStart": _iso(self.started),
            "currentPeriodEnd": _iso(self.ends),
            "cancelAtPeriodEnd": self.status == "cancel_at_period_end",
            "capabilities": {
                "fastUnlimited": self.active,
                "personalLoras": self.active,
                "savedUploads": self.active,
            },
        }
        if self.active and self.tier in _DISCOUNTS:
            snapshot["frontierDiscountBps"] = _DISCOUNTS[self.tier]
        return snapshot

    def usage(self) -> dict[str, Any]:
        """The ``usage`` object of ``GET /v1/subscriptions/usage``."""
        usage: dict[str, Any] = {"periodRenderSpark": self.render_spark, "periodJobs": self.jobs}
        if self.status == "trialing":
            usage.update(
                trialEndsAt=_iso(self.ends),
                trialCreditsLimit=TRIAL_CREDITS,
                trialCreditsUsed=min(self.jobs, TRIAL_CREDITS),
            )
        return usage


@attrs.define
class Checkout:
    """A checkout session waiting for its page to be opened."""

    address: str
    plan: str
    term: str
    start_trial: bool | None


@attrs.define
class Billing:
    """The subscriptions of one emulated network."""

    entitlements: dict[str, Entitlement] = attrs.field(factory=dict)
    checkouts: dict[str, Checkout] = attrs.field(factory=dict)
    portals: dict[str, str] = attrs.field(factory=dict)  # token -> address
    device_ids: dict[str, str] = attrs.field(factory=dict)

    def of(self, address: str) -> Entitlement:
        """The entitlement of an account (none until it subscribes)."""
        return self.entitlements.setdefault(address.lower(), Entitlement())


_BILLING: weakref.WeakKeyDictionary[SupernetState, Billing] = weakref.WeakKeyDictionary()


def _billing(state: SupernetState) -> Billing:
    billing = _BILLING.get(state)
    if billing is None:
        billing = _BILLING[state] = Billing()
    return billing


def is_subscribed(state: SupernetState, account: Account) -> bool:
    """Whether ``account`` has an entitlement now."""
    return _billing(state).of(account.address).active


def refused(
    status: int, message: str, error_code: int | None = None, details: dict[str, Any] | None = None
) -> web.Response:
    """The error envelope, with the structured ``details`` the network sends for some
    refusals."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "errorCode": error_code or status,
    }
    if details is not None:
        body["details"] = details
    return web.json_response(body, status=status)


def subscription_required(feature: str) -> web.Response:
    """The refusal of a subscriber-only feature to an account without a subscription."""
    return refused(
        403,
        "An active subscription is required for this feature",
        4081,
        {
            "feature": feature,
            "requiredPlans": list(SUBSCRIPTION_PLAN_IDS),
            "subscriptionLimit": True,
        },
    )


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# -- the API ------------------------------------------------------------------------------
async def status(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/status``."""
    entitlement = _billing(request.app[STATE]).of(caller(request).address)
    return envelope.success({"subscription": entitlement.as_json()})


async def usage(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/usage``."""
    entitlement = _billing(request.app[STATE]).of(caller(request).address)
    return envelope.success({"usage": entitlement.usage()})


async def trial_eligibility(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/trial-eligibility``: a first subscription may be a trial."""
    entitlement = _billing(request.app[STATE]).of(caller(request).address)
    eligible = not entitlement.trial_used and not entitlement.active
    return envelope.success(
        {"eligible": eligible, "reasonCode": "eligible" if eligible else "not_eligible"}
    )


async def plans(request: web.Request) -> web.Response:
    """``GET /v1/subscriptions/plans`` (public)."""
    return envelope.success({"plans": PLANS})


async def checkout(request: web.Request) -> web.Response:
    """``POST /v1/iap/stripe/subscribe``: a checkout session's page URL."""
    body = await _json_object(request)
    if body is None:
        return envelope.error(400, "Request body must be a JSON object")
    plan, term = body.get("planId"), body.get("term")
    if plan not in SUBSCRIPTION_PLAN_IDS:
        return envelope.error(400, f"Unknown planId {plan!r}")
    if term not in SUBSCRIPTION_TERMS:
        return envelope.error(400, f"Unknown term {term!r}")
    if body.get("redirectType", "web") not in CHECKOUT_REDIRECTS:
        return envelope.error(400, f"Unknown redirectType {body.get('redirectType')!r}")
    start_trial = body.get("startTrial")
    billing = _billing(request.app[STATE])
    address = caller(request).address
    if billing.of(address).active:
        return envelope.error(
            409, "The account already has an active subscription; change it in the billing portal"
        )
    token = secrets.token_urlsafe(18)
    billing.checkouts[token] = Checkout(
        address, str(plan), str(term), start_trial if isinstance(start_trial, bool) else None
    )
    return envelope.success(
        {
            "message": "Checkout session created",
            "url": f"{_base(request)}/_billing/checkout/{token}",
        }
    )


async def portal(request: web.Request) -> web.Response:
    """``POST /v1/subscriptions/stripe/portal``: a billing-portal page URL."""
    billing = _billing(request.app[STATE])
    address = caller(request).address
    if billing.of(address).status == "none":
        return envelope.error(404, "The account has no subscription to manage")
    token = secrets.token_urlsafe(18)
    billing.portals[token] = address
    return envelope.success({"url": f"{_base(request)}/_billing/portal/{token}"})


async def device_id(request: web.Request) -> web.Response:
    """``POST /v1/account/device-id``."""
    body = await _json_object(request)
    value = body.get("deviceId") if body else None
    if not isinstance(value, str) or not value.strip():
        return envelope.error(400, "deviceId is required")
    _billing(request.app[STATE]).device_ids[caller(request).address.lower()] = value
    return envelope.success({"deviceId": value})


# -- the web pages the URLs lead to -------------------------------------------------------------
def _page(title: str, text: str) -> web.Response:
    html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>"
    return web.Response(text=html, content_type="text/html")


async def checkout_page(request: web.Request) -> web.Response:
    """``GET /_billing/checkout/{token}``: paying completes the checkout."""
    billing = _billing(request.app[STATE])
    session = billing.checkouts.pop(request.match_info["token"], None)
    if session is None:
        return web.Response(status=404, text="This checkout session is not valid")
    entitlement = billing.of(session.address)
    now = time.time()
    trial = not entitlement.trial_used and session.start_trial is not False
    entitlement.status = "trialing" if trial else "active"
    entitlement.tier, entitlement.term = session.plan, session.term
    entitlement.started = now
    entitlement.ends = now + _DAY * (TRIAL_DAYS if trial else _PERIOD_DAYS[session.term])
    entitlement.trial_used = True
    entitlement.jobs, entitlement.render_spark = 0, 0.0
    return _page(
        "Subscribed",
        f"{_NAMES[session.plan]} ({session.term}) is {'on a free trial' if trial else 'active'}.",
    )


async def portal_page(request: web.Request) -> web.Response:
    """``GET /_billing/portal/{token}[?action=cancel]``: the subscription, or cancelling it."""
    billing = _billing(request.app[STATE])
    address = billing.portals.get(request.match_info["token"])
    if address is None:
        return web.Response(status=404, text="This portal session is not valid")
    entitlement = billing.of(address)
    if request.query.get("action") == "cancel" and entitlement.active:
        entitlement.status = "cancel_at_period_end"
    return _page(
        "Billing",
        f"{entitlement.tier} ({entitlement.term}): {entitlement.status}, "
        f"until {_iso(entitlement.ends)}.",
    )


ROUTES = [
    Route("GET", "/v1/subscriptions/status", status),
    Route("GET", "/v1/subscriptions/usage", usage),
    Route("GET", "/v1/subscriptions/trial-eligibility", trial_eligibility),
    Route("GET", "/v1/subscriptions/plans", plans, auth=False),
    Route("POST", "/v1/iap/stripe/subscribe", checkout),
    Route("POST", "/v1/subscriptions/stripe/portal", portal),
    Route("POST", "/v1/account/device-id", device_id),
    Route("GET", "/_billing/checkout/{token}", checkout_page, auth=False),
    Route("GET", "/_billing/portal/{token}", portal_page, auth=False),
]
