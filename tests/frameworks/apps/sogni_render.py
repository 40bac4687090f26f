"""What the synchronous apps share: the client they make at import, and what they serve
(one project created, awaited and read)."""

from __future__ import annotations

import os
from typing import Any

from sogni import SogniClient

MODEL = "flux1-schnell-fp8"
#: Set to fork right after the client is made, while it still connects (the SDK bug that
#: test_framework_fork_race.py shows).
FORK_AT_ONCE = "SOGNI_PROOF_FORK_AT_ONCE"


def preforked_client() -> SogniClient:
    """The client a pre-fork app makes at import, in the master (SOGNI_API_KEY,
    SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT).

    ``SogniClient()`` starts connecting on a thread of its own at once. Its first connection
    is awaited here, before the server forks: a fork while that thread is inside an import
    leaves the worker deadlocked on the import's lock (see test_framework_fork_race.py).
    """
    client = SogniClient()
    if not os.environ.get(FORK_AT_ONCE):
        client.projects.wait_for_models(timeout=10)
    return client


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
