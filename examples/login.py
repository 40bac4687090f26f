"""Log in with a username and password, show the account, and save the session.

    SOGNI_USERNAME=... SOGNI_PASSWORD=... python examples/login.py [--save session.json]
    python examples/login.py --resume session.json

The password never leaves this machine: it derives the account's wallet, which signs
the server's login challenge (EIP-712). Needs ``pip install 'sogni[wallet]'``. The saved
tokens resume the session in another process without the password; they are renewed
automatically (``client.on("tokens", ...)`` reports each new pair).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _common import main
from _session_common import login_session


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--save", type=Path, help="write the session's tokens to this file")
    cli.add_argument("--resume", type=Path, help="resume a session saved with --save")
    args = cli.parse_args()
    with login_session() as (sogni, username, password):
        if args.resume:
            saved = json.loads(args.resume.read_text())
            profile = sogni.account.set_tokens(saved["token"], saved["refresh_token"])
        else:
            profile = sogni.account.login(username, password)
        print(f"logged in as {profile.username} (wallet {profile.wallet_address})")
        balance = sogni.account.refresh_balance()
        print(f"balance: {balance.spark.net} Spark, {balance.sogni.net} SOGNI")
        for reward in sogni.account.rewards():
            state = "claimable" if reward.can_claim else "claimed" if reward.claimed else "-"
            print(
                f"  reward {reward.id}: {reward.title} ({reward.amount} {reward.token_type},"
                f" {state})"
            )
        if args.save:
            tokens = sogni.account.tokens
            assert tokens is not None
            args.save.write_text(
                json.dumps({"token": tokens.token, "refresh_token": tokens.refresh_token})
            )
            args.save.chmod(0o600)
            print(f"session saved to {args.save}")
        elif not args.resume:
            sogni.account.logout()
            print("logged out")


if __name__ == "__main__":
    main(run)
