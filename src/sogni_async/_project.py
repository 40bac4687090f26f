"""``AsyncProject`` and ``AsyncJob`` of the async client: they await asyncio primitives."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from sogni._runtime.views import Callback, EnhancedImageView, JobView, ProjectView
from sogni.core._generated.vocabulary import TokenType
from sogni.core.errors import SogniError, SogniTimeoutError
from sogni.core.plans import projects as plans
from sogni.core.projects import ProjectEvent, ProjectState

if TYPE_CHECKING:
    from sogni_async._client import AsyncSogniClient

__all__ = ["AsyncEnhancedImage", "AsyncJob", "AsyncProject"]

log = logging.getLogger("sogni")


class AsyncEnhancedImage(EnhancedImageView["AsyncProject"]):
    """The enhancement of an image (``job.enhanced_image``): ``status``, ``progress``,
    ``result`` (the enhanced image's URL), ``error`` and ``project``."""

    __slots__ = ()

    async def get_result_url(self) -> str:
        """A freshly signed URL of the enhanced image (see :meth:`AsyncJob.get_result_url`).

        Raises:
            SogniError: the enhancement has not completed.
        """
        jobs = self.project.jobs
        if not jobs:
            raise SogniError(f"enhancement project {self.project.id} has no image yet")
        return await jobs[0].get_result_url()


class AsyncJob(JobView):
    """One media item of an :class:`AsyncProject`."""

    __slots__ = ()
    _project: AsyncProject

    @property
    def enhanced_image(self) -> AsyncEnhancedImage | None:
        """The enhancement started with :meth:`enhance` / :meth:`start_enhancement` (the
        latest one), or ``None`` when there was none."""
        enhancement = self._enhancement
        return AsyncEnhancedImage(enhancement) if isinstance(enhancement, AsyncProject) else None

    async def get_result_url(self) -> str:
        """A newly signed download URL of the result; each call asks the network again,
        as signed URLs expire after about 30 minutes. :attr:`result_url` becomes it.

        A result an external-API model delivered as a hosted file keeps its own URL.

        Raises:
            SogniError: the job has not completed, or has no result (safety filter).
        """
        client = self._project._client
        plan = plans.fresh_result_url(client._ctx, self._project._state, self._state)
        url: str = await client._run(plan)
        return url

    async def aread(self) -> bytes:
        """The result's bytes, fetched from a freshly signed URL (no file is written).

        Raises:
            SogniError: the job has no result, or fetching it failed.
        """
        url = await self.get_result_url()
        http: httpx.AsyncClient = self._project._client._http
        try:
            async with http.stream("GET", url, timeout=None, follow_redirects=True) as response:
                if response.status_code >= 400:
                    raise SogniError(
                        f"reading the result of job {self.id} failed: HTTP {response.status_code}"
                    )
                return await response.aread()
        except (httpx.HTTPError, httpx.StreamError) as exc:
            failure = SogniError(
                f"reading the result of job {self.id} failed: {type(exc).__name__}"
            )
        raise failure  # outside the ``except``: the httpx error holds the presigned URL

    async def download(self, path: str | Path) -> Path:
        """Stream the result to ``path`` (a file, or a directory to put it in); returns the file.

        In a directory the file is named after the project and the job's position, with
        the extension of the output format (e.g. ``1f0e2a3b-1.png``).
        """
        client = self._project._client
        plan = plans.download(client._ctx, self.result_url, path, self._file_name())
        written: Path = await client._run(plan)
        return written

    async def start_enhancement(
        self,
        strength: Literal["light", "medium", "heavy"] = "medium",
        *,
        positive_prompt: str | None = None,
        style_prompt: str | None = None,
        token_type: TokenType | None = None,
    ) -> AsyncProject:
        """Start enhancing this image (see :meth:`enhance`) and return the new project."""
        client = self._project._client
        state = await client._run(
            plans.enhance_job(
                client._ctx,
                self._project._state,
                self._state,
                strength,
                positive_prompt=positive_prompt,
                style_prompt=style_prompt,
                token_type=token_type,
            )
        )
        enhancement: AsyncProject = client._project(state)
        self._enhancement = enhancement
        return enhancement

    async def enhance(
        self,
        strength: Literal["light", "medium", "heavy"] = "medium",
        *,
        positive_prompt: str | None = None,
        style_prompt: str | None = None,
        token_type: TokenType | None = None,
        timeout: float | None = None,
    ) -> str:
        """Enhance this finished image with Flux.1 schnell and return the new image's URL.

        ``strength`` is how much the model may change the image (``light``, ``medium`` or
        ``heavy``); prompt, style and token type default to the original project's.

        Raises:
            SogniError: the job is not a completed, safe image.
            ProjectFailed: the enhancement failed.
        """
        project = await self.start_enhancement(
            strength,
            positive_prompt=positive_prompt,
            style_prompt=style_prompt,
            token_type=token_type,
        )
        return (await project.wait_for_completion(timeout))[0]


class AsyncProject(ProjectView[AsyncJob]):
    """A running or finished project of :class:`sogni_async.AsyncSogniClient`.

    Callbacks registered with :meth:`on` run in the event loop that created the project;
    an ``async def`` callback is scheduled there as a task.
    """

    _job_class = AsyncJob

    def __init__(self, client: AsyncSogniClient, state: ProjectState) -> None:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Future[Any]] = set()
        super().__init__(client, state)
        client._hub.subscribe(state, self._deliver_threadsafe)

    def _call(self, callback: Callback, event: ProjectEvent) -> None:
        result = callback(event)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._callback_done)

    def _callback_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a project callback raised", exc_info=task.exception())

    def _deliver_threadsafe(self, event: ProjectEvent | None) -> None:
        try:
            self._loop.call_soon_threadsafe(self._deliver, event)
        except RuntimeError:  # the loop is closed; nobody is waiting any more
            pass

    def _deliver(self, event: ProjectEvent | None) -> None:
        self._changed.set()
        if event is not None:
            self._run_callbacks(event)

    async def _wait_for_history(self, length: int, timeout: float | None) -> None:
        async def wait() -> None:
            while len(self._state.history) <= length and not self._settled():
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            raise SogniTimeoutError(f"no event from project {self.id} for {timeout:g} s") from None

    async def wait_for_completion(self, timeout: float | None = None) -> list[str]:
        """Wait until the project finishes and return its result URLs.

        Raises:
            ProjectFailed: the network reported a failure.
            ProjectCanceled: the project was canceled.
            SogniTimeoutError: ``timeout`` seconds passed first.
            ClientClosed: the client was closed meanwhile.
        """

        async def wait() -> None:
            while not self._settled():
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            raise SogniTimeoutError(
                f"project {self.id} did not finish within {timeout:g} s"
            ) from None
        return self._outcome()

    async def events(self, timeout: float | None = None) -> AsyncIterator[ProjectEvent]:
        """Iterate over the project's events from the first, ending with the terminal one.

        ``timeout`` bounds the wait for each next event.
        """
        seen = 0
        while True:
            await self._wait_for_history(seen, timeout)
            batch = self._history_after(seen)
            seen += len(batch)
            for event in batch:
                yield event
                if event.is_terminal:
                    return

    def __aiter__(self) -> AsyncIterator[ProjectEvent]:
        return self.events()

    async def cancel(self) -> None:
        """Cancel the project."""
        await self._client.projects.cancel(self.id)

    async def download_all(self, directory: str | Path) -> list[Path]:
        """Download every result into ``directory`` (created if needed); returns the files.

        Files are named after the project and each job's position, with the extension of
        the output format (``1f0e2a3b-1.png``, ``1f0e2a3b-2.png`` ...).
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        return [await job.download(target) for job in self.jobs if job.result_url]
