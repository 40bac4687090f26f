"""Soak test of delivery under faults: many projects from many threads while the local
Supernet drops every connection at random and goes off the air twice.

    python benchmarks/chaos.py                      # 1,000 projects, 32 threads, 200 drops
    python benchmarks/chaos.py --projects 200 --drops 40 --outage-seconds 3

The same load runs twice, without faults and with them, with the client's real reconnect
schedule (1 s → 15 s, full jitter). The table reports, for each run, what was created,
what the network received, completed, failed (by reason), duplicated and lost, how often
the client reconnected, and the completion delay (from ``create()`` returning to the
result) at p50 and p99, with the faulty run's delays as ratios of the clean run's.
Target: 0 lost, 0 duplicated, 0 canceled by the SDK.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sogni import SogniClient, SogniError
from sogni.testing import LocalSupernet

MODEL = "flux1-schnell-fp8"


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Faults:
    """Drops at random moments and outages at fixed points of the run (seeded)."""

    def __init__(self, net: LocalSupernet, args: argparse.Namespace) -> None:
        self.net, self.args = net, args
        self.rng = random.Random(args.seed)
        self.stop = threading.Event()
        self.drops = 0
        self.outages = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        args = self.args
        outage_every = args.drops // (args.outages + 1) if args.outages else None
        for index in range(args.drops):
            if self.stop.wait(self.rng.uniform(0.0, 2 * args.drop_gap)):
                return
            if outage_every and index and index % outage_every == 0 and self.outages < args.outages:
                self.outages += 1
                with self.net.outage():
                    if self.stop.wait(args.outage_seconds):
                        return
            else:
                self.net.drop_connections()
                self.drops += 1


def run(args: argparse.Namespace, *, faulty: bool) -> dict[str, Any]:
    """One run of the load; returns its row of the table."""
    failures: collections.Counter[str] = collections.Counter()
    delays: list[float] = []
    lock = threading.Lock()
    with LocalSupernet(api_key="soak", step_delay=args.step_delay, steps=4) as net:
        with SogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client:
            client.projects.get_model_options(MODEL)
            faults = Faults(net, args)
            ids: list[str] = []

            def one(index: int) -> None:
                try:
                    project = client.projects.create(
                        model_id=MODEL, positive_prompt=f"soak {index}"
                    )
                except SogniError as exc:
                    with lock:
                        failures[f"create: {type(exc).__name__}"] += 1
                    return
                started = time.perf_counter()
                with lock:
                    ids.append(project.id)
                try:
                    project.wait_for_completion(args.timeout)
                except SogniError as exc:
                    with lock:
                        failures[f"{type(exc).__name__}: {str(exc)[:40]}"] += 1
                    return
                with lock:
                    delays.append(time.perf_counter() - started)

            if faulty:
                faults.thread.start()
            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(one, range(args.projects)))
            faults.stop.set()
            if faulty:
                faults.thread.join(timeout=args.outage_seconds + 5)
            reconnects = client._conn.engine.connections - 1
        received = {message["jobID"] for message in net.received("jobRequest")}
        stats = net.stats()
    return {
        "run": "faults" if faulty else "no faults",
        "created": len(ids),
        "received": len(received & set(ids)),
        "completed": len(delays),
        "failed": dict(failures),
        "duplicated": len(net.duplicate_requests("jobRequest")),
        "lost": len(set(ids) - received),
        "canceled by SDK": stats["cancelled_by_client"],
        "drops": faults.drops,
        "outages": faults.outages,
        "reconnects": reconnects,
        "p50 s": _percentile(delays, 0.5),
        "p99 s": _percentile(delays, 0.99),
        "mean s": statistics.fmean(delays) if delays else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--drops", type=int, default=200, help="random connection drops")
    parser.add_argument("--drop-gap", type=float, default=0.1, help="mean seconds between drops")
    parser.add_argument("--outages", type=int, default=2)
    parser.add_argument("--outage-seconds", type=float, default=5.0)
    parser.add_argument("--step-delay", type=float, default=0.02)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = [run(args, faulty=False), run(args, faulty=True)]
    clean, faulty = rows
    columns = [k for k in rows[0] if k != "failed"]
    print("| " + " | ".join(columns) + " | failed (by reason) |")
    print("|" + "---|" * (len(columns) + 1))
    for row in rows:
        cells = [f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in columns]
        failed = ", ".join(f"{k} ×{v}" for k, v in row["failed"].items()) or "0"
        print("| " + " | ".join(cells) + f" | {failed} |")
    for key in ("p50 s", "p99 s"):
        print(f"{key} with faults / without: {faulty[key] / clean[key]:.2f}x")


if __name__ == "__main__":
    main()
