"""``sogni serve``: run a local Supernet in the foreground until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import Any

from sogni.cli._output import add_json_option, info, print_json
from sogni.cli._session import Session
from sogni.errors import MissingExtraError, SogniError

__all__ = ["register"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def register(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the command parser."""
    serve = commands.add_parser(
        "serve",
        parents=parents,
        help="run a local Supernet until Ctrl-C",
        description="Run a local Supernet (a real server on loopback speaking the network's "
        "protocol) and print how to point clients at it. Ctrl-C or SIGTERM stops it.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (default: %(default)s)")
    serve.add_argument("--port", type=int, default=0, help="TCP port (default: any free one)")
    serve.add_argument("--api-key", default="local-key", help="API key clients must send")
    serve.add_argument(
        "--step-delay",
        type=float,
        default=0.05,
        metavar="SECONDS",
        help="seconds between progress events (default: %(default)g)",
    )
    serve.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="USER:PASSWORD",
        help="an account that can log in (repeatable)",
    )
    add_json_option(serve)
    serve.set_defaults(handler=run)


def _accounts(items: list[str]) -> dict[str, str]:
    accounts = {}
    for item in items:
        user, colon, password = item.partition(":")
        if not colon or not user:
            raise SogniError(f"--account {item!r} is not USER:PASSWORD")
        accounts[user] = password
    return accounts


def _stop_event() -> threading.Event:
    """Set by SIGINT or SIGTERM, whatever their inherited handling (a background job starts
    with SIGINT ignored)."""
    stopping = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in STOP_SIGNALS:
        signal.signal(signum, handle)
    return stopping


def run(args: argparse.Namespace, session: Session) -> int:
    """Serve until stopped, then shut down cleanly."""
    try:
        from sogni.testing import LocalSupernet
    except MissingExtraError as exc:
        raise SogniError("the local Supernet is unavailable", hint=exc.hint) from None
    accounts = _accounts(args.account)
    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    stopping = _stop_event()
    try:
        net = LocalSupernet(
            api_key=args.api_key,
            host=args.host,
            port=args.port,
            step_delay=args.step_delay,
            accounts=accounts,
        )
        with net:
            session.rest_endpoint, session.socket_endpoint = net.rest_url, net.socket_url
            if args.json:
                print_json(
                    {
                        "rest_endpoint": net.rest_url,
                        "socket_endpoint": net.socket_url,
                        "api_key": net.api_key,
                    },
                    lines=True,
                )
            else:
                print(f"Local Supernet listening on {net.rest_url}", flush=True)
                print(f"  export SOGNI_API_KEY={net.api_key}", flush=True)
                print(f"  export SOGNI_REST_ENDPOINT={net.rest_url}", flush=True)
                print(f"  export SOGNI_SOCKET_ENDPOINT={net.socket_url}", flush=True)
            info("Press Ctrl-C to stop.")
            stopping.wait()
            info("Stopping.")
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0
