"""``AsyncProject`` and ``AsyncJob``: a project of the async client and its media items."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sogni._runtime.views import Callback, EnhancedImageView, JobView, ProjectView
from sogni.core._generated.vocabulary import TokenType
from sogni.core.errors import SogniError, SogniTimeoutError
from sogni.core.projects import ProjectEvent, ProjectState
from sogni_async._primitives import CallbackRunner, Signal

if TYPE_CHECKING:
    import httpx

    from sogni_async._driver import AsyncDriver

__all__ = ["AsyncEnhancedImage", "AsyncJob", "AsyncProject"]


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
        from sogni.core.plans import projects as plans

        client = self._project._client
        plan = plans.fresh_result_url(client._ctx, self._project._state, self._state)
        url: str = await client._run(plan)
        return url

    async def aread(self) -> bytes:
        """The result's bytes, fetched from a freshly signed URL (no file is written).

        Raises:
            SogniError: the job has no result, or fetching it failed.
        """
        import httpx

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
        from sogni.core.plans import projects as plans

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
        from sogni.core.plans import projects as plans

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

    def __init__(self, client: AsyncDriver, state: ProjectState) -> None:
        engine = client._conn.engine
        self._changed = Signal(engine)  # every event: what event readers wait for
        self._finished = Signal(engine)  # the end only: what wait_for_completion waits for
        self._callback_runner = CallbackRunner()
        super().__init__(client, state)
        client._hub.subscribe(state, self._deliver)

    def _deliver(self, event: ProjectEvent | None) -> None:
        # The socket thread, after the state changed. A waiter for the end is not woken by
        # every progress event: each wake-up would take the GIL from the socket thread.
        self._changed.notify()
        if self._settled():
            self._finished.notify()
        if event is not None and self._has_callbacks():
            self._callback_runner.submit(self._run_callbacks, event)

    def _call(self, callback: Callback, event: ProjectEvent) -> None:
        self._callback_runner.call(callback, event)

    async def wait_for_completion(self, timeout: float | None = None) -> list[str]:
        """Wait until the project finishes and return its result URLs.

        Raises:
            ProjectFailed: the network reported a failure.
            ProjectCanceled: the project was canceled.
            SogniTimeoutError: ``timeout`` seconds passed first.
            ClientClosed: the client was closed meanwhile.
        """
        if not await self._finished.wait_for(self._settled, timeout):
            raise SogniTimeoutError(f"project {self.id} did not finish within {timeout:g} s")
        return self._outcome()

    async def events(self, timeout: float | None = None) -> AsyncIterator[ProjectEvent]:
        """Iterate over the project's events from the first, ending with the terminal one.

        ``timeout`` bounds the wait for each next event.
        """
        seen = 0

        def more() -> bool:
            return len(self._state.history) > seen or self._settled()

        while True:
            if not await self._changed.wait_for(more, timeout):
                raise SogniTimeoutError(f"no event from project {self.id} for {timeout:g} s")
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
        from sogni.core.plans import projects as plans

        await self._client._run(plans.cancel_project(self._client._ctx, self.id))

    async def download_all(self, directory: str | Path) -> list[Path]:
        """Download every result into ``directory`` (created if needed); returns the files.

        Files are named after the project and each job's position, with the extension of
        the output format (``1f0e2a3b-1.png``, ``1f0e2a3b-2.png`` ...).
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        return [await job.download(target) for job in self.jobs if job.result_url]
