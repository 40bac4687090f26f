"""What the workflow, login and worker examples share: a client on the real network or on
an embedded local Supernet.

With ``SOGNI_API_KEY`` (or ``SOGNI_USERNAME`` and ``SOGNI_PASSWORD`` for the login example)
the scripts use the real Supernet and may spend tokens. Without credentials they start an
embedded local Supernet (``pip install 'sogni[testing]'``), so they run anywhere, offline.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sogni import SogniClient

if TYPE_CHECKING:
    from sogni.testing import LocalSupernet

#: The account the embedded local Supernet offers to the login example.
LOCAL_USERNAME = "demo"
LOCAL_PASSWORD = "demo-password"


@contextlib.contextmanager
def session(**options: Any) -> Iterator[tuple[SogniClient, LocalSupernet | None]]:
    """An API-key client and, when running locally, the local Supernet it talks to."""
    if os.environ.get("SOGNI_API_KEY"):
        with SogniClient(app_source="sogni-examples", **options) as sogni:
            yield sogni, None
        return
    from sogni.testing import LocalSupernet

    print("SOGNI_API_KEY is not set: using an embedded local Supernet (no tokens are spent).")
    with (
        LocalSupernet(api_key="local-examples", step_delay=0.05) as net,
        SogniClient(
            api_key=net.api_key,
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_source="sogni-examples",
            **options,
        ) as sogni,
    ):
        yield sogni, net


@contextlib.contextmanager
def login_session(**options: Any) -> Iterator[tuple[SogniClient, str, str]]:
    """A client that has not logged in yet, with the username and password to use."""
    username, password = os.environ.get("SOGNI_USERNAME"), os.environ.get("SOGNI_PASSWORD")
    if username and password:
        with SogniClient(app_source="sogni-examples", **options) as sogni:
            yield sogni, username, password
        return
    from sogni.testing import LocalSupernet

    print(
        "SOGNI_USERNAME/SOGNI_PASSWORD are not set: logging in to an embedded local "
        f"Supernet as {LOCAL_USERNAME!r}."
    )
    with (
        LocalSupernet(accounts={LOCAL_USERNAME: LOCAL_PASSWORD}) as net,
        SogniClient(
            rest_endpoint=net.rest_url,
            socket_endpoint=net.socket_url,
            app_source="sogni-examples",
            **options,
        ) as sogni,
    ):
        yield sogni, LOCAL_USERNAME, LOCAL_PASSWORD


#: Two hosted tool steps: a poster, then a short clip animated from it.
POSTER_THEN_CLIP: list[dict[str, Any]] = [
    {
        "id": "poster",
        "toolName": "sogni_generate_image",
        "arguments": {
            "prompt": "a paper kite over a green hill, poster",
            "width": 768,
            "height": 1024,
        },
    },
    {
        "id": "clip",
        "toolName": "sogni_generate_video",
        "arguments": {"prompt": "the kite climbs into the wind", "duration": 2},
        "dependsOn": [
            {
                "sourceStepId": "poster",
                "targetArgument": "reference_image_url",
                "transform": "artifact_url",
            }
        ],
    },
]
