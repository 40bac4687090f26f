"""Nothing a user asked for is lost or done twice: drops, outages, restarts and closes.

Each scenario runs against a real local Supernet and checks the network's own counts:
every project ``create()`` returned was received exactly once, none was canceled by the
SDK, and every one finished.
"""

from __future__ import annotations

import gc
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from chaos_helpers import connect

from sogni import ClientClosed, NotDelivered, SogniClient
from sogni.testing import LocalSupernet

MODEL = "flux1-schnell-fp8"


def create(client: SogniClient, index: int = 0) -> str:
    project = client.projects.create(model_id=MODEL, positive_prompt=f"chaos {index}")
    return project.id


def assert_delivered_once(net: LocalSupernet, project_ids: list[str]) -> None:
    """Every id reached the network once; nothing was canceled behind the user's back."""
    received = [message["jobID"] for message in net.received("jobRequest")]
    assert sorted(set(received)) == sorted(project_ids)
    assert net.duplicate_requests("jobRequest") == []
    stats = net.stats()
    assert stats["projects_started"] == len(project_ids)
    assert stats["cancelled_by_client"] == 0


class Dropper:
    """Cuts every connection of ``net`` at seeded random moments until stopped."""

    def __init__(self, net: LocalSupernet, rng: random.Random, *, gap: float = 0.05) -> None:
        self.drops = 0
        self._net, self._rng, self._gap = net, rng, gap
        self._dropped = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Dropper:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        for _ in range(200):  # bounded however long the scenario takes
            if self._stop.wait(self._rng.uniform(0.0, self._gap * 2)):
                return
            self._net.drop_connections()
            with self._dropped:
                self.drops += 1
                self._dropped.notify_all()

    def wait_for_drops(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` drops happened."""
        with self._dropped:
            return self._dropped.wait_for(lambda: self.drops >= count, timeout)


def test_random_drops_under_concurrent_load_lose_nothing(
    net: LocalSupernet, client: SogniClient, rng: random.Random
) -> None:
    with Dropper(net, rng) as dropper, ThreadPoolExecutor(8) as pool:
        projects = list(
            pool.map(
                lambda i: client.projects.create(model_id=MODEL, positive_prompt=f"p{i}"),
                range(48),
            )
        )
        # However fast the projects run, the connection is cut a few times under them.
        dropper.wait_for_drops(3, timeout=10)
        results = list(pool.map(lambda p: p.wait_for_completion(30), projects))
    assert dropper.drops >= 3
    assert all(len(urls) == 1 for urls in results)
    assert_delivered_once(net, [p.id for p in projects])


def test_a_drop_right_before_create_loses_nothing(net: LocalSupernet, client: SogniClient) -> None:
    projects = []
    for index in range(30):
        if index % 3 == 0:
            net.drop_connections()
        projects.append(client.projects.create(model_id=MODEL, positive_prompt=f"d{index}"))
    for project in projects:
        project.wait_for_completion(30)
    assert_delivered_once(net, [p.id for p in projects])


def test_create_then_close_at_once_delivers_every_request(net: LocalSupernet) -> None:
    client = connect(net)
    client.projects.wait_for_models(timeout=10)
    ids = [create(client, index) for index in range(40)]
    client.close()
    net.wait_for_received("jobRequest", count=40, timeout=10)
    assert_delivered_once(net, ids)


def test_close_during_an_outage_names_what_was_not_delivered(net: LocalSupernet) -> None:
    with connect(net) as client:
        client.projects.wait_for_models(timeout=10)  # connected once before the outage
        client.projects.get_model_options(MODEL)  # and the catalogue is cached
        with net.outage():
            project = client.projects.create(model_id=MODEL, positive_prompt="never sent")
            waiter = ThreadPoolExecutor(1).submit(project.wait_for_completion, 30)
            client.close(timeout=0.5)
            error = waiter.exception(timeout=10)
    assert isinstance(error, NotDelivered) and isinstance(error, ClientClosed)
    assert error.request_id == project.id and error.request_type == "jobRequest"
    assert project.id in str(error)
    assert net.received("jobRequest") == []


def test_failed_catch_up_checks_never_cancel_a_project() -> None:
    with LocalSupernet(api_key="slow", step_delay=0.1, steps=20) as slow:
        with connect(slow) as client:
            slow.fail_requests("/v1/projects/", 503, times=None)
            project = client.projects.create(model_id=MODEL, positive_prompt="kept")
            for _ in range(3):
                slow.wait_for_sent("jobProgress", count=1, timeout=10)
                slow.drop_connections()
                slow.wait_for_requests(f"/v1/projects/{project.id}", timeout=10)
            slow.clear_faults()
            assert len(project.wait_for_completion(30)) == 1
            assert slow.received("jobError") == []
            assert slow.stats()["cancelled_by_client"] == 0


def test_a_burst_of_resyncs_looks_each_project_up_one_at_a_time() -> None:
    # Every reconnection resyncs every project; a burst of them must not become a burst
    # of identical lookups (hundreds of them exhausted the loopback accept queue).
    with LocalSupernet(api_key="slow", step_delay=0.1, steps=20) as slow:
        with connect(slow) as client:
            project = client.projects.create(model_id=MODEL, positive_prompt="resynced")
            slow.wait_for_sent("jobProgress", count=1, timeout=10)
            path = f"/v1/projects/{project.id}"
            slow.fail_requests(path, 503, times=None, delay=0.3)
            for _ in range(20):
                client._conn.hub.resync_projects()
            lookups = slow.wait_for_requests(path, count=2, timeout=10)[:2]
            slow.clear_faults()
            # The second lookup waited for the first one's answer (0.3 s later).
            assert lookups[1].time - lookups[0].time >= 0.25
            assert len(project.wait_for_completion(30)) == 1
            assert slow.stats()["cancelled_by_client"] == 0


def test_a_server_restart_on_the_same_port_is_survived(
    net: LocalSupernet, client: SogniClient
) -> None:
    before = client.projects.create(model_id=MODEL, positive_prompt="before")
    port = net.port
    net.restart()
    after = client.projects.create(model_id=MODEL, positive_prompt="after")
    assert net.port == port
    assert len(before.wait_for_completion(30)) == 1
    assert len(after.wait_for_completion(30)) == 1
    assert_delivered_once(net, [before.id, after.id])


def test_a_long_outage_is_waited_out(net: LocalSupernet, client: SogniClient) -> None:
    reconnected = threading.Event()
    client.on("connected", lambda event: event.reconnected and reconnected.set())
    client.projects.get_model_options(MODEL)  # the catalogue is cached before the outage
    net.start_outage()
    try:
        during = client.projects.create(model_id=MODEL, positive_prompt="during")
        # The outage lasts for many reconnect delays (the old engine gave up after 8).
        assert not reconnected.wait(2.0)
    finally:
        net.end_outage()
    assert reconnected.wait(10)
    assert len(during.wait_for_completion(30)) == 1
    after = client.projects.create(model_id=MODEL, positive_prompt="x")
    assert len(after.wait_for_completion(30)) == 1
    assert_delivered_once(net, [during.id, after.id])


def test_malformed_frames_and_stray_ids_do_not_break_projects(
    net: LocalSupernet, client: SogniClient
) -> None:
    project = client.projects.create(model_id=MODEL, positive_prompt="robust")
    for frame in ("not json", b"\xff\xfe", '{"type": "jobProgress"}', '{"type":1,"data":"%%"}'):
        net.send_raw(frame)
    assert len(project.wait_for_completion(30)) == 1


def test_thirty_two_threads_share_one_client(net: LocalSupernet, client: SogniClient) -> None:
    errors: list[BaseException] = []

    def work(index: int) -> list[str]:
        project = client.projects.create(
            model_id=MODEL, positive_prompt=f"t{index}", number_of_media=2
        )
        while not project.finished:
            repr(project), project.progress, project.result_urls, project.jobs
            for job in project.jobs:
                repr(job), job.progress, job.job_index
        return project.wait_for_completion(30)

    with ThreadPoolExecutor(32) as pool:
        futures = [pool.submit(work, index) for index in range(32)]
        for future in futures:
            try:
                assert len(future.result(60)) == 2
            except BaseException as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
    assert errors == []


@pytest.mark.parametrize("reader", ["wait", "events"])
def test_close_wakes_every_waiter(net: LocalSupernet, reader: str) -> None:
    with LocalSupernet(api_key="slow", step_delay=1.0, steps=50) as slow:
        client = connect(slow)
        project = client.projects.create(model_id=MODEL, positive_prompt="long")
        wait: Callable[[], object] = (
            (lambda: project.wait_for_completion(60))
            if reader == "wait"
            else (lambda: list(project.events()))
        )
        waiters = ThreadPoolExecutor(4)
        futures = [waiters.submit(wait) for _ in range(4)]
        slow.wait_for_received("jobRequest", timeout=10)
        client.close()
        for future in futures:
            assert isinstance(future.exception(timeout=5), ClientClosed)
        with pytest.raises(ClientClosed):
            client.projects.create(model_id=MODEL, positive_prompt="after close")
        with pytest.raises(ClientClosed):
            client.account.me()
        assert slow.stats()["cancelled_by_client"] == 0
        waiters.shutdown()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _sogni_threads(ignore: frozenset[threading.Thread] = frozenset()) -> list[str]:
    """The client threads alive now, apart from ``ignore`` (the server's is not one)."""
    return [
        t.name
        for t in threading.enumerate()
        if t.name.startswith("sogni") and t.name != "sogni-local-supernet" and t not in ignore
    ]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_no_thread_or_descriptor_outlives_close(net: LocalSupernet) -> None:
    gc.disable()  # descriptors must be freed by close(), not by the garbage collector
    try:
        before = _open_descriptors()
        earlier = frozenset(threading.enumerate())  # other tests' clients are not this one's
        for _ in range(3):
            client = connect(net)
            reconnected = threading.Event()
            client.on("connected", lambda e, done=reconnected: e.reconnected and done.set())
            client.projects.create(model_id=MODEL, positive_prompt="a").wait_for_completion(30)
            net.drop_connections()
            assert reconnected.wait(10)
            client.projects.create(model_id=MODEL, positive_prompt="b").wait_for_completion(30)
            client.close()
        deadline = time.monotonic() + 5
        while (_sogni_threads(earlier) or _open_descriptors() > before) and (
            time.monotonic() < deadline
        ):
            threading.Event().wait(0.05)  # threads end on their own shortly after close
        assert _sogni_threads(earlier) == []
        assert _open_descriptors() <= before
    finally:
        gc.enable()
