"""HTML views of projects, jobs and chat answers for notebooks (``_repr_html_``).

Results show as thumbnails (images), players (video, audio) or links; everything else the
network said is escaped text.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["completion_html", "job_html", "project_html"]

_STYLE = "font-family:sans-serif;font-size:13px"


def _media(kind: str, url: str | None) -> str:
    if not url:
        return ""
    src = html.escape(url, quote=True)
    if kind == "image":
        return f'<img src="{src}" style="max-width:160px;max-height:160px;margin:2px">'
    if kind == "video":
        return f'<video src="{src}" controls style="max-width:240px;margin:2px"></video>'
    if kind == "audio":
        return f'<audio src="{src}" controls></audio>'
    return f'<a href="{src}" target="_blank">result</a>'


def _bar(progress: int) -> str:
    return f'<progress value="{int(progress)}" max="100" style="width:120px"></progress>'


def job_html(job: Any) -> str:
    """One job: its status, progress and result."""
    kind = "model" if (job.result_url or "").split("?", 1)[0].endswith(".glb") else job.type
    return (
        f'<div style="{_STYLE}">Job <code>{html.escape(job.id)}</code> '
        f"{html.escape(job.status)} {_bar(job.progress)} {job.progress}%<br>"
        f"{_media(kind, job.result_url or job.preview_url)}</div>"
    )


def project_html(project: Any) -> str:
    """A project: model, status, progress and a thumbnail per finished job."""
    media = "".join(_media(project.type, job.result_url or job.preview_url) for job in project.jobs)
    error = f"<br>error: {html.escape(str(project.error))}" if project.error else ""
    return (
        f'<div style="{_STYLE}"><b>{html.escape(project.type)} project</b> '
        f"<code>{html.escape(project.id)}</code> · {html.escape(project.model_id)}<br>"
        f"{html.escape(project.status)} {_bar(project.progress)} {project.progress}% · "
        f"{len(project.jobs)} job(s){error}<br>{media}</div>"
    )


def completion_html(completion: Any) -> str:
    """A chat answer: its text, tool calls and token usage."""
    calls = "".join(
        f"<li><code>{html.escape(call.name)}</code></li>" for call in completion.tool_calls
    )
    usage = completion.usage
    return (
        f'<div style="{_STYLE}"><div style="white-space:pre-wrap">'
        f"{html.escape(completion.content or '')}</div>"
        + (f"<ul>{calls}</ul>" if calls else "")
        + f'<small style="color:#666">{html.escape(completion.finish_reason)} · '
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens</small></div>"
    )
