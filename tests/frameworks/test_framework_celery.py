"""A Celery prefork worker (2 pool processes) with a module-level client, made and
connected in the worker's main process; broker and results in folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from framework_helpers import REQUESTS, app_environment, check_renders, job_request_app_ids, serve

from sogni.testing import LocalSupernet

celery = pytest.importorskip("celery")

from celery.exceptions import TimeoutError as TaskTimeout  # type: ignore[import-untyped]  # noqa: E402
from celery_config import FOLDER_VARIABLE, celery_config  # noqa: E402  (tests/frameworks/apps)


def test_a_celery_prefork_worker_runs_20_project_tasks(net: LocalSupernet, tmp_path: Path) -> None:
    folder = tmp_path / "celery"
    producer = celery.Celery("sogni_proof_producer")
    producer.conf.update(celery_config(folder))
    argv = [
        "celery",
        "-A",
        "celery_app",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "2",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
        "--hostname",
        "proof@localhost",
    ]
    env = app_environment(net, **{FOLDER_VARIABLE: str(folder)})
    with serve(argv, env, tmp_path / "celery.log") as worker:
        try:
            first = producer.send_task("sogni_proof.pid")  # answers once the pool takes tasks
            assert first.get(timeout=30, interval=0.05) != worker.pid
            tasks = [
                producer.send_task("sogni_proof.render", args=[f"p{n}"]) for n in range(REQUESTS)
            ]
            renders = [task.get(timeout=40, interval=0.05) for task in tasks]
        except TaskTimeout as exc:
            raise AssertionError(f"a task was not done in time:\n{worker.log()}") from exc
        assert all(task.successful() for task in tasks)
        log = worker.log()
    assert "Traceback" not in log, log
    check_renders(net, renders)
    pool = {r["pid"] for r in renders}
    assert len(pool) == 2 and worker.pid not in pool, pool
    assert {r["client_made_in"] for r in renders} == {worker.pid}  # imported before the fork
    assert len(job_request_app_ids(net)) == 2  # one connection per pool process
