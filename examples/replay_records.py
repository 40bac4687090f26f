"""Write a run record of a chat turn, then list and read the account's records back.

    python examples/replay_records.py [question] [--limit N]

A record is what a replay viewer shows of one turn: the request, the rounds and the final
answer. The network keeps each account's records to itself and redacts secrets.
"""

from __future__ import annotations

import argparse
import uuid

from _common import client, main


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("question", nargs="?", default="What is a LoRA?")
    cli.add_argument("--limit", type=int, default=10, help="records to list")
    args = cli.parse_args()
    with client() as sogni:
        answer = "A small add-on model that steers a base model's style."
        record = {
            "run_id": f"example-{uuid.uuid4().hex[:12]}",
            "session_id": "examples",
            "user_request": args.question,
            "rounds": [
                {"role": "user", "content": args.question},
                {"role": "assistant", "content": answer},
            ],
            "final_response": answer,
        }
        written = sogni.replay.write(record)
        print(f"wrote {written.run_id} (redacted: {written.redacted})")
        for summary in sogni.replay.list(limit=args.limit):
            print(f"  {summary.run_id}: {summary.rounds} round(s), asked {summary.user_request!r}")
        stored = sogni.replay.get(written.run_id)
        print(f"read back: {stored.record['final_response']}")


if __name__ == "__main__":
    main(run)
