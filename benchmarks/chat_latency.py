"""Chat latency: how quickly a finished answer reaches the caller, and what each streamed
chunk costs, for ``SogniClient`` and ``AsyncSogniClient``.

    python benchmarks/chat_latency.py                 # 300 answers, 3 x 10,000 chunks
    python benchmarks/chat_latency.py --runs 1000 --chunks 20000
    python benchmarks/chat_latency.py --check         # exit status 1 when a target is missed

The clients are real; only the WebSocket is replaced by an in-process engine whose reader
thread turns the network's frames (base64 JSON, exactly as they arrive) into events the
same way the real engine does: ``decode_frame`` then the client's event hub. That leaves
out the network and the server, so what is measured is the SDK's own work:

* **final event -> create() returns**: the reader thread takes the clock, decodes and
  dispatches the ``llmJobResult`` frame; ``completions.create()`` (not streaming) returns
  in the caller's thread, which takes the clock again. Median and 90th percentile.
* **per-chunk overhead**: one streamed answer of N ``jobTokens`` frames pushed as fast as
  the reader can go while the caller iterates the stream; the wall time from the first
  frame to the caller holding the last chunk, divided by N (decode, routing, assembly,
  buffering, wake-ups and iteration, all included).

Targets: under 1 ms median for the first, under 20 µs per chunk for the second.
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from sogni import SogniClient
from sogni.core.framing import decode_frame, encode_frame
from sogni_async import AsyncSogniClient

MODEL = "bench-llm"
MESSAGES = [{"role": "user", "content": "hello"}]
LATENCY_TARGET = 1e-3
CHUNK_TARGET = 20e-6


class InProcessEngine:
    """Stands in for ``SocketEngine``: always open; frames are 'received' on a reader thread.

    ``script(job_id)`` returns the frames the network would send for a request, plus the
    index of the frame to time (the clock is read just before it is decoded).
    """

    def __init__(self, dispatch: Callable[[str, Any], None]) -> None:
        self.state = "open"
        self.error = None
        self.terminal = False
        self.on_engine_thread = False
        self.connections = 1
        self._dispatch = dispatch
        self._inbox: queue.Queue[tuple[list[str | bytes], int] | None] = queue.Queue()
        self.script: Callable[[str], tuple[list[str | bytes], int]] = lambda job_id: ([], -1)
        self.marks: list[float] = []
        self._thread = threading.Thread(target=self._read, name="bench-reader", daemon=True)
        self._thread.start()

    def start(self) -> None:
        """Already 'connected'."""

    def reset(self) -> None:
        """Nothing to reset."""

    def raise_if_closed(self) -> None:
        """Never closed."""

    def send(self, message_type: str, payload: Any) -> int:
        """Queue the network's answer to ``llmJobRequest``; returns the connection number."""
        if message_type == "llmJobRequest":
            self._inbox.put(self.script(payload["jobID"]))
        return self.connections

    def close(self, error: Any = None) -> None:
        """Stop the reader thread."""
        self._inbox.put(None)

    def _read(self) -> None:
        dispatch = self._dispatch
        while True:
            item = self._inbox.get()
            if item is None:
                return
            frames, marked = item
            for index, frame in enumerate(frames):
                if index == marked:
                    self.marks.append(time.perf_counter())
                message_type, payload = decode_frame(frame)
                dispatch(message_type, payload)


def _tokens(job_id: str, count: int) -> list[str | bytes]:
    frames: list[str | bytes] = [
        encode_frame("jobState", {"jobID": job_id, "type": "jobStarted", "workerName": "w1"})
    ]
    for index in range(count):
        payload: dict[str, Any] = {"jobID": job_id, "content": f"tok{index} "}
        if index == 0:
            payload["role"] = "assistant"
        if index == count - 1:
            payload["finishReason"] = "stop"
            payload["usage"] = {"prompt_tokens": 3, "completion_tokens": count,
                                "total_tokens": count + 3}
        frames.append(encode_frame("jobTokens", payload))
    return frames


def _result(job_id: str, count: int) -> str | bytes:
    return encode_frame("llmJobResult", {
        "jobID": job_id, "timeTaken": 0.01, "workerName": "w1",
        "usage": {"prompt_tokens": 3, "completion_tokens": count, "total_tokens": count + 3},
        "cost": {"costInUSD": "0.0001", "costInToken": "0.01", "costInSogni": "0.01",
                 "costInSpark": "0.005", "inputTokens": 3, "outputTokens": count},
    })


def _answer_script(job_id: str) -> tuple[list[str | bytes], int]:
    frames = [*_tokens(job_id, 8), _result(job_id, 8)]
    return frames, len(frames) - 1


def _stream_script(chunks: int) -> Callable[[str], tuple[list[str | bytes], int]]:
    def script(job_id: str) -> tuple[list[str | bytes], int]:
        frames = [*_tokens(job_id, chunks), _result(job_id, chunks)]
        return frames, 1  # the first jobTokens frame

    return script


def _attach(client: Any) -> InProcessEngine:
    engine = InProcessEngine(client._conn._on_event)
    client._conn.engine = engine
    client._conn.delivery._engine = engine  # type: ignore[assignment]
    return engine


# -- sync --------------------------------------------------------------------------------------


def sync_latency(runs: int) -> list[float]:
    """Seconds from the final event to ``create()`` returning, ``runs`` times."""
    with SogniClient(api_key="bench", connect=False) as client:
        engine = _attach(client)
        engine.script = _answer_script
        samples = []
        for _ in range(runs):
            client.chat.completions.create(model=MODEL, messages=MESSAGES)
            samples.append(time.perf_counter() - engine.marks[-1])
        engine.close()
    return samples


def sync_chunk_cost(chunks: int) -> float:
    """Seconds per chunk for one streamed answer of ``chunks`` chunks."""
    with SogniClient(api_key="bench", connect=False) as client:
        engine = _attach(client)
        engine.script = _stream_script(chunks)
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        received = sum(1 for _ in stream)
        done = time.perf_counter()
        assert received == chunks, received
        engine.close()
    return (done - engine.marks[-1]) / chunks


# -- async -------------------------------------------------------------------------------------


async def _async_latency(runs: int) -> list[float]:
    async with AsyncSogniClient(api_key="bench", connect=False) as client:
        engine = _attach(client)
        engine.script = _answer_script
        samples = []
        for _ in range(runs):
            await client.chat.completions.create(model=MODEL, messages=MESSAGES)
            samples.append(time.perf_counter() - engine.marks[-1])
        engine.close()
    return samples


async def _async_chunk_cost(chunks: int) -> float:
    async with AsyncSogniClient(api_key="bench", connect=False) as client:
        engine = _attach(client)
        engine.script = _stream_script(chunks)
        stream = await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, stream=True
        )
        received = 0
        async for _ in stream:
            received += 1
        done = time.perf_counter()
        assert received == chunks, received
        engine.close()
    return (done - engine.marks[-1]) / chunks


def async_latency(runs: int) -> list[float]:
    """The async client's final-event latency samples."""
    return asyncio.run(_async_latency(runs))


def async_chunk_cost(chunks: int) -> float:
    """The async client's seconds per streamed chunk."""
    return asyncio.run(_async_chunk_cost(chunks))


# -- report ------------------------------------------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    """Run both measurements for both clients and print the table."""
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=300, help="answers timed per client")
    cli.add_argument("--chunks", type=int, default=10_000, help="chunks per streamed answer")
    cli.add_argument("--repeat", type=int, default=3, help="streamed answers per client")
    cli.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = cli.parse_args(argv)

    rows = []
    passed = True
    for name, latency, chunk_cost in (
        ("SogniClient", sync_latency, sync_chunk_cost),
        ("AsyncSogniClient", async_latency, async_chunk_cost),
    ):
        latency(20)  # warm up imports and caches
        samples = latency(args.runs)
        per_chunk = statistics.median(chunk_cost(args.chunks) for _ in range(args.repeat))
        median = statistics.median(samples)
        rows.append((name, median, _percentile(samples, 0.9), per_chunk))
        passed = passed and median < LATENCY_TARGET and per_chunk < CHUNK_TARGET

    print(f"Python {sys.version.split()[0]}; {args.runs} answers, "
          f"{args.repeat} x {args.chunks:,} streamed chunks per client\n")
    header = (f"{'client':<18} {'final event -> create() returns':>34}  "
              f"{'per streamed chunk':>20}")
    print(header)
    print(f"{'':<18} {'median':>16} {'p90':>17}  {'median of runs':>20}")
    print("-" * len(header))
    for name, median, p90, per_chunk in rows:
        print(f"{name:<18} {median * 1e6:>13.1f} µs {p90 * 1e6:>14.1f} µs  "
              f"{per_chunk * 1e6:>17.2f} µs")
    print("-" * len(header))
    print(f"{'target':<18} {'< 1000 µs':>16} {'':>17}  {'< 20 µs':>20}")
    print(f"\nall targets met: {'PASS' if passed else 'FAIL'}")
    return 0 if passed or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
