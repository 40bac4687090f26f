"""A local Sogni Supernet for tests and demos, speaking the real wire protocol.

::

    from sogni.testing import LocalSupernet

    with LocalSupernet(api_key="test-key") as net:
        client = SogniClient(api_key=net.api_key, rest_endpoint=net.rest_url,
                             socket_endpoint=net.socket_url)
        ...
        assert net.received("jobRequest")[0]["numberOfImages"] == 2
        assert any(r.path == "/v1/image/downloadUrl" for r in net.requests())

One loopback port serves the REST host, the socket host's HTTP endpoints and the artist
WebSocket. Projects run through the network's event sequence and produce real images
(PNG/JPEG/WebP), MP4 video and MP3/WAV/FLAC audio; LLM chat, hosted chat completions,
durable workflows (with SSE), uploads, estimates and wallet login are emulated too.
Accounts that log in with username and password: ``LocalSupernet(accounts={"alice":
"pw"})`` or :meth:`LocalSupernet.add_account` (a wallet nobody registered also gets an
account on its first signed login). :meth:`LocalSupernet.subscriptions` shows the socket
event subscriptions the server holds for a client.
Faults: :meth:`LocalSupernet.drop_connections` (every socket and SSE stream, abruptly),
:meth:`LocalSupernet.outage` (the port closed until it ends), :meth:`LocalSupernet.restart`
(same port, state kept), :meth:`LocalSupernet.fail_requests`, :meth:`LocalSupernet.send_raw`.
A resent ``jobRequest`` or ``llmJobRequest`` (same ``jobID``) is not acted on twice;
:meth:`LocalSupernet.stats` counts such resends, projects and client cancels.
Standalone: ``python -m sogni.testing --port 8080 --account alice:pw``.

Needs the ``testing`` extra (``pip install sogni[testing]``: aiohttp and Pillow).
"""

from __future__ import annotations

try:
    import aiohttp  # noqa: F401
    import PIL  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    from sogni.errors import MissingExtraError

    raise MissingExtraError("sogni.testing (the local Supernet)", "testing") from exc

from .auth import Account
from .recording import RecordedMessage, RecordedRequest
from .server import LocalSupernet
from .storage import StoredUpload

__all__ = ["Account", "LocalSupernet", "RecordedMessage", "RecordedRequest", "StoredUpload"]
