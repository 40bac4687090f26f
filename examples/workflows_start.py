"""Start a durable workflow (a poster, then a clip animated from it) and wait for it.

    python examples/workflows_start.py [--title TITLE] [--token-type spark]

Durable workflows run on the network whether or not this script stays connected; the
script waits for the result by following the workflow's event stream.
"""

from __future__ import annotations

import argparse

from _common import main
from _session_common import POSTER_THEN_CLIP, session


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--title", default="Kite poster and clip")
    cli.add_argument("--token-type", choices=("sogni", "spark"), default="spark")
    cli.add_argument("--timeout", type=float, default=900)
    args = cli.parse_args()
    with session(connect=False) as (sogni, _net):
        workflow = sogni.creative_workflows.start_hosted_tool_sequence(
            POSTER_THEN_CLIP, title=args.title, token_type=args.token_type
        )
        print(f"workflow {workflow.workflow_id} started ({workflow.status})")
        final = sogni.creative_workflows.wait(workflow.workflow_id, timeout=args.timeout)
        print(f"workflow {final.workflow_id} {final.status}")
        for artifact in final.artifacts or []:
            print(f"  {artifact.media_type}: {artifact.url}")


if __name__ == "__main__":
    main(run)
