"""A local Supernet in a process of its own, for the benchmarks (see ``_bench.Supernet``).

    python benchmarks/_supernet.py '{"step_delay": 0, "steps": 2000}'

The argument holds ``LocalSupernet`` keyword arguments. Once listening, the process prints
one JSON line, ``{"rest_url", "socket_url", "api_key"}``, then answers each JSON line read
from stdin with one JSON line, ``{"result": ...}`` or ``{"error": "..."}``:

* ``{"op": "sent", "jobs": [ids]}``: ``{"events": n, "final_sent": {id: time}}``, how many
  socket events the network sent for those jobs (projects or chat jobs) and the wall-clock
  time (``time.time()``) at which the last one's frame was about to be written;
* ``{"op": "stats"}``: ``LocalSupernet.stats()``;
* ``{"op": "upload", "job": id, "type": t}``: the stored upload's size in bytes, or null;
* ``{"op": "stop"}``: stop serving and exit.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from typing import Any

from sogni.testing import LocalSupernet, sockets
from sogni.testing.frames import encode_frame


class SendClock:
    """Counts the frames sent per job id and notes when the last one was written.

    The recorder's times are taken after the send has been awaited, and a frame is
    written when its turn of the server's loop ends, so the clock notes the job ids of the
    frames as they are encoded and stamps them when the connection writes its queue.
    """

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.last: dict[str, float] = {}
        self._queued: set[str] = set()

    def install(self) -> None:
        """Wrap the socket module's frame encoder and the connections' writes."""
        write = sockets.ClientSocket.flush

        def stamped(message_type: str, payload: Any) -> str:
            frame = encode_frame(message_type, payload)
            if isinstance(payload, dict) and payload.get("jobID"):
                job = str(payload["jobID"]).upper()
                self.count[job] += 1
                self._queued.add(job)
            return frame

        def flush(client: sockets.ClientSocket) -> None:
            now = time.time()
            for job in self._queued:
                self.last[job] = now
            self._queued.clear()
            write(client)

        sockets.encode_frame = stamped  # type: ignore[attr-defined]
        sockets.ClientSocket.flush = flush  # type: ignore[method-assign,assignment]

    def sent(self, jobs: list[str]) -> dict[str, Any]:
        """How many frames went out for ``jobs``, and when each one's last did."""
        count, last = dict(self.count), dict(self.last)  # copied under the GIL
        wanted = [job.upper() for job in jobs]
        return {
            "events": sum(count.get(job, 0) for job in wanted),
            "final_sent": {job: last[job] for job in wanted if job in last},
        }


CLOCK = SendClock()


def answer(net: LocalSupernet, request: dict[str, Any]) -> Any:
    """The result of one request."""
    op = request.get("op")
    if op == "sent":
        return CLOCK.sent(list(request["jobs"]))
    if op == "stats":
        return net.stats()
    if op == "upload":
        stored = net.upload(str(request["job"]), str(request["type"]))
        return None if stored is None else stored.size
    raise ValueError(f"unknown op {op!r}")


def main() -> int:
    """Serve until told to stop (or stdin closes)."""
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    CLOCK.install()
    with LocalSupernet(**options) as net:
        print(
            json.dumps(
                {"rest_url": net.rest_url, "socket_url": net.socket_url, "api_key": net.api_key}
            ),
            flush=True,
        )
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
