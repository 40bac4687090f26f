"""A local Sogni Supernet for tests: ``with LocalSupernet() as net: ...``.

Needs the ``testing`` extra (``pip install sogni[testing]``: aiohttp and Pillow).
"""

from __future__ import annotations

try:
    import aiohttp  # noqa: F401
    import PIL  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    from sogni.errors import MissingExtraError

    raise MissingExtraError("sogni.testing (the local Supernet)", "testing") from exc

from .recording import RecordedMessage, RecordedRequest
from .server import LocalSupernet
from .storage import StoredUpload

__all__ = ["LocalSupernet", "RecordedMessage", "RecordedRequest", "StoredUpload"]
