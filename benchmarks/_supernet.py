"""A local Supernet in a process of its own, for the benchmarks (see ``_bench.Supernet``).

    python benchmarks/_supernet.py '{"step_delay": 0, "steps": 2000}'

The argument holds ``LocalSupernet`` keyword arguments. Once listening, the process prints
one JSON line, ``{"rest_url", "socket_url", "api_key"}``, then answers each JSON line read
from stdin with one JSON line, ``{"result": ...}`` or ``{"error": "..."}``:

* ``{"op": "sent", "jobs": [ids]}``: ``{"events": n, "final_sent": {id: time}}``, how many
  socket events the network sent for those jobs (projects or chat jobs) and the wall-clock
  time (``time.time()``, taken as each frame was handed to the socket) of each one's last;
* ``{"op": "stats"}``: ``LocalSupernet.stats()``;
* ``{"op": "upload", "job": id, "type": t}``: the stored upload's size in bytes, or null;
* ``{"op": "stop"}``: stop serving and exit.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from sogni.testing import LocalSupernet


def sent(net: LocalSupernet, jobs: list[str]) -> dict[str, Any]:
    """Count the events sent for ``jobs`` and note when each one's last event went out."""
    wanted = {job.upper() for job in jobs}
    events = 0
    final: dict[str, float] = {}
    for message in net.messages():
        if message.direction != "out" or not isinstance(message.data, dict):
            continue
        job = str(message.data.get("jobID", "")).upper()
        if job in wanted:
            events += 1
            final[job] = message.time
    return {"events": events, "final_sent": final}


def answer(net: LocalSupernet, request: dict[str, Any]) -> Any:
    """The result of one request."""
    op = request.get("op")
    if op == "sent":
        return sent(net, list(request["jobs"]))
    if op == "stats":
        return net.stats()
    if op == "upload":
        stored = net.upload(str(request["job"]), str(request["type"]))
        return None if stored is None else stored.size
    raise ValueError(f"unknown op {op!r}")


def main() -> int:
    """Serve until told to stop (or stdin closes)."""
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    with LocalSupernet(**options) as net:
        print(json.dumps({"rest_url": net.rest_url, "socket_url": net.socket_url,
                          "api_key": net.api_key}), flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("op") == "stop":
                break
            try:
                reply: dict[str, Any] = {"result": answer(net, request)}
            except Exception as exc:  # reported to the caller, who decides
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
