"""Save a workflow template, run it with inputs, then reseed the finished run.

    python examples/workflows_templates.py "a lighthouse at dawn" [--keep]

Templates are the account's saved, parameterised workflows (next to the public ones); a
run fills in the template's inputs. A reseed is a new take of a finished run with fresh
seeds. The template is deleted at the end unless --keep is given.
"""

from __future__ import annotations

import argparse

from _common import main
from _session_common import session

POSTER_TEMPLATE = {
    "name": "Poster of a brief",
    "description": "One poster image of the brief.",
    "inputs": [{"name": "brief", "type": "string", "required": True}],
    "stages": [
        {
            "id": "poster",
            "toolName": "generate_image",
            "arguments": {"prompt": "a poster of {{brief}}", "width": 512, "height": 768},
        }
    ],
}


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("brief", nargs="?", default="a lighthouse at dawn")
    cli.add_argument("--seed", type=int, default=42, help="seed of the reseeded take")
    cli.add_argument("--keep", action="store_true", help="keep the saved template")
    cli.add_argument("--timeout", type=float, default=900)
    args = cli.parse_args()
    with session(connect=False) as (sogni, _net):
        templates = sogni.workflows.templates
        public = templates.list(visibility="public")
        print(
            f"{len(public.templates)} public template(s): "
            + ", ".join(t.name for t in public.templates)
        )
        mine = templates.create(POSTER_TEMPLATE)
        print(f"saved template {mine.id} ({mine.name})")
        record = sogni.workflows.start(template_id=mine.id, inputs={"brief": args.brief})
        done = sogni.workflows.wait(record.workflow_id, timeout=args.timeout)
        print(f"workflow {done.workflow_id} {done.status}")
        for artifact in done.artifacts or []:
            print(f"  {artifact.media_type}: {artifact.url}")
        take = sogni.workflows.reseed(
            done.workflow_id,
            seed_overrides={"poster": args.seed},
            idempotency_key=f"{done.workflow_id}-seed-{args.seed}",
        )
        cloned = take.reseed.cloned_from_run_id if take.reseed else "?"
        print(f"reseeded {cloned} as {take.workflow.workflow_id}")
        again = sogni.workflows.wait(take.workflow.workflow_id, timeout=args.timeout)
        print(f"workflow {again.workflow_id} {again.status}")
        if not args.keep:
            templates.delete(mine.id)
            print(f"deleted template {mine.id}")


if __name__ == "__main__":
    main(run)
