"""Chat latency: how quickly a finished answer reaches the caller and what each streamed
chunk costs, for ``SogniClient``, ``AsyncSogniClient``, the official SDK (``sogni-client``
5.70.0) and a plain websocket-client loop.

    python benchmarks/chat_latency.py                  # 300 answers, a 10,000-chunk stream
    python benchmarks/chat_latency.py --answers 1000 --chunks 20000
    python benchmarks/chat_latency.py --check          # exit status 1 when a target is missed

This is the chat part of ``compare.py`` with more samples: a local Supernet in a process of
its own streams the answers over a real socket, and each client runs in a process of its
own, so CPU times are the client's alone.

* **request -> first chunk**: from calling ``completions.create(stream=True)`` to holding
  the first chunk (median of ``--requests`` short answers);
* **CPU per chunk**: the client process's CPU time from asking for one ``--chunks``-word
  answer to holding its last chunk, over the number of chunks (receiving, decoding,
  routing, assembling and iterating, every thread counted); the wall time per chunk is
  shown too, though it is bound by how fast the emulator sends;
* **final event -> create() returns**: from the server handing the ``llmJobResult`` frame
  to the socket to a non-streamed ``completions.create()`` returning (same wall clock, two
  processes; median of ``--answers``).

Targets for both sogni clients: final event -> return under 1 ms (median) and under 20 µs
of CPU per chunk.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import _bench
import attrs
import compare

LATENCY_TARGET_US = 1000.0
CHUNK_TARGET_US = 20.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chat scenario for every client and print the table."""
    cli = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    cli.add_argument("--answers", type=int, default=300, help="non-streamed answers timed")
    cli.add_argument("--chunks", type=int, default=10_000, help="chunks of the long stream")
    cli.add_argument("--requests", type=int, default=50, help="first-chunk samples")
    cli.add_argument("--seed", type=int, default=1)
    cli.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = cli.parse_args(argv)

    sizes = attrs.evolve(
        compare.Sizes(),
        chat_requests=args.requests,
        chat_chunks=args.chunks,
        chat_answers=args.answers,
    )
    run = compare.Run(
        sizes=sizes, seed=args.seed, profile_dir=None, official=_bench.official_python()
    )
    compare.chat(run)
    text, notes = compare.table(run.rows)
    print(
        f"Python {sys.version.split()[0]}; {args.answers} answers, {args.requests} "
        f"first-chunk samples and {args.chunks:,} streamed chunks per client\n"
    )
    print(text)
    for number, note in enumerate(notes, 1):
        print(f"[{number}] {note}")

    final, per_chunk = run.rows["chat_final"], run.rows["chat_chunk_cpu"]
    lines = []
    passed = True
    for client in compare.SOGNI:
        for row, limit in ((final, LATENCY_TARGET_US), (per_chunk, CHUNK_TARGET_US)):
            value = row.value(client)
            met = value is not None and value < limit
            passed = passed and met
            lines.append(
                [
                    f"{row.metric} < {limit:g} {row.unit}",
                    compare.HEADINGS[client],
                    compare.format_value(value, 1),
                    "met" if met else "MISSED",
                ]
            )
    print()
    print(_bench.render_table(["target", "client", "value", "result"], lines, "<<><"))
    print(f"\nall targets met: {'PASS' if passed else 'FAIL'}")
    return 0 if passed or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
