from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sogni.core.framing import EncodedPayload, FrameError, decode_frame, encode_frame


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


def test_a_deferred_type_keeps_its_payload_encoded_until_asked() -> None:
    text = encode_frame("balanceUpdate", {"jobID": "abc", "sogni": {"net": "1"}})
    message_type, payload = decode_frame(text, frozenset({"balanceUpdate"}))
    assert message_type == "balanceUpdate"
    assert isinstance(payload, EncodedPayload)
    assert payload.decode() == {"jobID": "ABC", "sogni": {"net": "1"}}
    # Other types are decoded as usual.
    assert decode_frame(encode_frame("jobState", {"a": 1}), frozenset({"balanceUpdate"})) == (
        "jobState",
        {"a": 1},
    )


def test_a_deferred_payload_that_cannot_be_decoded_raises_frame_error_when_asked() -> None:
    _, payload = decode_frame(
        '{"type": "balanceUpdate", "data": "%%%"}', frozenset({"balanceUpdate"})
    )
    with pytest.raises(FrameError):
        payload.decode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.sampled_from(["balanceUpdate", "jobState"]), json_values)
def test_deferred_decoding_gives_what_eager_decoding_gives(
    message_type: str, value: object
) -> None:
    text = encode_frame(message_type, value)
    eager = decode_frame(text)
    lazy_type, lazy = decode_frame(text, frozenset({"balanceUpdate"}))
    assert lazy_type == eager[0]
    assert (lazy.decode() if isinstance(lazy, EncodedPayload) else lazy) == eager[1]
