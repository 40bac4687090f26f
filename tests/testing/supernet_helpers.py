"""Helpers for tests of the local Supernet: a raw framed socket and request builders."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import websocket

from sogni.testing import LocalSupernet


def frame(message_type: str, payload: Any) -> str:
    """Encode a client frame."""
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    return json.dumps({"type": message_type, "data": data})


class RawSocket:
    """A bare websocket-client connection speaking the framing by hand."""

    def __init__(
        self,
        net: LocalSupernet,
        api_key: str | None = None,
        app_id: str | None = None,
        query: str = "",
        token: str | None = None,
    ) -> None:
        self.app_id = app_id or f"test-{uuid.uuid4()}"
        key = net.api_key if api_key is None else api_key
        header = f"Authorization: {token}" if token else f"api-key: {key}"
        url = (
            f"{net.socket_url}/?appId={self.app_id}&clientName=pytest&clientType=artist"
            f"&forceWorkerId=fast{query}"
        )
        self.ws = websocket.create_connection(url, header=[header], timeout=5)

    def send(self, message_type: str, payload: Any, binary: bool = False) -> None:
        """Send one framed message."""
        text = frame(message_type, payload)
        if binary:
            self.ws.send_binary(text.encode())
        else:
            self.ws.send(text)

    def recv(self, timeout: float = 5.0) -> tuple[str, Any]:
        """Receive and decode one frame."""
        self.ws.settimeout(timeout)
        raw = self.ws.recv()
        envelope = json.loads(raw)
        return envelope["type"], json.loads(base64.b64decode(envelope["data"]))

    def recv_until(
        self, message_type: str, where: Any = None, timeout: float = 10.0
    ) -> list[tuple[str, Any]]:
        """Receive frames until one of ``message_type`` (matching ``where``); returns them all."""
        deadline = time.monotonic() + timeout
        seen: list[tuple[str, Any]] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {message_type} within {timeout}s; saw {seen}")
            kind, payload = self.recv(remaining)
            seen.append((kind, payload))
            if kind == message_type and (where is None or where(payload)):
                return seen

    def close(self) -> None:
        """Close the connection."""
        self.ws.close()


def image_job_request(
    project_id: str, model_id: str = "flux1-schnell-fp8", count: int = 2, **key_frame: Any
) -> dict[str, Any]:
    """A minimal jobRequest payload as the official client builds it."""
    frame_fields: dict[str, Any] = {
        "modelID": model_id,
        "positivePrompt": "a cat",
        "negativePrompt": "",
        "stylePrompt": "",
    }
    frame_fields.update(key_frame)
    return {
        "jobID": project_id,
        "keyFrames": [frame_fields],
        "numberOfImages": count,
        "previews": 0,
        "disableSafety": False,
        "outputFormat": "png",
    }


def wait_until(predicate: Any, timeout: float = 10.0, what: str = "condition") -> None:
    """Re-check ``predicate()`` until it holds; ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not reached within {timeout}s")
        time.sleep(0.01)
