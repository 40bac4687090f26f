"""Recover projects: follow here what this account is rendering elsewhere, reconcile this
client's own projects, and list what finished recently.

    python examples/recover_projects.py                      # every project running elsewhere
    python examples/recover_projects.py --project-id 3F2504E0-4F89-11D3-9A0C-0305E82C3301

With SOGNI_API_KEY set it reads the real network: projects this account is rendering in
other processes, apps or devices are followed here to the end and their results
downloaded. Without it, an embedded local Supernet is started and a second client, a
stand-in for another process, starts a project first.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from typing import Any

from _common import follow, main

from sogni import SogniClient


def _another_process(options: dict[str, Any], prompt: str) -> str:
    """Start a project from a client with an app id of its own, then go away (as a process
    that exits would); the project keeps rendering on the network."""
    with SogniClient(app_id="another-process", **options) as other:
        project = other.projects.create(
            model_id="z_image_turbo_bf16", positive_prompt=prompt, steps=8, number_of_media=2
        )
        for event in project.events(timeout=30):
            if event.type == "queued":  # the network has it
                break
    print(f"another client started project {project.id} and went away")
    return project.id


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("prompt", nargs="?", default="a lighthouse at dawn", help="(local only)")
    cli.add_argument("--project-id", help="follow this project instead of those found")
    cli.add_argument("--out", default=".", help="directory for the results (default: here)")
    cli.add_argument("--timeout", type=float, default=600, help="seconds to wait for results")
    args = cli.parse_args()
    with contextlib.ExitStack() as stack:
        if os.environ.get("SOGNI_API_KEY"):
            sogni = stack.enter_context(SogniClient(app_source="sogni-examples"))
            poll_interval = 5.0
        else:
            from sogni.testing import LocalSupernet

            print(
                "SOGNI_API_KEY is not set: using an embedded local Supernet (no tokens are spent)."
            )
            net = stack.enter_context(LocalSupernet(api_key="local-examples", step_delay=0.2))
            options: dict[str, Any] = {
                "api_key": net.api_key,
                "rest_endpoint": net.rest_url,
                "socket_endpoint": net.socket_url,
            }
            _another_process(options, args.prompt)
            sogni = stack.enter_context(SogniClient(app_source="sogni-examples", **options))
            poll_interval = 0.2

        if args.project_id:
            wanted = [args.project_id]
        else:
            elsewhere = sogni.projects.list_elsewhere()
            print(f"{len(elsewhere)} project(s) running elsewhere")
            for found in elsewhere:
                model = (found.model or {}).get("id")
                print(f"  {found.id}: {found.status} in app {found.app_id} ({model})")
            wanted = [found.id for found in elsewhere]
        for project_id in wanted:
            follow(
                sogni.projects.attach(project_id, poll_interval=poll_interval),
                args.out,
                args.timeout,
            )

        synced = sogni.projects.sync()
        print(
            f"sync: {len(synced.active)} running, {len(synced.completed)} finished meanwhile, "
            f"{len(synced.lost)} lost, {len(synced.recovered_completed)} recovered"
        )
        for recent in sogni.projects.list_recent(limit=20):
            print(f"recent: {recent.id} ({recent.model_id}), {len(recent.jobs)} render(s)")


if __name__ == "__main__":
    main(run)
