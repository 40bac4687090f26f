"""List recent workflows, then show one of them and its event history.

python examples/workflows_list.py [--limit 10] [--id WORKFLOW_ID]
"""

from __future__ import annotations

import argparse

from _common import main
from _session_common import POSTER_THEN_CLIP, session


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--limit", type=int, default=10)
    cli.add_argument("--id", help="workflow to show (default: the newest)")
    args = cli.parse_args()
    with session(connect=False) as (sogni, net):
        if net is not None:  # a fresh local Supernet has no history yet: make some
            started = sogni.creative_workflows.start_hosted_tool_sequence(POSTER_THEN_CLIP)
            sogni.creative_workflows.wait(started.workflow_id, timeout=60)
        workflows = sogni.creative_workflows.list(limit=args.limit)
        print(f"{len(workflows)} workflow(s):")
        for item in workflows:
            print(f"  {item.workflow_id}  {item.status:<10} {item.title or ''}")
        chosen = args.id or (workflows[0].workflow_id if workflows else None)
        if chosen is None:
            return
        workflow = sogni.creative_workflows.get(chosen)
        print(
            f"\n{workflow.workflow_id}: {workflow.status}, {len(workflow.artifacts or [])} "
            f"artifact(s), created {workflow.created_at}"
        )
        for event in sogni.creative_workflows.events(chosen):
            print(f"  #{event.id} {event.event}: {event.message}")


if __name__ == "__main__":
    main(run)
