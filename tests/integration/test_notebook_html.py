"""Notebook views: projects, jobs and chat answers render as HTML with their status,
progress and results, and escape what the network sent."""

from __future__ import annotations

import html

from sogni import SogniClient
from sogni.core.chat.results import ChatCompletion, Usage


def test_a_finished_project_shows_its_thumbnails(client: SogniClient) -> None:
    project = client.projects.create(
        model_id="flux1-schnell-fp8", positive_prompt="a cat", number_of_media=2
    )
    project.wait_for_completion(timeout=30)
    page = project._repr_html_()
    assert "completed" in page and "flux1-schnell-fp8" in page and "2 job(s)" in page
    for job in project.jobs:
        assert f'<img src="{html.escape(job.result_url or "", quote=True)}"' in page
        assert "completed" in job._repr_html_() and job.id in job._repr_html_()


def test_a_chat_answer_escapes_its_text() -> None:
    answer = ChatCompletion(job_id="J", content="<script>x</script> & done", usage=Usage(3, 5, 8))
    page = answer._repr_html_()
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "3 prompt + 5 completion tokens" in page
