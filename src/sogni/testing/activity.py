"""What clients asked the network for, by id: repeated requests, cancels and chat jobs.

A client that resends a request after a reconnect reuses its id; the network must not act
on it twice. :class:`RequestLog` counts every id per message type so tests can assert how
often that happened.
"""

from __future__ import annotations

import threading
from collections import Counter

import attrs

__all__ = ["ChatJob", "ChatJobs", "RequestLog"]


class RequestLog:
    """Request ids received per message type, and client cancels; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, Counter[str]] = {}
        self._cancels = 0

    def note(self, message_type: str, request_id: str) -> bool:
        """Count one ``message_type`` carrying ``request_id``; whether it was the first."""
        with self._lock:
            counts = self._ids.setdefault(message_type, Counter())
            counts[request_id] += 1
            return counts[request_id] == 1

    def note_cancel(self) -> None:
        """Count one ``artistCanceled`` the client sent."""
        with self._lock:
            self._cancels += 1

    def distinct(self, message_type: str) -> int:
        """How many different ids arrived in ``message_type`` messages."""
        with self._lock:
            return len(self._ids.get(message_type, ()))

    def duplicates(self, message_type: str) -> list[str]:
        """Ids that arrived in more than one ``message_type`` message, first seen first."""
        with self._lock:
            counts = self._ids.get(message_type, Counter())
            return [request_id for request_id, n in counts.items() if n > 1]

    @property
    def cancels(self) -> int:
        """How many ``artistCanceled`` messages clients sent."""
        with self._lock:
            return self._cancels


@attrs.define
class ChatJob:
    """An LLM chat job the network accepted (``llmJobRequest``)."""

    id: str
    address: str  # the wallet address of the account that asked
    finished: bool = False


class ChatJobs:
    """Chat jobs by upper-cased id, in the order they started; used on the server loop."""

    def __init__(self) -> None:
        self._jobs: dict[str, ChatJob] = {}

    def get(self, job_id: str) -> ChatJob | None:
        """The job with ``job_id`` (any case), if known."""
        return self._jobs.get(job_id.upper())

    def start(self, job_id: str, address: str) -> ChatJob:
        """Register a new job."""
        job = ChatJob(id=job_id, address=address)
        self._jobs[job_id.upper()] = job
        return job

    def active_for(self, address: str) -> list[str]:
        """Ids of the unfinished jobs of the account with wallet ``address``."""
        return [
            job.id
            for job in self._jobs.values()
            if not job.finished and job.address.lower() == address.lower()
        ]

    def __len__(self) -> int:
        return len(self._jobs)
