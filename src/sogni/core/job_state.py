"""The state of one media item of a project (a job), fed by the project's state machine."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from sogni.core.js import js_round
from sogni.core.project_events import JobError

__all__ = ["FINISHED", "JobState", "JobStatus", "percent"]

JobStatus = Literal["pending", "initiating", "processing", "completed", "failed", "canceled"]
FINISHED = frozenset({"completed", "failed", "canceled"})


def percent(value: float, low: int = 0, high: int = 100) -> int:
    """``value`` rounded as the network rounds it, kept within ``low``..``high``."""
    return max(low, min(high, js_round(value)))


@attrs.define
class JobState:
    """One media item of a project (the network's ``imgID``)."""

    id: str
    status: JobStatus = "pending"
    step: int = 0
    step_count: int = 0
    seed: int | None = None
    worker_name: str | None = None
    positive_prompt: str | None = None
    negative_prompt: str | None = None
    job_index: int | None = None
    preview_url: str | None = None
    result_url: str | None = None
    is_nsfw: bool = False
    #: The safety signal is a label on media that was delivered (the project turned the
    #: filter off), not a withhold.
    nsfw_detected: bool = False
    #: Which signals fired: ``prompt`` and/or ``image``.
    nsfw_sources: tuple[str, ...] = ()
    user_canceled: bool = False
    error: JobError | None = None
    eta: float | None = None
    eta_started_at: float | None = None
    external_progress: float | None = None
    result_pending: bool = False
    result_requested: bool = False
    #: The result URL came with the result itself (a hosted file of an external-API
    #: model), not from the network's download-URL endpoint: it cannot be signed again.
    result_direct: bool = False

    @property
    def finished(self) -> bool:
        """True once the job completed, failed or was canceled."""
        return self.status in FINISHED

    @property
    def is_withheld(self) -> bool:
        """True when the network withheld the result for sensitive content: the filter was
        on and a signal fired, so there is no media to fetch."""
        return self.is_nsfw and not self.nsfw_detected

    def set_safety(self, payload: Mapping[str, Any]) -> None:
        """The safety signals of a result or a job record. A payload claiming both a
        withhold and a delivered label counts as withheld, as on the network's clients."""
        self.is_nsfw = bool(payload.get("triggeredNSFWFilter"))
        self.nsfw_detected = payload.get("nsfwDetected") is True
        sources = payload.get("nsfwSources")
        self.nsfw_sources = (
            tuple(str(source) for source in sources if isinstance(source, str))
            if isinstance(sources, list)
            else ()
        )

    def eta_seconds_at(self, now: float) -> float | None:
        """Seconds from ``now`` to the estimated completion (0 once it passed), if known."""
        if self.eta is None:
            return None
        return max(0.0, self.eta - now)

    def to_dict(self, project_id: str, now: float) -> dict[str, Any]:
        """A JSON-able snapshot of the job (snake_case keys, plain values)."""
        return {
            "id": self.id,
            "project_id": project_id,
            "status": self.status,
            "progress": self.progress_at(now),
            "step": self.step,
            "step_count": self.step_count,
            "seed": self.seed,
            "worker_name": self.worker_name,
            "positive_prompt": self.positive_prompt,
            "negative_prompt": self.negative_prompt,
            "job_index": self.job_index,
            "preview_url": self.preview_url,
            "result_url": self.result_url,
            "is_nsfw": self.is_nsfw,
            "nsfw_detected": self.nsfw_detected,
            "nsfw_sources": list(self.nsfw_sources),
            "is_withheld": self.is_withheld,
            "user_canceled": self.user_canceled,
            "eta": self.eta,
            "eta_seconds": self.eta_seconds_at(now),
            "error": self.error.to_dict() if self.error else None,
        }

    @property
    def progress_is_timed(self) -> bool:
        """Whether :meth:`progress_at` depends on the time (a time-based estimate)."""
        if self.status == "completed":
            return False
        external = self.external_progress
        if (external is not None and math.isfinite(external)) or self.step_count > 0:
            return False
        return self.eta is not None and self.eta_started_at is not None

    def progress_at(self, now: float) -> int:
        """Progress 0–100 at wall-clock time ``now``."""
        if self.status == "completed":
            return 100
        external = self.external_progress
        if external is not None and math.isfinite(external):
            scaled = external * 100 if 0 <= external <= 1 else external
            return percent(scaled)
        if self.step_count > 0:
            return percent(self.step / self.step_count * 100)
        if self.eta is not None and self.eta_started_at is not None:
            span = self.eta - self.eta_started_at
            elapsed = now - self.eta_started_at
            if elapsed <= 0 or span <= 0:
                return 1
            return percent(elapsed / span * 100, 1, 95)
        return 0
