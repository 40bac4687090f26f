"""The REST calls of the model catalogue, replayed from vcrpy cassettes (no server needed).

Re-record against the local Supernet with
``SOGNI_RECORD=1 pytest tests/unit/test_rest_cassettes.py``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

from sogni import SogniClient, ValidationError

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
RECORDING = bool(os.environ.get("SOGNI_RECORD"))

recorder = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="all" if RECORDING else "none",
    match_on=["method", "path", "query"],
    filter_headers=["api-key", "authorization"],
    decode_compressed_response=True,
)


@contextlib.contextmanager
def offline_client(cassette: str) -> Iterator[SogniClient]:
    """A client whose REST calls come from ``cassette`` (or are recorded into it)."""
    with contextlib.ExitStack() as stack:
        if RECORDING:
            from sogni.testing import LocalSupernet

            net = stack.enter_context(LocalSupernet(api_key="cassette-key"))
            rest, socket = net.rest_url, net.socket_url
        else:
            rest, socket = "http://sogni.test", "ws://sogni.test"
        stack.enter_context(recorder.use_cassette(cassette))
        yield stack.enter_context(
            SogniClient(
                api_key="cassette-key", rest_endpoint=rest, socket_endpoint=socket, connect=False
            )
        )


def test_supported_models_and_options_replay() -> None:
    with offline_client("catalogue.yaml") as client:
        models = client.projects.get_supported_models()
        assert {"flux1-schnell-fp8", "wan_v2.2-14b-fp8_t2v_lightx2v"} <= {m.id for m in models}
        schnell = client.projects.get_model_options("flux1-schnell-fp8")
        assert schnell.media == "image"
        assert schnell.steps is not None and schnell.steps.min <= 4 <= schnell.steps.max
        with pytest.raises(ValidationError):
            client.projects.get_model_options("not-a-model")


def test_size_presets_replay() -> None:
    with offline_client("size_presets.yaml") as client:
        presets = client.projects.get_size_presets("fast", "flux1-schnell-fp8")
        assert presets and all(p.width >= 256 and p.height >= 256 for p in presets)
        assert presets == client.projects.get_size_presets("fast", "flux1-schnell-fp8")


def test_cassettes_hold_no_credentials() -> None:
    for cassette in CASSETTES.glob("*.yaml"):
        assert "cassette-key" not in cassette.read_text()
