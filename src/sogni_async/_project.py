"""``AsyncProject`` and ``AsyncJob`` of the async client: they await asyncio primitives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sogni._views import JobView, ProjectView
from sogni.core.plans import projects as plans
from sogni.core.projects import ProjectEvent, ProjectState
from sogni.errors import SogniTimeoutError

if TYPE_CHECKING:
    from sogni_async._client import AsyncSogniClient

__all__ = ["AsyncJob", "AsyncProject"]


class AsyncJob(JobView):
    """One media item of an :class:`AsyncProject`."""

    __slots__ = ()
    _project: AsyncProject

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
        token_type: Literal["sogni", "spark"] | None = None,
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
        return enhancement

    async def enhance(
        self,
        strength: Literal["light", "medium", "heavy"] = "medium",
        *,
        positive_prompt: str | None = None,
        style_prompt: str | None = None,
        token_type: Literal["sogni", "spark"] | None = None,
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

    Callbacks registered with :meth:`on` run in the event loop that created the project.
    """

    _job_class = AsyncJob

    def __init__(self, client: AsyncSogniClient, state: ProjectState) -> None:
        super().__init__(client, state)
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        client._hub.subscribe(state, self._deliver_threadsafe)

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
