"""The Python client sends exactly what the official npm client sends.

``expected.json`` holds, for every case of ``cases.json``, the jobRequest and the uploads the
local Supernet received from ``@sogni-ai/sogni-client`` (``generate_expected.py`` records
it). Here the sync and the async client create the same projects against a local Supernet
and must produce identical records: the jobRequest byte for byte (key order included, the
project id aside), and the same upload endpoints, types, content types and sizes. A few
cases also run live through the npm client (marker ``npm``), so the recording cannot drift
from the installed client.

``invalid_cases.json`` lists parameters that must fail with a typed error naming the
parameter, before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from harness import (
    EXPECTED_FILE,
    INVALID_FILE,
    REFERENCE,
    UPLOAD_URL_PATHS,
    async_mismatches,
    canonical,
    check_live_sample,
    create,
    load_cases,
    npm_available,
    python_params,
    recorded,
)

from sogni import SogniClient, ValidationError
from sogni.testing import LocalSupernet

CASES = load_cases()
EXPECTED: dict[str, Any] = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
INVALID = load_cases(INVALID_FILE)
IDS = [case["id"] for case in CASES]

# One case per workflow, run live through the npm client as well.
LIVE_SAMPLE = [
    "t2i-z-image-turbo-comfy",
    "cn-canny-full",
    "edit-gpt-image-2-context",
    "wan-s2v-speed",
    "wan-animate-replace-sam2",
    "ltx-v2v-detailer-identity",
    "seedance-url-references",
    "music-turbo-full",
]


@pytest.fixture(scope="module")
def net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="parity-key", step_delay=0.001) as server:
        yield server


@pytest.fixture(scope="module")
def client(net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as sogni_client:
        yield sogni_client


def test_the_corpus_covers_every_workflow() -> None:
    assert len(CASES) >= 60
    assert len(set(IDS)) == len(IDS)
    assert set(EXPECTED) == set(IDS), "run tests/parity/generate_expected.py"
    models = {case["params"]["modelId"] for case in CASES}
    for needed in (
        "flux1-schnell-fp8",
        "z_image_turbo_bf16",
        "coreml-cyberrealistic_v70_768",
        "qwen_image_edit_2511_fp8",
        "qwen_image_edit_2511_fp8_lightning",
        "flux1-dev-kontext_fp8_scaled",
        "flux2_dev_fp8",
        "gpt-image-2",
        "wan_v2.2-14b-fp8_t2v_lightx2v",
        "wan_v2.2-14b-fp8_t2v",
        "wan_v2.2-14b-fp8_i2v_lightx2v",
        "wan_v2.2-14b-fp8_i2v",
        "wan_v2.2-14b-fp8_s2v_lightx2v",
        "wan_v2.2-14b-fp8_s2v",
        "wan_v2.2-14b-fp8_animate-move_lightx2v",
        "wan_v2.2-14b-fp8_animate-replace_lightx2v",
        "ltx23-22b-fp8_t2v_distilled",
        "ltx23-22b-fp8_i2v_distilled",
        "ltx23-22b-fp8_v2v_distilled",
        "ltx23-22b-fp8_ia2v_distilled",
        "ltx23-22b-fp8_a2v_distilled",
        "seedance-2-0",
        "seedance-2-0-fast",
        "ace_step_1.5_turbo",
        "ace_step_1.5_sft",
    ):
        assert needed in models, needed
    uploaded = {tuple(u[:2]) for record in EXPECTED.values() for u in record["uploads"]}
    for endpoint, kind in (
        ("/v1/image/uploadUrl", "startingImage"),
        ("/v1/image/uploadUrl", "cnImage"),
        ("/v1/image/uploadUrl", "contextImage6"),
        ("/v1/image/uploadUrl", "referenceImage"),
        ("/v1/image/uploadUrl", "referenceImageEnd"),
        ("/v1/media/uploadUrl", "referenceAudio"),
        ("/v1/media/uploadUrl", "referenceVideo"),
    ):
        assert (endpoint, kind) in uploaded


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=IDS)
def test_sync_client_sends_what_the_npm_client_sends(
    net: LocalSupernet, client: SogniClient, index: int, case: dict[str, Any]
) -> None:
    project_id = create(net, client, case, index)
    assert canonical(recorded(net, project_id)) == canonical(EXPECTED[case["id"]])


def test_async_client_sends_what_the_npm_client_sends(net: LocalSupernet) -> None:
    assert async_mismatches(net, CASES, EXPECTED) == []


@pytest.mark.npm
@pytest.mark.skipif(not npm_available(), reason="needs node and `npm ci` in tests/npm")
def test_live_npm_client_agrees_with_the_python_client(
    net: LocalSupernet, client: SogniClient
) -> None:
    check_live_sample(net, client, CASES, EXPECTED, LIVE_SAMPLE, REFERENCE)


def _traffic(net: LocalSupernet) -> tuple[int, int]:
    uploads = [
        r
        for r in net.requests()
        if r.path in UPLOAD_URL_PATHS or r.path.startswith("/_storage/uploads/")
    ]
    return len(net.received("jobRequest")), len(uploads)


@pytest.mark.parametrize(
    ("index", "case"), list(enumerate(INVALID)), ids=[case["id"] for case in INVALID]
)
def test_invalid_parameters_raise_a_typed_error_before_anything_is_sent(
    net: LocalSupernet, client: SogniClient, index: int, case: dict[str, Any]
) -> None:
    before = _traffic(net)
    with python_params(case, index) as kwargs, pytest.raises(ValidationError) as info:
        client.projects.create(**kwargs)
    assert info.value.field == case["field"], str(info.value)
    assert _traffic(net) == before
