"""Progress of a rendering project, on stderr.

On a terminal it is a live bar (``rich`` when the ``cli`` extra is installed, else one
rewritten line); otherwise, for logs and CI, a plain line per event. ``--quiet`` shows
nothing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from sogni.cli._output import is_quiet

if TYPE_CHECKING:
    from sogni import Project
    from sogni.core.projects import ProjectEvent

__all__ = ["follow"]


def follow(project: Project, *, timeout: float | None) -> None:
    """Show the project's progress until it ends; raise its failure, if it failed.

    ``timeout`` bounds the silence between two events.
    """
    err = sys.stderr
    if is_quiet():
        for _event in project.events(timeout=timeout):
            pass
    elif err.isatty():
        _bar(project, err, timeout)
    else:
        _lines(project, err, timeout)
    project.wait_for_completion(timeout=5)


def _lines(project: Project, err: TextIO, timeout: float | None) -> None:
    shown = -1
    for event in project.events(timeout=timeout):
        line = _describe(project, event)
        if event.type == "progress":
            if project.progress == shown:
                continue
            shown = project.progress
        if line:
            print(line, file=err, flush=True)


def _describe(project: Project, event: ProjectEvent) -> str | None:
    short = project.id[:8]
    job = _job_number(project, event.job_id)
    if event.type == "queued":
        position = event.data.get("queue_position")
        where = f" (position {position})" if position is not None else ""
        return f"project {short} queued{where}"
    if event.type == "job_started":
        worker = event.data.get("worker_name")
        return f"job {job} started" + (f" on {worker}" if worker else "")
    if event.type == "progress":
        return f"progress {project.progress}%"
    if event.type == "job_completed":
        return f"job {job} completed"
    if event.type == "job_failed":
        return f"job {job} failed"
    if event.type in ("completed", "failed", "canceled"):
        return f"project {short} {event.type}"
    return None  # previews and ETA updates are for the live display only


def _job_number(project: Project, job_id: str | None) -> str:
    for index, job in enumerate(project.jobs, 1):
        if job.id == job_id:
            return f"{index}/{len(project.jobs)}"
    return "?"


def _bar(project: Project, err: TextIO, timeout: float | None) -> None:
    try:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
    except ImportError:
        _line(project, err, timeout)
        return
    columns: Any = (TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=Console(file=err), transient=True) as bar:
        task = bar.add_task(f"project {project.id[:8]}", total=100)
        for _event in project.events(timeout=timeout):
            bar.update(task, completed=project.progress)


def _line(project: Project, err: TextIO, timeout: float | None) -> None:
    for _event in project.events(timeout=timeout):
        print(f"\rproject {project.id[:8]}: {project.progress:3d}%", end="", file=err, flush=True)
    print(file=err, flush=True)
