"""Follow a workflow's events live, as server-sent events, until it finishes.

    python examples/workflows_stream.py [--id WORKFLOW_ID] [--after EVENT_ID]

The stream survives dropped connections: it reconnects and resumes right after the last
event it delivered, so every event is printed exactly once. ``--after`` starts after a
given event (e.g. the last one a previous run printed). Locally the script cuts the
connection twice on purpose to show the resume.
"""

from __future__ import annotations

import argparse

from _common import main
from _session_common import POSTER_THEN_CLIP, session


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--id", help="workflow to follow (default: start a new one)")
    cli.add_argument("--after", help="start after this event id")
    args = cli.parse_args()
    with session(connect=False) as (sogni, net):
        workflow_id = args.id
        if workflow_id is None:
            workflow_id = sogni.creative_workflows.start_hosted_tool_sequence(
                POSTER_THEN_CLIP, title="Streamed kite"
            ).workflow_id
            print(f"workflow {workflow_id} started")
        count = 0
        for frame in sogni.creative_workflows.stream_events(workflow_id, after=args.after):
            count += 1
            data = frame.data if isinstance(frame.data, dict) else {}
            print(
                f"#{frame.id} {frame.event:<16} {data.get('status', ''):<10} "
                f"{data.get('message', '')}"
            )
            if net is not None and count in (3, 7):
                net.drop_connections()
                print("  (connection cut; the stream resumes after this event)")
        print(f"{count} event(s); the workflow ended: {data.get('status')}")


if __name__ == "__main__":
    main(run)
