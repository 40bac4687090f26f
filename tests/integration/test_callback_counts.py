"""A project knows whether it or its jobs hold callbacks, whatever threads add and remove
them at once: with none it skips callback work per event, with one it must not."""

from __future__ import annotations

import threading

from sogni import SogniClient
from sogni.testing import LocalSupernet


def test_callbacks_added_and_removed_from_many_threads_are_counted_exactly(
    net: LocalSupernet,
) -> None:
    with SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        project.wait_for_completion(timeout=30)
        job = project.jobs[0]
        start = threading.Barrier(8)

        def churn(index: int) -> None:
            start.wait(timeout=10)
            owner = project if index % 2 else job
            for _ in range(500):
                owner.on("*", print)()  # add, then remove at once

        threads = [threading.Thread(target=churn, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not project._has_callbacks()
        remove = job.on("job_completed", print)
        assert project._has_callbacks()
        remove()
        assert not project._has_callbacks()
