"""The catalogue the local Supernet serves, pinned byte for byte.

The digests were taken from the served documents; a change to the catalogue data (or to
how it is loaded) that alters a single byte a client reads fails here.
"""

from __future__ import annotations

import hashlib
import json

import attrs
import httpx

from sogni.testing import LocalSupernet
from sogni.testing.catalogue import default_catalogue

SERVED = {
    "/api/v2/models/tiers": "62bdff977fbc1a8c641d0a7b14eac2b90374a56491f32cf2aff546b7137b6f5f",
    "/api/v1/models/list": "633fa73679e9a4f712d5945b8f57bbf059026fc6745835ee65e116cc73a05fec",
    "/api/v1/status/network/fast/models": (
        "e2fc8e4db266ff4f67cd6b7857544159e2cc3e4e6836c227ee0fa8bf8efd09fb"
    ),
}
EVERY_MODELS_PRESETS = "6d12027f2a4276835735334a2f7d033c15b294ceff9d10337e49781ca1b5dbff"
MODEL_RECORDS = "757205d224db07d0bc37e3d0b0f37eec9a33959fa4b56c90acc76b74a5bae59f"
SWARM_LLM_MODELS = "df80e5dad065dd94249f01f74a7661b43d050848aed92da6532fd8c72a9604c0"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_served_catalogue_documents_are_unchanged(net: LocalSupernet) -> None:
    headers = {"api-key": net.api_key}
    for path, digest in SERVED.items():
        response = httpx.get(net.rest_url + path, headers=headers)
        assert _digest(response.content) == digest, path


def test_size_presets_of_every_model_are_unchanged(net: LocalSupernet) -> None:
    headers = {"api-key": net.api_key}
    models = httpx.get(net.rest_url + "/api/v1/models/list", headers=headers).json()
    joined = b"\n".join(
        httpx.get(
            f"{net.rest_url}/api/v1/size-presets/network/fast/model/{model['id']}",
            headers=headers,
        ).content
        for model in models
    )
    assert _digest(joined) == EVERY_MODELS_PRESETS


def test_model_records_and_llm_models_are_unchanged() -> None:
    catalogue = default_catalogue()
    assert _digest(_compact([attrs.asdict(m) for m in catalogue.models])) == MODEL_RECORDS
    assert _digest(_compact(catalogue.swarm_llm_models())) == SWARM_LLM_MODELS
