"""One client running one benchmark scenario, in a process of its own.

    python benchmarks/_drivers.py '{"client": "sync", "scenario": "events", "endpoints": {...}}'

Clients: ``sync`` (``sogni.SogniClient``), ``async`` (``sogni_async.AsyncSogniClient``),
``official`` (``sogni_client.SogniClient`` 5.70.0, run with its own virtualenv's python)
and ``plain`` (a websocket-client loop that only receives and decodes: base64, then JSON).
Only the standard library is imported up front, so the official SDK's interpreter can run
this file; each client's SDK is imported when it is used.

Scenarios (each child prints one JSON line; times are seconds, ``returned`` values are
``time.time()`` so the parent can compare them with the server's send times):

* ``events``: one project of ``media`` jobs; wall and CPU time from ``create()`` to
  ``wait_for_completion()`` returning;
* ``latency``: ``count`` projects of ``model`` one after another; when each
  ``wait_for_completion()`` returned;
* ``concurrent``: ``n`` projects created at once, then waited for; wall, CPU, peak RSS;
* ``sequential``: ``count`` projects one after another; wall and CPU;
* ``chat``: time to the first streamed chunk (``requests`` times); wall and CPU time from
  asking for one ``chunks``-word answer to holding its last chunk; and when ``answers``
  non-streamed answers returned;
* ``startup``: client construction and the first project (connecting included).

Every scenario but ``startup`` runs one untimed warm-up project (or answer) first. A
report carries ``short_results: [short, finished]`` when some ``wait_for_completion()``
returned fewer result URLs than the project has jobs.
"""

from __future__ import annotations

import asyncio
import base64
import cProfile
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

MODEL = "z_image_turbo_bf16"
"""A worker model: each job's result URL is fetched over REST after its ``jobResult``."""
EXTERNAL_MODEL = "gpt-image-2"
"""An external API model: the ``jobResult`` event carries the result URL."""
LLM = "qwen3.6-35b-a3b-gguf-iq4xs"
STEPS = 4
Spec = dict[str, Any]
Report = dict[str, Any]


class Clock:
    """Wall and CPU seconds (every thread of this process) spent inside a ``with``."""

    wall = 0.0
    cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def project_params(spec: Spec, index: int, media: int = 1) -> dict[str, Any]:
    """The keyword arguments of project number ``index`` (seeded by the spec), for the
    spec's ``model`` (``MODEL`` by default)."""
    seed = int(spec.get("seed", 1))
    model = spec.get("model", MODEL)
    params = {
        "type": "image",
        "model_id": model,
        "positive_prompt": f"benchmark {seed} {index}",
        "number_of_media": media,
        "seed": seed * 100_000 + index,
    }
    if model != EXTERNAL_MODEL:
        params["steps"] = STEPS
    return params


class Results:
    """Counts finished projects, and those whose wait returned fewer result URLs than they
    have jobs (reported, not hidden: the parent flags such numbers)."""

    finished = 0
    short = 0

    @classmethod
    def check(cls, urls: Any, media: int) -> None:
        """Note a project whose ``wait_for_completion()`` returned ``urls``."""
        cls.finished += 1
        if len(urls) < media:
            cls.short += 1


def messages(words: int) -> list[dict[str, str]]:
    """A one-message conversation; the emulator echoes it back a word per chunk."""
    return [{"role": "user", "content": " ".join(f"w{i}" for i in range(words))}]


def app_id(spec: Spec) -> str:
    """A fresh app id per child, so no two runs share a server-side connection slot."""
    return f"bench-{spec['client']}-{uuid.uuid4().hex[:8]}"


# -- sogni.SogniClient ---------------------------------------------------------------------------


def run_sync(spec: Spec) -> Report:
    """Run the scenario with ``sogni.SogniClient``."""
    from sogni import SogniClient

    with Clock() as construct:
        client = SogniClient(app_id=app_id(spec), **spec["endpoints"])
    with client:
        if spec["scenario"] == "startup":
            with Clock() as first:
                _sync_finish(client.projects.create(**project_params(spec, 0)), spec)
            return {"construct_s": construct.wall, "first_s": first.wall}
        client.projects.wait_for_models(timeout=30)
        scenario: Callable[[Any, Spec], Report] = SYNC_SCENARIOS[spec["scenario"]]
        return scenario(client, spec)


def _sync_finish(project: Any, spec: Spec, media: int = 1) -> None:
    Results.check(project.wait_for_completion(timeout=spec["timeout"]), media)


def _sync_warm(client: Any, spec: Spec) -> None:
    _sync_finish(client.projects.create(**project_params(spec, 0)), spec)


def sync_events(client: Any, spec: Spec) -> Report:
    """One project of ``media`` jobs."""
    _sync_warm(client, spec)
    with Clock() as clock:
        project = client.projects.create(**project_params(spec, 1, spec["media"]))
        _sync_finish(project, spec, spec["media"])
    return {"wall_s": clock.wall, "cpu_s": clock.cpu, "jobs": [project.id]}


def sync_latency(client: Any, spec: Spec) -> Report:
    """``count`` projects in a row, noting when each wait returned."""
    _sync_warm(client, spec)
    returned = {}
    for index in range(1, spec["count"] + 1):
        project = client.projects.create(**project_params(spec, index))
        _sync_finish(project, spec)
        returned[project.id.upper()] = time.time()
    return {"returned": returned, "jobs": list(returned)}


def sync_concurrent(client: Any, spec: Spec) -> Report:
    """``n`` projects in flight at once."""
    _sync_warm(client, spec)
    with Clock() as clock:
        projects = [client.projects.create(**project_params(spec, i + 1)) for i in range(spec["n"])]
        for project in projects:
            _sync_finish(project, spec)
    return {"wall_s": clock.wall, "cpu_s": clock.cpu, "peak_rss_mib": peak_rss_mib()}


def sync_sequential(client: Any, spec: Spec) -> Report:
    """``count`` projects one after another."""
    _sync_warm(client, spec)
    with Clock() as clock:
        for index in range(1, spec["count"] + 1):
            _sync_finish(client.projects.create(**project_params(spec, index)), spec)
    return {"wall_s": clock.wall, "cpu_s": clock.cpu}


def sync_chat(client: Any, spec: Spec) -> Report:
    """First-chunk latency, per-chunk cost and final-event latency of chat answers."""
    completions = client.chat.completions
    completions.create(model=LLM, messages=messages(3))
    first_chunk = []
    for _ in range(spec["requests"]):
        started = time.perf_counter()
        chunks = iter(completions.create(model=LLM, messages=messages(3), stream=True))
        next(chunks)
        first_chunk.append(time.perf_counter() - started)
        for _ in chunks:
            pass
    with Clock() as clock:
        stream = completions.create(model=LLM, messages=messages(spec["chunks"]), stream=True)
        count = sum(1 for _ in stream)
    returned = {}
    for _ in range(spec["answers"]):
        answer = completions.create(model=LLM, messages=messages(3))
        returned[answer.job_id.upper()] = time.time()
    return {
        "first_chunk_s": first_chunk,
        "chunks": count,
        "chunk_wall_s": clock.wall,
        "chunk_cpu_s": clock.cpu,
        "returned": returned,
        "jobs": list(returned),
    }


SYNC_SCENARIOS: dict[str, Callable[[Any, Spec], Report]] = {
    "events": sync_events,
    "latency": sync_latency,
    "concurrent": sync_concurrent,
    "sequential": sync_sequential,
    "chat": sync_chat,
}


# -- the async clients: sogni_async.AsyncSogniClient and the official SDK -----------------------


Opener = Callable[[Spec], Awaitable[Any]]


def sogni_async_opener() -> Opener:
    """Import ``sogni_async``; return what makes an ``AsyncSogniClient``."""
    from sogni_async import AsyncSogniClient

    async def make(spec: Spec) -> Any:
        return AsyncSogniClient(app_id=app_id(spec), **spec["endpoints"])

    return make


def official_opener() -> Opener:
    """Import the official SDK; return what makes its client, the way its README does."""
    from sogni_client import SogniClient  # type: ignore[import-not-found,unused-ignore]

    async def make(spec: Spec) -> Any:
        return await SogniClient.create(app_id=app_id(spec), **spec["endpoints"])

    return make


def job_id_of(answer: Any) -> str:
    """The job id of a finished chat answer (an object in sogni, a dict in the official SDK)."""
    return str(answer["jobID"] if isinstance(answer, dict) else answer.job_id)


def run_async(spec: Spec, opener: Opener) -> Report:
    """Run the scenario with an async client made by ``opener`` (imports already done)."""

    async def main() -> Report:
        with Clock() as construct:
            client = await opener(spec)
        async with client:
            if spec["scenario"] == "startup":
                with Clock() as first:
                    await _async_finish(
                        await client.projects.create(**project_params(spec, 0)), spec
                    )
                return {"construct_s": construct.wall, "first_s": first.wall}
            await client.projects.wait_for_models(timeout=30)
            return await ASYNC_SCENARIOS[spec["scenario"]](client, spec)

    return asyncio.run(main())


async def _async_finish(project: Any, spec: Spec, media: int = 1) -> None:
    Results.check(await project.wait_for_completion(timeout=spec["timeout"]), media)


async def _async_warm(client: Any, spec: Spec) -> None:
    await _async_finish(await client.projects.create(**project_params(spec, 0)), spec)


async def async_events(client: Any, spec: Spec) -> Report:
    """One project of ``media`` jobs."""
    await _async_warm(client, spec)
    with Clock() as clock:
        project = await client.projects.create(**project_params(spec, 1, spec["media"]))
        await _async_finish(project, spec, spec["media"])
    return {"wall_s": clock.wall, "cpu_s": clock.cpu, "jobs": [project.id]}


async def async_latency(client: Any, spec: Spec) -> Report:
    """``count`` projects in a row, noting when each wait returned."""
    await _async_warm(client, spec)
    returned = {}
    for index in range(1, spec["count"] + 1):
        project = await client.projects.create(**project_params(spec, index))
        await _async_finish(project, spec)
        returned[project.id.upper()] = time.time()
    return {"returned": returned, "jobs": list(returned)}


async def async_concurrent(client: Any, spec: Spec) -> Report:
    """``n`` projects in flight at once."""
    await _async_warm(client, spec)
    with Clock() as clock:
        projects = await asyncio.gather(
            *(client.projects.create(**project_params(spec, i + 1)) for i in range(spec["n"]))
        )
        await asyncio.gather(*(_async_finish(project, spec) for project in projects))
    return {"wall_s": clock.wall, "cpu_s": clock.cpu, "peak_rss_mib": peak_rss_mib()}


async def async_sequential(client: Any, spec: Spec) -> Report:
    """``count`` projects one after another."""
    await _async_warm(client, spec)
    with Clock() as clock:
        for index in range(1, spec["count"] + 1):
            await _async_finish(await client.projects.create(**project_params(spec, index)), spec)
    return {"wall_s": clock.wall, "cpu_s": clock.cpu}


async def async_chat(client: Any, spec: Spec) -> Report:
    """First-chunk latency, per-chunk cost and final-event latency of chat answers."""
    completions = client.chat.completions
    await completions.create(model=LLM, messages=messages(3))
    first_chunk = []
    for _ in range(spec["requests"]):
        started = time.perf_counter()
        chunks = (
            await completions.create(model=LLM, messages=messages(3), stream=True)
        ).__aiter__()
        await chunks.__anext__()
        first_chunk.append(time.perf_counter() - started)
        async for _ in chunks:
            pass
    count = 0
    with Clock() as clock:
        stream = await completions.create(model=LLM, messages=messages(spec["chunks"]), stream=True)
        async for _ in stream:
            count += 1
    returned = {}
    for _ in range(spec["answers"]):
        answer = await completions.create(model=LLM, messages=messages(3))
        returned[job_id_of(answer).upper()] = time.time()
    return {
        "first_chunk_s": first_chunk,
        "chunks": count,
        "chunk_wall_s": clock.wall,
        "chunk_cpu_s": clock.cpu,
        "returned": returned,
        "jobs": list(returned),
    }


ASYNC_SCENARIOS: dict[str, Callable[[Any, Spec], Awaitable[Report]]] = {
    "events": async_events,
    "latency": async_latency,
    "concurrent": async_concurrent,
    "sequential": async_sequential,
    "chat": async_chat,
}


# -- the plain loop: receive and decode, nothing else -------------------------------------------


class PlainLoop:
    """One websocket-client connection; every received frame is base64-decoded and parsed,
    which is the least any client must do with it."""

    def __init__(self, spec: Spec) -> None:
        import websocket

        endpoints = spec["endpoints"]
        self.spec = spec
        # UTF-8 is checked by the decoding below; websocket-client's own check is pure
        # Python and would triple the loop's cost (sogni skips it for the same reason).
        self.ws = websocket.create_connection(
            f"{endpoints['socket_endpoint']}/?appId={app_id(spec)}&clientType=artist",
            header=[f"api-key: {endpoints['api_key']}"],
            skip_utf8_validation=True,
        )
        while self.receive()[0] != "swarmLLMModels":  # the end of the greeting
            pass

    def receive(self) -> tuple[str, Any]:
        """The next frame's type and decoded payload."""
        envelope = json.loads(self.ws.recv())
        data = envelope.get("data")
        return envelope["type"], json.loads(base64.b64decode(data)) if data else None

    def send(self, message_type: str, payload: Any) -> None:
        """Send one frame."""
        data = base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        self.ws.send(json.dumps({"type": message_type, "data": data}))

    def start_project(self, index: int, media: int = 1) -> str:
        """Send a ``jobRequest`` for the same render the SDKs ask for; return its id."""
        params = project_params(self.spec, index, media)
        job_id = str(uuid.uuid4()).upper()
        key_frame = {
            "modelID": params["model_id"],
            "seed": params["seed"],
            "positivePrompt": params["positive_prompt"],
        }
        if "steps" in params:
            key_frame["steps"] = params["steps"]
        self.send(
            "jobRequest",
            {"jobID": job_id, "type": "image", "numberOfImages": media, "keyFrames": [key_frame]},
        )
        return job_id

    def until_done(self, jobs: set[str]) -> Iterator[str]:
        """Receive until every job in ``jobs`` has finished; yield each as it does."""
        pending = set(jobs)
        while pending:
            message_type, payload = self.receive()
            if message_type == "jobError":
                raise RuntimeError(f"jobError: {payload}")
            if (
                message_type == "jobState"
                and payload.get("type") == "jobCompleted"
                and payload.get("jobID") in pending
            ):
                pending.discard(payload["jobID"])
                yield payload["jobID"]

    def finish(self, job_id: str) -> None:
        """Receive until ``job_id`` has finished."""
        for _ in self.until_done({job_id}):
            pass

    def start_chat(self, words: int) -> str:
        """Send an ``llmJobRequest``; return its id."""
        job_id = str(uuid.uuid4())
        self.send(
            "llmJobRequest",
            {
                "jobID": job_id,
                "type": "llm",
                "model": LLM,
                "messages": messages(words),
                "stream": True,
            },
        )
        return job_id

    def chat_frames(self, job_id: str) -> Iterator[str]:
        """Yield the type of each frame of one chat job, ending with its result."""
        while True:
            message_type, payload = self.receive()
            if payload is None or payload.get("jobID") != job_id:
                continue
            yield message_type
            if message_type == "llmJobResult":
                return
            if message_type == "llmJobError":
                raise RuntimeError(f"llmJobError: {payload}")


def run_plain(spec: Spec) -> Report:
    """Run the scenario with the plain loop."""
    loop = PlainLoop(spec)
    loop.finish(loop.start_project(0))
    scenario = spec["scenario"]
    if scenario == "events":
        with Clock() as clock:
            job = loop.start_project(1, spec["media"])
            loop.finish(job)
        return {"wall_s": clock.wall, "cpu_s": clock.cpu, "jobs": [job]}
    if scenario == "latency":
        returned = {}
        for index in range(1, spec["count"] + 1):
            job = loop.start_project(index)
            loop.finish(job)
            returned[job] = time.time()
        return {"returned": returned, "jobs": list(returned)}
    if scenario == "concurrent":
        with Clock() as clock:
            jobs = {loop.start_project(i + 1) for i in range(spec["n"])}
            for _ in loop.until_done(jobs):
                pass
        return {"wall_s": clock.wall, "cpu_s": clock.cpu, "peak_rss_mib": peak_rss_mib()}
    if scenario == "sequential":
        with Clock() as clock:
            for index in range(1, spec["count"] + 1):
                loop.finish(loop.start_project(index))
        return {"wall_s": clock.wall, "cpu_s": clock.cpu}
    if scenario == "chat":
        return plain_chat(loop, spec)
    raise ValueError(f"the plain loop has no {scenario!r} scenario")


def plain_chat(loop: PlainLoop, spec: Spec) -> Report:
    """The chat scenario, receiving and decoding only."""
    for _ in loop.chat_frames(loop.start_chat(3)):
        pass
    first_chunk = []
    for _ in range(spec["requests"]):
        started = time.perf_counter()
        frames = loop.chat_frames(loop.start_chat(3))
        while next(frames) != "jobTokens":
            pass
        first_chunk.append(time.perf_counter() - started)
        for _ in frames:
            pass
    with Clock() as clock:
        count = sum(
            1 for kind in loop.chat_frames(loop.start_chat(spec["chunks"])) if kind == "jobTokens"
        )
    returned = {}
    for _ in range(spec["answers"]):
        job = loop.start_chat(3)
        for _ in loop.chat_frames(job):
            pass
        returned[job.upper()] = time.time()
    return {
        "first_chunk_s": first_chunk,
        "chunks": count,
        "chunk_wall_s": clock.wall,
        "chunk_cpu_s": clock.cpu,
        "returned": returned,
        "jobs": list(returned),
    }


# -- entry point -------------------------------------------------------------------------------


@contextmanager
def profiled(path: str | None) -> Iterator[None]:
    """Profile the block with cProfile into ``path`` (nothing when ``path`` is empty)."""
    if not path:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)


def run(spec: Spec) -> Report:
    """Dispatch on ``spec["client"]``."""
    client = spec["client"]
    if client == "sync":
        return run_sync(spec)
    if client == "async":
        return run_async(spec, sogni_async_opener())
    if client == "official":
        return run_async(spec, official_opener())
    if client == "plain":
        return run_plain(spec)
    raise ValueError(f"unknown client {client!r}")


def main() -> int:
    """Read the spec from argv, run it, print the report as one JSON line."""
    spec: Spec = {"timeout": 120, "seed": 1, **json.loads(sys.argv[1])}
    with profiled(spec.get("profile")):
        report = run(spec)
    if Results.short:
        report["short_results"] = [Results.short, Results.finished]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
