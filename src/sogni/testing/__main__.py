"""``python -m sogni.testing``: run a local Supernet until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from .server import LocalSupernet


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve, and block until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m sogni.testing",
                                     description="Run a local Sogni Supernet emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    parser.add_argument("--api-key", default="test-key", help="API key clients must send")
    parser.add_argument("--step-delay", type=float, default=0.05,
                        help="seconds between progress events (0.05)")
    parser.add_argument("--steps", type=int, default=None, help="force this many steps per job")
    parser.add_argument("--account", action="append", default=[], metavar="USER:PASSWORD",
                        help="an account that can log in with username and password "
                             "(repeatable; needs the wallet extra)")
    args = parser.parse_args(argv)
    accounts = dict(item.split(":", 1) for item in args.account if ":" in item)
    net = LocalSupernet(api_key=args.api_key, host=args.host, port=args.port,
                        step_delay=args.step_delay, steps=args.steps, accounts=accounts)
    with net:
        print(f"Local Supernet listening (api key: {net.api_key})", flush=True)
        print(f"  REST endpoint:   {net.rest_url}", flush=True)
        print(f"  socket endpoint: {net.socket_url}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("\nStopping.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
