from __future__ import annotations

import base64
import json

import pytest

from sogni.core.framing import FrameError, decode_frame, encode_frame


def test_encode_wraps_payload_in_base64_json() -> None:
    frame = json.loads(encode_frame("jobRequest", {"jobID": "ABC", "prompt": "café"}))
    assert frame["type"] == "jobRequest"
    assert json.loads(base64.b64decode(frame["data"])) == {"jobID": "ABC", "prompt": "café"}


def test_decode_round_trips_and_upper_cases_ids() -> None:
    text = encode_frame("jobProgress", {"jobID": "abc-1", "imgID": "def-2", "step": 3})
    assert decode_frame(text) == ("jobProgress", {"jobID": "ABC-1", "imgID": "DEF-2", "step": 3})


def test_decode_accepts_binary_frames_and_bare_string_payloads() -> None:
    frame = encode_frame("changeNetwork", "relaxed").encode()
    assert decode_frame(frame) == ("changeNetwork", "relaxed")


def test_frame_without_data_decodes_to_none() -> None:
    assert decode_frame('{"type": "ping"}') == ("ping", None)


@pytest.mark.parametrize("bad", ["not json", '{"data": "e30="}', '{"type": "x", "data": "%%%"}'])
def test_undecodable_frames_raise_frame_error(bad: str) -> None:
    with pytest.raises(FrameError):
        decode_frame(bad)
