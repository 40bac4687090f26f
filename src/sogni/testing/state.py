"""The shared world of one emulated network: options, account, catalogue, storage, projects."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

import attrs
from aiohttp import web

from .activity import ChatJobs, RequestLog
from .auth import Account, Authenticator
from .balances import AccountBalances
from .catalogue import Catalogue, default_catalogue
from .faults import FaultPlan
from .jobs import Simulator, Timing
from .ledger import Ledger
from .media import MediaSpec
from .recording import Recorder
from .sockets import Broadcaster
from .storage import Published, Storage
from .tokens import TokenIssuer
from .workflows import WorkflowEngine

__all__ = ["STATE", "SupernetOptions", "SupernetState", "caller"]


@attrs.frozen
class SupernetOptions:
    """Knobs of a :class:`~sogni.testing.LocalSupernet` (see its constructor)."""

    api_key: str = "test-key"
    username: str = "local-artist"
    step_delay: float = 0.005
    steps: int | None = None
    job_stagger: float = 0.001
    require_uploads: bool = True
    max_image_upload_bytes: int = 50 * 1024 * 1024
    max_media_upload_bytes: int = 500 * 1024 * 1024
    access_token_ttl: float = 3600.0
    refresh_token_ttl: float = 30 * 86400.0
    auto_register: bool = True


class SupernetState:
    """Everything the handlers share; lives on (and is mutated from) the server loop."""

    def __init__(self, options: SupernetOptions, catalogue: Catalogue | None = None) -> None:
        self.options = options
        self.base_url = ""  # set once the listening port is known
        self.recorder = Recorder()
        self.faults = FaultPlan()
        self.auth = Authenticator(
            options.api_key,
            options.username,
            TokenIssuer(options.access_token_ttl, options.refresh_token_ttl),
        )
        self.catalogue = catalogue or default_catalogue()
        self.storage = Storage(options.max_image_upload_bytes, options.max_media_upload_bytes)
        self.balances = AccountBalances()
        self.broadcaster = Broadcaster(self.recorder)
        self.simulator = Simulator(
            self.catalogue,
            self.broadcaster.send_to_app,
            Timing(
                step_delay=options.step_delay,
                job_stagger=options.job_stagger,
                steps_override=options.steps,
            ),
            result_url=self.result_url,
            charge=self.charge,
            connected=self.connected,
        )
        self._background: set[asyncio.Task[Any]] = set()
        self.login_nonces: dict[str, str] = {}  # lower-cased wallet address -> nonce
        self.workflows = WorkflowEngine(self.result_url, options.step_delay)
        self.workflow_keys: dict[str, str] = {}  # Idempotency-Key -> workflow id
        self.ledger = Ledger()
        self.request_log = RequestLog()
        self.chat_jobs = ChatJobs()
        self.outage = False  # while true every request is cut (the port is closed, too)
        self.sync_calls: dict[str, list[float]] = {}  # address -> recent recovery reads

    def stats(self) -> dict[str, int]:
        """The counters of :meth:`LocalSupernet.stats`."""
        statuses = Counter(p.status for p in self.simulator.projects.values())
        log = self.request_log
        return {
            "projects_started": len(self.simulator.projects),
            "job_request_ids": log.distinct("jobRequest"),
            "duplicate_job_requests": len(log.duplicates("jobRequest")),
            "projects_completed": statuses["completed"],
            "projects_failed": statuses["errored"],
            "projects_cancelled": statuses["cancelled"],
            "cancelled_by_client": log.cancels,
            "chat_jobs_started": len(self.chat_jobs),
            "llm_request_ids": log.distinct("llmJobRequest"),
            "duplicate_llm_requests": len(log.duplicates("llmJobRequest")),
            "socket_frames": self.broadcaster.counts.frames,
            "socket_writes": self.broadcaster.counts.writes,
        }

    def connected(self, app_id: str) -> bool:
        """Whether the client with ``app_id`` has a live socket."""
        return any(c.app_id == app_id and c.open for c in self.broadcaster.clients())

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` on the server loop; it is cancelled when the server stops."""
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def shutdown(self) -> None:
        """Cancel simulations and background work, then close every socket."""
        await self.simulator.shutdown()
        await self.workflows.shutdown()
        tasks = list(self._background)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.broadcaster.close_all()
        self.broadcaster.drop_all()  # open SSE streams

    def file_url(self, token: str, filename: str, base: str | None = None) -> str:
        """The URL of a published file."""
        return f"{base or self.base_url}/_storage/files/{token}/{filename}"

    def upload_url(self, token: str, base: str | None = None) -> str:
        """The presigned PUT URL of an upload slot."""
        return f"{base or self.base_url}/_storage/uploads/{token}"

    def result_url(self, spec: MediaSpec, base: str | None = None) -> str:
        """Publish a rendered result and return its download URL."""
        token = self.storage.publish(
            Published(
                filename=f"result.{spec.extension}", content_type=spec.content_type, spec=spec
            )
        )
        return self.file_url(token, f"result.{spec.extension}", base)

    async def charge(self, token_type: str, amount: Decimal) -> None:
        """Debit the wallet and tell every connected client."""
        self.balances.charge(token_type, amount)
        await self.broadcaster.broadcast("balanceUpdate", self.balances.balance_update())


STATE = web.AppKey("sogni_local_supernet_state", SupernetState)


def caller(request: web.Request) -> Account:
    """The account an authenticated request came from (routes with ``auth=True`` only)."""
    account = request.app[STATE].auth.identify(request.headers)
    if account is None:
        raise web.HTTPUnauthorized(reason="Authentication required")
    return account
