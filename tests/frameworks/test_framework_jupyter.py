"""Jupyter: a notebook run by nbclient on an ipykernel kernel uses the sync client in one
cell and the async client with top-level ``await`` in others, and shows projects as HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from framework_helpers import REQUESTS

from sogni.testing import LocalSupernet

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

HALF = REQUESTS // 2

CELLS = [
    """\
import asyncio

from sogni import SogniClient
from sogni_async import AsyncSogniClient

MODEL = "flux1-schnell-fp8"
""",
    f"""\
client = SogniClient()
projects = [
    client.projects.create(model_id=MODEL, positive_prompt=f"sync {{n}}") for n in range({HALF})
]
urls = [project.wait_for_completion(timeout=30) for project in projects]
projects[0]
""",
    f"""\
aclient = AsyncSogniClient()
aprojects = await asyncio.gather(*(
    aclient.projects.create(model_id=MODEL, positive_prompt=f"async {{n}}") for n in range({HALF})
))
aurls = await asyncio.gather(*(project.wait_for_completion(timeout=30) for project in aprojects))
aprojects[0]
""",
    # A later cell awaits the same client again: it stays bound to the kernel's loop.
    """\
image = await aprojects[-1].jobs[0].aread()
aprojects[-1].jobs[0]
""",
    """\
client.close()
await aclient.close()
print(len(urls), len(aurls), image[:4])
""",
]


def _html(cell: Any) -> str:
    [result] = [out for out in cell.outputs if out.output_type == "execute_result"]
    page: str = result.data["text/html"]
    return page


def test_a_notebook_uses_both_clients_and_shows_projects(
    net: LocalSupernet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("SOGNI_API_KEY", net.api_key),
        ("SOGNI_REST_ENDPOINT", net.rest_url),
        ("SOGNI_SOCKET_ENDPOINT", net.socket_url),
        # The kernel's profile and connection files stay out of the home directory.
        ("IPYTHONDIR", str(tmp_path / "ipython")),
        ("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime")),
    ):
        monkeypatch.setenv(name, value)  # the kernel inherits this process's environment
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    path = tmp_path / "sogni.ipynb"
    nbformat.write(notebook, path)
    runner = nbclient.NotebookClient(
        nbformat.read(path, as_version=4),
        timeout=40,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    ran = runner.execute()

    sent = [request["jobID"] for request in net.received("jobRequest")]
    assert len(sent) == len(set(sent)) == REQUESTS
    sync_page, async_page, job_page = (_html(ran.cells[n]) for n in (1, 2, 3))
    assert "completed" in sync_page and sync_page.count("<img src=") == 1
    assert "completed" in async_page and async_page.count("<img src=") == 1
    assert "completed" in job_page
    shown = [page for page in (sync_page, async_page) for job_id in sent if job_id in page]
    assert len(shown) == 2  # each page shows one of the projects the network received
    [printed] = [out.text for out in ran.cells[4].outputs if out.output_type == "stream"]
    assert printed.strip() == f"{HALF} {HALF} b'\\x89PNG'"
    for job_id in sent:
        network_view = net.project(job_id)
        assert network_view is not None and network_view["status"] == "completed"
