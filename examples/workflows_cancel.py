"""Start a workflow, then cancel it.

    python examples/workflows_cancel.py [--id WORKFLOW_ID]

Cancelling is cooperative: the network stops the workflow at the next safe point (a step
that is already rendering may finish first), and the event stream ends with ``cancelled``.
"""

from __future__ import annotations

import argparse

from _common import main
from _session_common import POSTER_THEN_CLIP, session


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--id", help="workflow to cancel (default: start one and cancel it)")
    args = cli.parse_args()
    with session(connect=False) as (sogni, _net):
        workflow_id = args.id
        if workflow_id is None:
            workflow_id = sogni.creative_workflows.start_hosted_tool_sequence(
                POSTER_THEN_CLIP, title="Cancelled kite"
            ).workflow_id
            print(f"workflow {workflow_id} started")
        record = sogni.creative_workflows.cancel(workflow_id)
        print(f"cancel requested: {record.status}")
        final = sogni.creative_workflows.wait(workflow_id, timeout=120)
        print(f"workflow {workflow_id} ended: {final.status}")


if __name__ == "__main__":
    main(run)
