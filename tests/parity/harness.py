"""Running parity cases through the official npm client and through ``sogni``, and reading
what the local Supernet recorded for each project.

A case is ``{"id": ..., "params": {...}}`` with the npm client's camelCase ``projects.create``
parameters; asset values ``"file:<path>"`` name files relative to ``cases.json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from sogni import SogniClient
from sogni.core._generated.models import AudioProjectParams, ImageProjectParams, VideoProjectParams
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")


@attrs.frozen
class Corpus:
    """Cases recorded from one release of the npm client: the cases, what it sent, and
    where that release is installed."""

    cases_file: Path
    expected_file: Path
    npm_dir: Path

    @property
    def npm_client(self) -> Path:
        """The installed client package."""
        return self.npm_dir / "node_modules" / "@sogni-ai" / "sogni-client"


#: The reference-era corpus, recorded from @sogni-ai/sogni-client 5.1.0.
REFERENCE = Corpus(HERE / "cases.json", HERE / "expected.json", HERE.parent / "npm")
#: The current families, recorded from @sogni-ai/sogni-client 5.54.0.
CURRENT = Corpus(HERE / "cases_554.json", HERE / "expected_554.json", HERE.parent / "npm554")

CASES_FILE = REFERENCE.cases_file
EXPECTED_FILE = REFERENCE.expected_file
INVALID_FILE = HERE / "invalid_cases.json"

UPLOAD_URL_PATHS = ("/v1/image/uploadUrl", "/v1/media/uploadUrl")
ASSET_KEYS = (
    "startingImage",
    "referenceImage",
    "referenceImageEnd",
    "referenceAudio",
    "referenceAudioIdentity",
    "referenceVideo",
    "leftViewImage",
    "backViewImage",
    "rightViewImage",
)

WIRE_TO_PYTHON = {
    field.metadata["wire"]: field.name
    for cls in (ImageProjectParams, VideoProjectParams, AudioProjectParams)
    for field in attrs.fields(cls)
}


def load_cases(path: Path = CASES_FILE) -> list[dict[str, Any]]:
    """The cases of a cases file, in order."""
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def npm_available(corpus: Corpus = REFERENCE) -> bool:
    """True when Node.js and the corpus's release of the official client are installed."""
    return NODE is not None and corpus.npm_client.is_dir()


def run_npm(
    net: LocalSupernet, ids: list[str] | None = None, corpus: Corpus = REFERENCE
) -> dict[str, dict[str, Any]]:
    """Create each case's project with the npm client; ``{case id: {"projectId"|"error"}}``."""
    assert NODE is not None
    before = len(net.received("jobRequest"))
    env = dict(
        os.environ,
        SOGNI_REST_ENDPOINT=net.rest_url,
        SOGNI_SOCKET_ENDPOINT=net.socket_url,
        SOGNI_API_KEY=net.api_key,
        SOGNI_NPM_DIR=str(corpus.npm_dir),
    )
    proc = subprocess.run(
        [NODE, str(HERE / "run_cases.mjs"), str(corpus.cases_file), *(ids or [])],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = {}
    for line in proc.stdout.splitlines():
        entry = json.loads(line)
        results[entry.pop("id")] = entry
    sent = {r["projectId"].upper() for r in results.values() if "projectId" in r}
    net.wait_for_received("jobRequest", count=len(sent) + before, timeout=30)
    return results


def recorded(net: LocalSupernet, project_id: str) -> dict[str, Any]:
    """What the server saw of one project: its jobRequest (without ``jobID``) and uploads.

    ``uploads`` lists ``[upload-URL path, type, declared content type, stored size]``,
    sorted (the npm client uploads context images in parallel).
    """
    project_id = project_id.upper()
    requests = [r for r in net.received("jobRequest") if r.get("jobID") == project_id]
    assert len(requests) == 1, f"{len(requests)} jobRequests for {project_id}"
    job_request = {k: v for k, v in requests[0].items() if k != "jobID"}
    uploads = []
    for request in net.requests():
        if request.path in UPLOAD_URL_PATHS and request.query.get("jobId") == project_id:
            kind = request.query.get("id") or request.query.get("type", "")  # numbered slots
            content_type = request.query.get("contentType")
            stored = net.upload(project_id, kind)
            uploads.append(
                [
                    request.path,
                    kind,
                    None if content_type in (None, "undefined") else content_type,
                    None if stored is None else stored.size,
                ]
            )
    return {"jobRequest": job_request, "uploads": sorted(uploads, key=json.dumps)}


def canonical(record: dict[str, Any]) -> str:
    """A record as compact JSON, key order included, for exact comparison."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@contextlib.contextmanager
def python_params(case: dict[str, Any], index: int) -> Iterator[dict[str, Any]]:
    """The case as ``projects.create`` keyword arguments.

    Assets alternate between the forms the SDK accepts: a ``Path``, the file's ``bytes``,
    and an open binary file object (closed afterwards).
    """
    with contextlib.ExitStack() as stack:
        counter = [index]

        def asset(value: Any) -> Any:
            if not (isinstance(value, str) and value.startswith("file:")):
                return value
            path = CASES_FILE.parent / value[len("file:") :]
            if not path.exists():
                return path
            counter[0] += 1
            form = counter[0] % 3
            if form == 0:
                return path
            if form == 1:
                return path.read_bytes()
            return stack.enter_context(path.open("rb"))

        kwargs: dict[str, Any] = {}
        for key, value in case["params"].items():
            if key in ASSET_KEYS:
                value = asset(value)
            elif key == "extraParams":
                pass
            elif key in ("contextImages", "referenceVideos", "referenceAudios"):
                value = [asset(item) for item in value]
            elif key == "controlNet":
                value = {k: asset(v) if k == "image" else v for k, v in value.items()}
            kwargs[WIRE_TO_PYTHON.get(key, key)] = value
        yield kwargs


def create(net: LocalSupernet, client: SogniClient, case: dict[str, Any], index: int) -> str:
    """Create the case's project with the sync client; its id once the server has it."""
    sent = len(net.received("jobRequest"))
    with python_params(case, index) as kwargs:
        project = client.projects.create(**kwargs)
    net.wait_for_received("jobRequest", count=sent + 1)
    return project.id


def async_mismatches(
    net: LocalSupernet, cases: list[dict[str, Any]], expected: dict[str, Any]
) -> list[str]:
    """Create every case with the async client; the ids of those not sent as ``expected``.

    Assets get other forms than the sync run gives the same case."""

    async def run() -> list[str]:
        mismatched = []
        async with AsyncSogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client:
            for index, case in enumerate(cases):
                sent = len(net.received("jobRequest"))
                with python_params(case, index + 1) as kwargs:
                    project = await client.projects.create(**kwargs)
                await asyncio.to_thread(net.wait_for_received, "jobRequest", sent + 1)
                if canonical(recorded(net, project.id)) != canonical(expected[case["id"]]):
                    mismatched.append(case["id"])
        return mismatched

    return asyncio.run(run())


def check_live_sample(
    net: LocalSupernet,
    client: SogniClient,
    cases: list[dict[str, Any]],
    expected: dict[str, Any],
    sample: list[str],
    corpus: Corpus,
) -> None:
    """Run ``sample`` through the corpus's npm client and the sync client: all three
    records (npm now, Python now, npm when recorded) must be identical."""
    results = run_npm(net, sample, corpus=corpus)
    for index, case in enumerate(cases):
        if case["id"] not in sample:
            continue
        theirs = recorded(net, results[case["id"]]["projectId"])
        ours = recorded(net, create(net, client, case, index))
        assert canonical(ours) == canonical(theirs), case["id"]
        assert canonical(theirs) == canonical(expected[case["id"]]), case["id"]
