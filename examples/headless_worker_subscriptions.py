"""A headless worker: receive only the socket events it needs, and survive reconnects.

    python examples/headless_worker_subscriptions.py [--jobs 3]

A background service that only renders images does not need the network's model
availability broadcasts (``modelAvailability`` covers ``swarmModels`` and
``swarmLLMModels``) or toast messages. The choice is made at construction, can change at
runtime, and is re-applied on every reconnection. Locally the script cuts the connection
once to show the client coming back by itself with the same subscriptions.
"""

from __future__ import annotations

import argparse
import threading

from _common import main
from _session_common import session

from sogni import ConnectionEvent

QUIET = {"modelAvailability": False, "toastMessage": False}


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--jobs", type=int, default=3, help="images to render")
    cli.add_argument("--model", default="flux1-schnell-fp8")
    args = cli.parse_args()
    reconnected = threading.Event()

    def on_connected(event: ConnectionEvent) -> None:
        print(
            f"[socket] connected to the {event.network} network"
            + (" again" if event.reconnected else "")
        )
        if event.reconnected:
            reconnected.set()

    def on_disconnected(event: ConnectionEvent) -> None:
        retry = "reconnecting" if event.will_reconnect else "not reconnecting"
        print(f"[socket] disconnected (code {event.code}, {event.reason}); {retry}")

    with session(socket_event_subscriptions=QUIET, connect=False) as (sogni, net):
        sogni.on("connected", on_connected)
        sogni.on("disconnected", on_disconnected)
        # Runtime changes use the network's update forms; here: no job ETA events either.
        flags = sogni.set_socket_event_subscriptions(unsubscribe="jobETA")
        print(f"subscriptions the network holds: {flags}")
        for number in range(1, args.jobs + 1):
            project = sogni.projects.create(
                model_id=args.model,
                positive_prompt=f"a lighthouse, variation {number}",
                steps=4,
                token_type="spark",
            )
            if net is not None and number == 2:
                net.drop_connections()  # simulate a network hiccup
            urls = project.wait_for_completion(timeout=300)
            print(f"job {number}: {urls[0]}")
        if net is not None:
            reconnected.wait(30)
            print(f"after the reconnect the network holds: {net.subscriptions()}")
        print(f"this client keeps: {sogni.socket_event_subscriptions}")


if __name__ == "__main__":
    main(run)
