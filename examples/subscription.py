"""Show the subscription plans and the account's subscription; subscribe with --checkout.

    python examples/subscription.py [--checkout PLAN TERM] [--portal]

The checkout and the billing portal are web pages: on the real network they open in a
browser. Against the embedded local Supernet, opening the checkout completes it.
"""

from __future__ import annotations

import argparse

from _billing_common import subscribe
from _common import client, main


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument(
        "--checkout",
        nargs=2,
        metavar=("PLAN", "TERM"),
        help="subscribe, e.g. --checkout unlimited monthly",
    )
    cli.add_argument("--portal", action="store_true", help="print a billing-portal link")
    args = cli.parse_args()
    with client() as sogni:
        for plan in sogni.account.get_subscription_plans():
            print(f"plan {plan.plan_id} ({plan.term}): {plan.display_name}, ${plan.price_usd:g}")
        status = sogni.account.get_subscription_status()
        print(f"subscription: {status.status} (active: {status.active})")
        trial = sogni.account.get_trial_eligibility()
        print(f"free trial: {'eligible' if trial.eligible else 'not eligible'}")
        if args.checkout:
            status = subscribe(sogni, *args.checkout)
            print(
                f"subscription: {status.status} {status.tier} ({status.term}) "
                f"until {status.current_period_end}"
            )
            usage = sogni.account.get_subscription_usage()
            if usage.trial_credits_limit is not None:
                print(f"trial credits: {usage.trial_credits_used} of {usage.trial_credits_limit}")
            print(f"this cycle: {usage.period_jobs} job(s)")
        if args.portal:
            print(f"billing portal: {sogni.account.create_subscription_portal_session().url}")


if __name__ == "__main__":
    main(run)
