"""Saved uploads without a network: references to them, reading a file once to checksum
it, and the structured details the network's errors carry."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from sogni import AssetRef, ValidationError
from sogni._runtime.rest import api_error
from sogni._runtime.uploads import MAX_SAVED_UPLOAD_BYTES, hashed_upload
from sogni.core.params import check_asset

PNG = Path(__file__).resolve().parents[1] / "parity" / "assets" / "image.png"


class _OneWayStream(io.RawIOBase):
    """A readable stream that cannot seek (a pipe, a socket)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_an_asset_ref_names_a_saved_upload() -> None:
    ref = AssetRef("a1", "image/png")
    assert (ref.id, ref.content_type) == ("a1", "image/png")
    check_asset("starting_image", ref)  # accepted wherever an asset is
    for bad in ("", "  ", 7):
        with pytest.raises(ValidationError):
            AssetRef(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        AssetRef("a1", content_type=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("form", ["path", "bytes", "seekable", "one-way"])
def test_every_source_form_is_hashed_once_and_can_still_be_sent(form: str) -> None:
    data = PNG.read_bytes()
    source: object = {
        "path": PNG,
        "bytes": data,
        "seekable": io.BytesIO(data),
        "one-way": io.BufferedReader(_OneWayStream(data)),
    }[form]
    hashed = hashed_upload(source)
    assert hashed.sha256 == hashlib.sha256(data).hexdigest()
    assert (hashed.size, hashed.content_type) == (len(data), "image/png")
    assert b"".join(hashed.asset.iter_chunks()) == data  # the body to upload is all there


def test_what_the_library_does_not_take_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        hashed_upload(b"just some text")
    assert caught.value.field == "source" and "image/png" in (caught.value.allowed or [])
    for bad in (True, AssetRef("a1"), b""):
        with pytest.raises(ValidationError):
            hashed_upload(bad)


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as handle:
        handle.truncate(MAX_SAVED_UPLOAD_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ValidationError) as caught:
        hashed_upload(big, content_type="video/mp4")
    assert str(MAX_SAVED_UPLOAD_BYTES) in str(caught.value)


def test_an_error_keeps_the_details_the_network_sent() -> None:
    body = (
        b'{"status":"error","message":"An active subscription is required",'
        b'"errorCode":4081,"details":{"feature":"saved_uploads","requiredPlans":["unlimited"]}}'
    )
    error = api_error(403, body)
    assert (error.status, error.error_code) == (403, 4081)
    assert error.details == {"feature": "saved_uploads", "requiredPlans": ["unlimited"]}
    assert (
        api_error(400, b'{"status":"error","message":"m","details":["not", "an object"]}').details
        is None
    )
    assert api_error(500, b"gateway down").details is None
