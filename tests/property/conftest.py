from __future__ import annotations

from collections.abc import Iterator

import pytest
from fuzz_inputs import MODELS

from sogni import SogniClient
from sogni.testing import LocalSupernet


@pytest.fixture(scope="module")
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="fuzz-key") as server:
        yield server


@pytest.fixture(scope="module")
def client(net: LocalSupernet) -> Iterator[SogniClient]:
    """A connected client whose model caches are warm: a refused input must cause no
    request at all, so the first project of each kind is made (and finished) up front."""
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as sogni_client:
        sogni_client.projects.wait_for_models(timeout=30)
        for kind, model_id in MODELS.items():
            sogni_client.projects.create(
                type=kind, model_id=model_id, positive_prompt="warm up"
            ).wait_for_completion(timeout=60)
        yield sogni_client
