"""``client.workflows`` is the current name of the durable-workflow group; the reference's
``creative_workflows`` is the very same object, on both clients."""

from __future__ import annotations

from sogni import SogniClient
from sogni_async import AsyncSogniClient


def test_both_names_are_one_object() -> None:
    for cls in (SogniClient, AsyncSogniClient):
        client = cls(api_key="k", rest_endpoint="http://127.0.0.1:9", connect=False)
        try:
            assert client.workflows is client.creative_workflows
            assert callable(client.workflows.start)
        finally:
            if cls is SogniClient:
                client.close()
