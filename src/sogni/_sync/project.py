"""``Project`` and ``Job`` of the sync client: they wait on threading primitives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx

from sogni._runtime.views import EnhancedImageView, JobView, ProjectView
from sogni.core._generated.vocabulary import TokenType
from sogni.core.errors import SogniError, SogniTimeoutError
from sogni.core.plans import projects as plans
from sogni.core.projects import ProjectEvent, ProjectState

if TYPE_CHECKING:
    from sogni._sync.client import SogniClient

__all__ = ["EnhancedImage", "Job", "Project"]


class EnhancedImage(EnhancedImageView["Project"]):
    """The enhancement of an image (``job.enhanced_image``): ``status``, ``progress``,
    ``result`` (the enhanced image's URL), ``error`` and ``project``."""

    __slots__ = ()

    def get_result_url(self) -> str:
        """A freshly signed URL of the enhanced image (see :meth:`Job.get_result_url`).

        Raises:
            SogniError: the enhancement has not completed.
        """
        jobs = self.project.jobs
        if not jobs:
            raise SogniError(f"enhancement project {self.project.id} has no image yet")
        return jobs[0].get_result_url()


class Job(JobView):
    """One media item of a :class:`Project`."""

    __slots__ = ()
    _project: Project

    @property
    def enhanced_image(self) -> EnhancedImage | None:
        """The enhancement started with :meth:`enhance` / :meth:`start_enhancement` (the
        latest one), or ``None`` when there was none."""
        enhancement = self._enhancement
        return EnhancedImage(enhancement) if isinstance(enhancement, Project) else None

    def get_result_url(self) -> str:
        """A newly signed download URL of the result; each call asks the network again,
        as signed URLs expire after about 30 minutes. :attr:`result_url` becomes it.

        A result an external-API model delivered as a hosted file keeps its own URL.

        Raises:
            SogniError: the job has not completed, or has no result (safety filter).
        """
        client = self._project._client
        url: str = client._run(
            plans.fresh_result_url(client._ctx, self._project._state, self._state)
        )
        return url

    def read(self) -> bytes:
        """The result's bytes, fetched from a freshly signed URL (no file is written).

        Raises:
            SogniError: the job has no result, or fetching it failed.
        """
        url = self.get_result_url()
        http: httpx.Client = self._project._client._http
        try:
            with http.stream("GET", url, timeout=None, follow_redirects=True) as response:
                if response.status_code >= 400:
                    raise SogniError(
                        f"reading the result of job {self.id} failed: HTTP {response.status_code}"
                    )
                return response.read()
        except (httpx.HTTPError, httpx.StreamError) as exc:
            failure = SogniError(
                f"reading the result of job {self.id} failed: {type(exc).__name__}"
            )
        raise failure  # outside the ``except``: the httpx error holds the presigned URL

    def download(self, path: str | Path) -> Path:
        """Stream the result to ``path`` (a file, or a directory to put it in); returns the file.

        In a directory the file is named after the project and the job's position, with
        the extension of the output format (e.g. ``1f0e2a3b-1.png``).
        """
        client = self._project._client
        written: Path = client._run(
            plans.download(client._ctx, self.result_url, path, self._file_name())
        )
        return written

    def start_enhancement(
        self,
        strength: Literal["light", "medium", "heavy"] = "medium",
        *,
        positive_prompt: str | None = None,
        style_prompt: str | None = None,
        token_type: TokenType | None = None,
    ) -> Project:
        """Start enhancing this image (see :meth:`enhance`) and return the new project."""
        client = self._project._client
        state = client._run(
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
        enhancement: Project = client._project(state)
        self._enhancement = enhancement
        return enhancement

    def enhance(
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
        project = self.start_enhancement(
            strength,
            positive_prompt=positive_prompt,
            style_prompt=style_prompt,
            token_type=token_type,
        )
        return project.wait_for_completion(timeout)[0]


class Project(ProjectView[Job]):
    """A running or finished project of :class:`sogni.SogniClient`.

    Callbacks registered with :meth:`on` run on the SDK's background thread.
    """

    _job_class = Job

    def __init__(self, client: SogniClient, state: ProjectState) -> None:
        self._changed = threading.Condition()
        super().__init__(client, state)
        client._hub.subscribe(state, self._deliver)

    def _deliver(self, event: ProjectEvent | None) -> None:
        with self._changed:
            self._changed.notify_all()
        if event is not None:
            self._run_callbacks(event)

    def wait_for_completion(self, timeout: float | None = None) -> list[str]:
        """Block until the project finishes and return its result URLs.

        Raises:
            ProjectFailed: the network reported a failure.
            ProjectCanceled: the project was canceled.
            SogniTimeoutError: ``timeout`` seconds passed first.
            ClientClosed: the client was closed meanwhile.
        """
        with self._changed:
            if not self._changed.wait_for(self._settled, timeout):
                raise SogniTimeoutError(f"project {self.id} did not finish within {timeout:g} s")
        return self._outcome()

    def events(self, timeout: float | None = None) -> Iterator[ProjectEvent]:
        """Iterate over the project's events from the first, ending with the terminal one.

        ``timeout`` bounds the wait for each next event.
        """
        history = self._state.history
        seen = 0
        while True:
            with self._changed:
                ready = self._changed.wait_for(
                    lambda n=seen: len(history) > n or self._settled(),  # type: ignore[misc]
                    timeout,
                )
                if not ready:
                    raise SogniTimeoutError(f"no event from project {self.id} for {timeout:g} s")
            batch = self._history_after(seen)
            seen += len(batch)
            for event in batch:
                yield event
                if event.is_terminal:
                    return

    def __iter__(self) -> Iterator[ProjectEvent]:
        return self.events()

    def cancel(self) -> None:
        """Cancel the project."""
        self._client.projects.cancel(self.id)

    def download_all(self, directory: str | Path) -> list[Path]:
        """Download every result into ``directory`` (created if needed); returns the files.

        Files are named after the project and each job's position, with the extension of
        the output format (``1f0e2a3b-1.png``, ``1f0e2a3b-2.png`` ...).
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        return [job.download(target) for job in self.jobs if job.result_url]
