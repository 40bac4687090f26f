"""What the synchronous apps share: the client they make at import, and what they serve
(one project created, awaited and read)."""

from __future__ import annotations

import os
from typing import Any

from sogni import SogniClient

MODEL = "flux1-schnell-fp8"
#: Set by test_framework_fork_race.py, whose gunicorn config forks while the client's
#: first connection is still under way.
FORK_AT_ONCE = "SOGNI_PROOF_FORK_AT_ONCE"


def preforked_client() -> SogniClient:
    """The client a pre-fork app makes at import, in the master (SOGNI_API_KEY,
    SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT), exactly as the README shows: nothing is
    awaited before the server forks."""
    return SogniClient()


def render(client: SogniClient, prompt: str, *, client_made_in: int) -> dict[str, Any]:
    """Create a project, wait for it and read its image; ``client_made_in`` is the pid of
    the process that created ``client`` (the server's master when it preloads the app)."""
    project = client.projects.create(model_id=MODEL, positive_prompt=prompt)
    urls = project.wait_for_completion(timeout=30)
    image = project.jobs[0].read()
    return {
        "pid": os.getpid(),
        "client_made_in": client_made_in,
        "project_id": project.id,
        "status": project.status,
        "url": urls[0],
        "bytes": len(image),
    }
