"""Project recovery requests of this SDK equal the official npm client's (5.54.0) on the wire:
``getStatus``, ``listProjectsElsewhere`` and ``sync`` against ``get_status``,
``list_elsewhere`` and ``sync``, with the same answers.

A third client, with an app id of its own, keeps a project running meanwhile; both clients
read it through the same local Supernet, which records their requests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet

NPM_DIR = Path(__file__).resolve().parent.parent / "npm554"
NODE = shutil.which("node")
RECOVERY_PATHS = ("/v2/projects/", "/api/v1/artist/projects/")
APP_ID = "recovery-parity"

pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm554 to install the official client",
    ),
]


def run_npm(net: LocalSupernet, project_id: str) -> Any:
    assert NODE is not None
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
    )
    spec = json.dumps({"appId": APP_ID, "projectId": project_id})
    proc = subprocess.run(
        [NODE, str(NPM_DIR / "recovery.mjs"), spec],
        cwd=NPM_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def recovery_requests(net: LocalSupernet) -> list[dict[str, Any]]:
    return [
        {
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "authorized": r.headers.get("api-key") == net.api_key,
        }
        for r in net.requests()
        if r.path.startswith(RECOVERY_PATHS)
    ]


def test_recovery_requests_equal_the_npm_clients() -> None:
    with LocalSupernet(step_delay=1.0) as net:
        with SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_id="parity-creator",
        ) as creator:
            running = creator.projects.create(
                model_id="flux1-schnell-fp8", steps=10, positive_prompt="a lighthouse"
            )
            for event in running.events(timeout=15):
                if event.type == "progress":
                    break
            net.clear_records()
            theirs = run_npm(net, running.id)
            npm_requests = recovery_requests(net)
            net.clear_records()
            with SogniClient(
                api_key=net.api_key,
                rest_endpoint=net.rest_url,
                socket_endpoint=net.socket_url,
                app_id=APP_ID,
                connect=False,
            ) as ours:
                status = ours.projects.get_status(running.id)
                elsewhere = ours.projects.list_elsewhere()
                synced = ours.projects.sync()
            our_requests = recovery_requests(net)

    assert [r["path"] for r in npm_requests] == [
        f"/v2/projects/{running.id}",
        "/api/v1/artist/projects/sync",
        "/api/v1/artist/projects/sync",
    ]
    assert our_requests == npm_requests
    assert npm_requests[2]["query"] == {"appId": APP_ID}
    assert theirs["status"] == {
        "id": status.id,
        "status": status.status,
        "finished": status.finished,
    }
    assert theirs["elsewhere"] == [p.id for p in elsewhere] == [running.id]
    assert theirs["sync"] == {
        "active": synced.active,
        "completed": synced.completed,
        "lost": synced.lost,
        "unverified": synced.unverified,
        "recoveredActive": [p.id for p in synced.recovered_active],
        "recoveredCompleted": [p.id for p in synced.recovered_completed],
    }
