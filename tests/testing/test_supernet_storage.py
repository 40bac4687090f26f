"""Presigned uploads and downloads of the local Supernet."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from PIL import Image
from supernet_helpers import RawSocket, image_job_request

from sogni.testing import LocalSupernet


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


WAV_HEAD = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32)


def upload_url(net: LocalSupernet, endpoint: str, **params: str) -> str:
    response = httpx.get(
        f"{net.rest_url}/v1/{endpoint}/uploadUrl", params=params, headers={"api-key": net.api_key}
    )
    assert response.status_code == 200, response.text
    url = response.json()["data"]["uploadUrl"]
    assert url.startswith(net.rest_url)
    return str(url)


def test_image_upload_is_stored_by_job_and_type(net: LocalSupernet) -> None:
    data = png_bytes()
    url = upload_url(
        net, "image", imageId="IMG", jobId="JOB1", type="startingImage", contentType="image/png"
    )
    response = httpx.put(url, content=data, headers={"Content-Type": "image/png"})
    assert response.status_code == 200
    stored = net.upload("JOB1", "startingImage")
    assert stored is not None
    assert stored.read_bytes() == data
    assert (stored.content_type, stored.size) == ("image/png", len(data))
    # The upload is not authenticated by header: the URL itself is the credential.
    put = [r for r in net.requests() if r.method == "PUT"][0]
    assert "api-key" not in put.headers


def test_upload_tolerates_undefined_content_type(net: LocalSupernet) -> None:
    url = upload_url(
        net, "image", imageId="IMG", jobId="JOB2", type="contextImage1", contentType="undefined"
    )
    assert httpx.put(url, content=png_bytes()).status_code == 200
    assert net.upload("JOB2", "contextImage1") is not None


@pytest.mark.parametrize(
    ("endpoint", "body", "header", "status"),
    [
        ("image", b"definitely not an image at all", None, 400),
        ("image", b"", "image/png", 400),
        ("image", WAV_HEAD, "audio/wav", 415),
        ("image", b"\xff\xd8\xff\xe0" + bytes(64), "image/png", 400),
        ("media", png_bytes(), "image/png", 415),
        ("media", b"plain text, no magic", None, 400),
    ],
)
def test_bad_uploads_are_rejected(
    net: LocalSupernet, endpoint: str, body: bytes, header: str | None, status: int
) -> None:
    url = upload_url(net, endpoint, jobId="JOB3", type="referenceImage")
    headers = {"Content-Type": header} if header else {}
    response = httpx.put(url, content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["status"] == "error"
    assert net.upload("JOB3", "referenceImage") is None


def test_content_type_must_match_the_signed_one(net: LocalSupernet) -> None:
    url = upload_url(net, "image", jobId="JOB4", type="startingImage", contentType="image/jpeg")
    response = httpx.put(url, content=png_bytes(), headers={"Content-Type": "image/png"})
    assert response.status_code == 403


def test_oversized_upload_is_rejected() -> None:
    with LocalSupernet(max_media_upload_bytes=1000) as net:
        url = upload_url(net, "media", jobId="JOB5", type="referenceAudio")
        response = httpx.put(url, content=WAV_HEAD + bytes(5000))
        assert response.status_code == 413
        assert net.upload("JOB5", "referenceAudio") is None


def test_media_upload_then_download(net: LocalSupernet) -> None:
    body = WAV_HEAD + bytes(100)
    url = upload_url(net, "media", jobId="JOB6", type="referenceAudio", contentType="audio/wav")
    assert httpx.put(url, content=body, headers={"Content-Type": "audio/wav"}).status_code == 200
    response = httpx.get(
        f"{net.rest_url}/v1/media/downloadUrl",
        params={"jobId": "JOB6", "type": "referenceAudio"},
        headers={"api-key": net.api_key},
    )
    download = httpx.get(response.json()["data"]["downloadUrl"])
    assert download.content == body
    assert download.headers["content-type"] == "audio/wav"


def test_uploaded_starting_image_satisfies_the_job_request(
    net: LocalSupernet, sock: RawSocket
) -> None:
    project_id = str(uuid.uuid4()).upper()
    url = upload_url(
        net, "image", imageId="X", jobId=project_id, type="startingImage", contentType="image/png"
    )
    httpx.put(url, content=png_bytes(), headers={"Content-Type": "image/png"})
    sock.send(
        "jobRequest", image_job_request(project_id, count=1, hasStartingImage=True, strength=0.3)
    )
    events = sock.recv_until("jobState", where=lambda p: p["type"] == "jobCompleted")
    assert not [e for e in events if e[0] == "jobError"]
    project = net.project(project_id)
    assert project is not None and project["hasGuideImage"] is True


def test_download_url_for_unknown_job_is_404(net: LocalSupernet) -> None:
    response = httpx.get(
        f"{net.rest_url}/v1/image/downloadUrl",
        params={"jobId": "NOPE", "imageId": "NOPE", "type": "complete"},
        headers={"api-key": net.api_key},
    )
    assert response.status_code == 404
