"""``python -m sogni.testing``: run a local Supernet until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .server import LocalSupernet

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sogni.testing", description="Run a local Sogni Supernet emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    parser.add_argument("--api-key", default="test-key", help="API key clients must send")
    parser.add_argument(
        "--step-delay", type=float, default=0.05, help="seconds between progress events (0.05)"
    )
    parser.add_argument("--steps", type=int, default=None, help="force this many steps per job")
    parser.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="USER:PASSWORD",
        help="an account that can log in with username and password "
        "(repeatable; needs the wallet extra)",
    )
    return parser


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM.

    Handlers are installed whatever the inherited disposition: a background job starts with
    SIGINT ignored, and Python then installs no KeyboardInterrupt handler of its own.
    """
    stopping = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in STOP_SIGNALS:
        signal.signal(signum, handle)
    return stopping


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve until SIGINT or SIGTERM, then clean up and return 0."""
    args = _parser().parse_args(argv)
    accounts = dict(item.split(":", 1) for item in args.account if ":" in item)
    stopping = stop_on_signals()
    net = LocalSupernet(
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        step_delay=args.step_delay,
        steps=args.steps,
        accounts=accounts,
    )
    with net:
        print(f"Local Supernet listening (api key: {net.api_key})", flush=True)
        print(f"  REST endpoint:   {net.rest_url}", flush=True)
        print(f"  socket endpoint: {net.socket_url}", flush=True)
        print(f"  temp folder:     {net.temp_dir}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        stopping.wait()
        print("Stopping.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
