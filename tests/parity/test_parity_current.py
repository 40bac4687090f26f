"""The current model families reach the wire exactly as npm ``@sogni-ai/sogni-client``
5.54.0 sends them.

``expected_554.json`` holds, for every case of ``cases_554.json``, what the local Supernet
received from the 5.54.0 client (``generate_expected.py --current`` records it). Both
Python clients must produce identical records; a sample also runs live through the
installed 5.54.0 client, so the recording cannot drift from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from harness import (
    CURRENT,
    async_mismatches,
    canonical,
    check_live_sample,
    create,
    load_cases,
    npm_available,
    recorded,
)

from sogni import SogniClient
from sogni.testing import LocalSupernet

CASES = load_cases(CURRENT.cases_file)
EXPECTED: dict[str, Any] = json.loads(CURRENT.expected_file.read_text(encoding="utf-8"))
IDS = [case["id"] for case in CASES]
LIVE_SAMPLE = ["minimax-h3-t2v", "flashvsr-upscale", "pixal3d-multiview", "qwen3-tts-speaker"]


@pytest.fixture(scope="module")
def current_net() -> Iterator[LocalSupernet]:
    with LocalSupernet(api_key="parity-key", step_delay=0.001) as server:
        yield server


@pytest.fixture(scope="module")
def current_client(current_net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=current_net.api_key,
        rest_endpoint=current_net.rest_url,
        socket_endpoint=current_net.socket_url,
    ) as client:
        yield client


def test_the_current_corpus_covers_the_new_families() -> None:
    assert set(EXPECTED) == set(IDS), "run tests/parity/generate_expected.py --current"
    models = {case["params"]["modelId"] for case in CASES}
    for prefix in (
        "happyhorse-",
        "seedance-2-0-mini",
        "seedance-2-5",
        "wan3.",
        "ltx25-",
        "minimax-h3-",
        "flashvsr_",
        "gpt-image-2.5",
        "krea2_",
        "seedream-",
        "sam3_",
        "birefnet_",
        "pixal3d_",
        "qwen3_tts_",
        "minimax_music3",
        "novel-",
    ):
        assert any(model.startswith(prefix) for model in models), prefix


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=IDS)
def test_sync_client_sends_what_npm_554_sends(
    current_net: LocalSupernet, current_client: SogniClient, index: int, case: dict[str, Any]
) -> None:
    project_id = create(current_net, current_client, case, index)
    assert canonical(recorded(current_net, project_id)) == canonical(EXPECTED[case["id"]])


def test_async_client_sends_what_npm_554_sends(current_net: LocalSupernet) -> None:
    assert async_mismatches(current_net, CASES, EXPECTED) == []


@pytest.mark.npm
@pytest.mark.skipif(not npm_available(CURRENT), reason="needs node and `npm ci` in tests/npm554")
def test_live_npm_554_agrees_with_the_python_client(
    current_net: LocalSupernet, current_client: SogniClient
) -> None:
    check_live_sample(current_net, current_client, CASES, EXPECTED, LIVE_SAMPLE, CURRENT)
