"""Plans of subscriptions: the entitlement, usage, trial, plans, checkout and billing portal.

The entitlement (``Subscription``) is the network's decision: ``active`` says whether the
account is entitled now, whatever ``status`` says. Checkout and the billing portal are web
pages; these calls return the URL to open in a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sogni.core._generated.models import (
    Subscription,
    SubscriptionCheckout,
    SubscriptionPlan,
    SubscriptionPortal,
    SubscriptionUsage,
    TrialEligibility,
)
from sogni.core._generated.vocabulary import (
    CHECKOUT_REDIRECTS,
    SUBSCRIPTION_PLAN_IDS,
    SUBSCRIPTION_TERMS,
)
from sogni.core.checks import choice, text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import ApiError, ValidationError
from sogni.core.plans import Plan
from sogni.core.wire import from_wire, from_wire_list

__all__ = [
    "CHECKOUT_PATH",
    "create_subscription_checkout",
    "create_subscription_portal_session",
    "get_subscription_plans",
    "get_subscription_status",
    "get_subscription_usage",
    "get_trial_eligibility",
    "refresh_subscription",
    "set_device_id",
]

STATUS_PATH = "/v1/subscriptions/status"
USAGE_PATH = "/v1/subscriptions/usage"
TRIAL_PATH = "/v1/subscriptions/trial-eligibility"
PLANS_PATH = "/v1/subscriptions/plans"
CHECKOUT_PATH = "/v1/iap/stripe/subscribe"
PORTAL_PATH = "/v1/subscriptions/stripe/portal"
DEVICE_ID_PATH = "/v1/account/device-id"


def _field(data: Any, key: str, what: str) -> Any:
    value = data.get(key) if isinstance(data, Mapping) else None
    if value is None:
        raise ApiError(f"the {what} reply did not include data.{key}")
    return value


def get_subscription_status(ctx: CoreContext) -> Plan[Subscription]:
    """The account's subscription entitlement; also kept as ``account.current.subscription``."""
    data = yield RestCall("GET", STATUS_PATH)
    subscription = from_wire(Subscription, _field(data, "subscription", "subscription status"))
    ctx.account.subscription = subscription
    return subscription


def refresh_subscription(ctx: CoreContext) -> Plan[Subscription]:
    """Fetch the entitlement again into ``account.current.subscription``."""
    return (yield from get_subscription_status(ctx))


def get_subscription_usage(ctx: CoreContext) -> Plan[SubscriptionUsage]:
    """Usage in the current billing cycle (and trial credits while trialing)."""
    data = yield RestCall("GET", USAGE_PATH)
    return from_wire(SubscriptionUsage, _field(data, "usage", "subscription usage"))


def get_trial_eligibility(ctx: CoreContext) -> Plan[TrialEligibility]:
    """Whether the account may start a free trial."""
    data = yield RestCall("GET", TRIAL_PATH)
    if not isinstance(data, Mapping) or not isinstance(data.get("eligible"), bool):
        raise ApiError("the trial eligibility reply did not include data.eligible")
    return from_wire(TrialEligibility, data)


def get_subscription_plans(ctx: CoreContext) -> Plan[list[SubscriptionPlan]]:
    """The plans one can subscribe to (a public list: no login needed)."""
    data = yield RestCall("GET", PLANS_PATH, authorize=False)
    plans = _field(data, "plans", "subscription plans")
    if not isinstance(plans, list):
        raise ApiError("the subscription plans reply's plans is not a list")
    return from_wire_list(SubscriptionPlan, plans)


def create_subscription_checkout(
    ctx: CoreContext,
    plan_id: str,
    term: str,
    redirect_type: str = "web",
    app_source: str | None = None,
    start_trial: bool | None = None,
    device_id: str | None = None,
) -> Plan[SubscriptionCheckout]:
    """A checkout session for ``plan_id`` billed ``term``; open its ``url`` to pay."""
    body: dict[str, Any] = {
        "planId": choice(plan_id, "plan_id", SUBSCRIPTION_PLAN_IDS),
        "term": choice(term, "term", SUBSCRIPTION_TERMS),
        "redirectType": choice(redirect_type, "redirect_type", CHECKOUT_REDIRECTS),
    }
    if app_source:
        body["appSource"] = text(app_source, "app_source")
    if start_trial is not None:
        if not isinstance(start_trial, bool):
            raise ValidationError("start_trial must be True, False or None", field="start_trial")
        body["startTrial"] = start_trial
    if device_id is not None:
        body["deviceId"] = text(device_id, "device_id")
    data = yield RestCall("POST", CHECKOUT_PATH, json=body, idempotent=False)
    return from_wire(SubscriptionCheckout, data)


def create_subscription_portal_session(ctx: CoreContext) -> Plan[SubscriptionPortal]:
    """A billing-portal session to manage the subscription; open its ``url``."""
    data = yield RestCall("POST", PORTAL_PATH, json={}, idempotent=False)
    return from_wire(SubscriptionPortal, data)


def set_device_id(ctx: CoreContext, device_id: str) -> Plan[None]:
    """Associate an opaque identifier of the host application with the account."""
    body = {"deviceId": text(device_id, "device_id")}
    yield RestCall("POST", DEVICE_ID_PATH, json=body, idempotent=False)
