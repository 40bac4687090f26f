"""A durable chat run that pauses for cost approval before a paid tool, then goes on.

    python examples/durable_chat_run.py "Make a picture of a lighthouse at dawn" [--decline]

The network keeps the run and drives the model and its tools itself; this script follows
the run's event stream, shows the cost preview when the run pauses, and approves it (or,
with --decline, declines it: the run then answers without the paid tool).
"""

from __future__ import annotations

from _chat_common import chat_parser, pick_model
from _common import main
from _session_common import session


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="Make a picture of a lighthouse at dawn")
    cli.add_argument("--decline", action="store_true", help="decline the cost instead")
    args = cli.parse_args()
    with session(connect=False) as (sogni, _net):
        model = pick_model(sogni, args.model) if args.model else None
        run = sogni.chat.runs.create(
            [{"role": "user", "content": args.prompt}],
            model=model,
            token_type=args.token_type,
            runtime_config={"requireJobConfirmation": True},
        )
        print(f"run {run.run_id} created ({run.status})")
        for event in sogni.chat.runs.stream_events(run.run_id):
            if event.type == "assistant_delta":
                continue  # the answer is printed once, at the end
            print(f"  #{event.sequence} {event.type}")
            if event.type != "run_waiting_for_user":
                continue
            paused = sogni.chat.runs.get(run.run_id)
            details = paused.waiting.details if paused.waiting else None
            preview = details.cost_approval_preview if details else None
            if preview is None or details is None or details.tool_call_id is None:
                print("  the pause cannot be approved; cancelling")
                sogni.chat.runs.cancel(run.run_id, "no approvable preview")
                continue
            print(
                f"  cost preview: {preview.total_estimated_capacity_units} capacity units "
                f"in {preview.token_type}, valid until {preview.validity_until}"
            )
            if args.decline:
                sogni.chat.runs.confirm_cost(
                    run.run_id,
                    tool_call_id=details.tool_call_id,
                    decision="cancel",
                    reason="declined",
                )
                print("  declined")
            else:
                sogni.chat.runs.approve(
                    run.run_id, paused, idempotency_key=f"approve-{details.tool_call_id}"
                )
                print("  approved")
        final = sogni.chat.runs.get(run.run_id)
        print(f"run {final.run_id} {final.status}")
        for artifact in final.artifacts or []:
            print(f"  {artifact.get('mediaType')}: {artifact.get('url')}")
        if final.final_response is not None:
            print(f"assistant> {final.final_response.content}")


if __name__ == "__main__":
    main(run)
