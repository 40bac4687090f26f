"""Where the time goes between the network's final event and ``wait_for_completion()``.

    python benchmarks/latency_breakdown.py [--count 60]

Runs ``count`` projects one after another with ``sogni.SogniClient`` against a local
Supernet in its own process (the model whose result URL comes in the event, as in
``compare.py``'s latency row) and splits each project's final-event latency in three:

* **sent -> read**: from the network encoding its last frame to the client's reader
  thread starting on it (the loopback, the frame split, and any frame read before it);
* **handled**: decoding the frame and the hub's dispatch of it (state machine, listeners);
* **handed over**: from the end of that dispatch to the waiting thread returning.

It also times a bare ``threading.Condition`` hand-over between two threads, the floor of
the last part for any client that reads on one thread and waits on another.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import _bench
import _drivers

from sogni import SogniClient
from sogni._runtime import socket_engine
from sogni.core.framing import decode_frame

MODEL = "gpt-image-2"


def bare_handover(rounds: int = 2000) -> float:
    """Median seconds from one thread's ``notify_all`` to the waiting thread running."""
    changed = threading.Condition(threading.Lock())
    ready = threading.Semaphore(0)
    state = {"n": 0, "at": 0.0}
    samples: list[float] = []

    def notifier() -> None:
        for n in range(1, rounds + 1):
            ready.acquire()
            with changed:
                state["n"], state["at"] = n, time.perf_counter()
                changed.notify_all()

    thread = threading.Thread(target=notifier, daemon=True)
    thread.start()
    for n in range(1, rounds + 1):
        with changed:
            ready.release()
            changed.wait_for(lambda n=n: state["n"] >= n, 5)  # type: ignore[misc]
            samples.append(time.perf_counter() - state["at"])
    thread.join(5)
    return statistics.median(samples)


def instrument() -> dict[str, list[tuple[float, float, bool]]]:
    """Note, per job id, when the reader started and finished handling each frame, and
    whether the waiting (main) thread read it."""
    marks: dict[str, list[tuple[float, float, bool]]] = {}
    handle: Callable[[Any, bytes], None] = socket_engine.SocketEngine._handle_message

    def timed(self: Any, message: bytes) -> None:
        started = time.time()
        handle(self, message)
        finished = time.time()
        try:
            _, payload = decode_frame(message)
        except Exception:  # noqa: BLE001 - a frame the SDK dropped too
            return
        job = payload.get("jobID") if isinstance(payload, dict) else None
        if isinstance(job, str):
            waiter = threading.current_thread() is threading.main_thread()
            marks.setdefault(job.upper(), []).append((started, finished, waiter))

    socket_engine.SocketEngine._handle_message = timed  # type: ignore[method-assign]
    return marks


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cli.add_argument("--count", type=int, default=60, help="projects in a row")
    count = cli.parse_args().count
    marks = instrument()
    with _bench.Supernet({"step_delay": 0}) as net:
        spec = {
            "client": "sync",
            "scenario": "latency",
            "endpoints": net.endpoints,
            "seed": 1,
            "count": count,
            "model": MODEL,
            "media": 1,
            "timeout": 60,
        }
        with SogniClient(app_id="latency-breakdown", **net.endpoints) as client:
            client.projects.wait_for_models(timeout=30)
            report = _drivers.sync_latency(client, spec)
        sent = net.ask("sent", jobs=report["jobs"])["final_sent"]
    parts: dict[str, list[float]] = {"sent -> read": [], "handled": [], "handed over": []}
    totals = []
    read_by_waiter = 0
    for job, returned in report["returned"].items():
        started, finished, waiter = marks[job][-1]
        read_by_waiter += waiter
        parts["sent -> read"].append(started - sent[job])
        parts["handled"].append(finished - started)
        parts["handed over"].append(returned - finished)
        totals.append(returned - sent[job])
    print(f"{count} projects, final event -> wait_for_completion() returns, medians:")
    for name, samples in parts.items():
        print(f"  {name:<12} {statistics.median(samples) * 1e6:8.1f} µs")
    print(f"  {'total':<12} {statistics.median(totals) * 1e6:8.1f} µs")
    print(f"final events read by the waiting thread itself: {read_by_waiter} of {len(totals)}")
    print(f"bare Condition hand-over between two threads: {bare_handover() * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
