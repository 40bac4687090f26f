"""Keep-alive of running projects: ask the network about projects that went silent.

One daemon thread per client, alive only while projects are tracked. It sleeps until the
next project is due (``keep_alive`` seconds after its last news) and hands each due check
to the client as a plan; the check itself (REST record, timeout after repeated failures)
is :func:`sogni.core.plans.projects.check_project`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sogni.core.projects import ProjectState

__all__ = ["ProjectWatchdog"]

#: Longest sleep between two looks at the tracked projects (seconds).
_MAX_SLEEP = 30.0
_MIN_SLEEP = 0.01


class ProjectWatchdog:
    """Schedules keep-alive checks of the projects ``projects()`` returns."""

    def __init__(
        self,
        projects: Callable[[], list[ProjectState]],
        check: Callable[[ProjectState], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._projects = projects
        self._check = check
        self._clock = clock
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def wake(self) -> None:
        """Look at the projects now (starting the thread if it is not running)."""
        with self._lock:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(
                    target=self._run, name="sogni-project-watchdog", daemon=True
                )
                self._thread.start()
        self._woken.set()

    def stop(self) -> None:
        """Stop checking for good (the client is closing)."""
        with self._lock:
            self._stopped = True
        self._woken.set()

    def _run(self) -> None:
        while True:
            with self._lock:
                states = [s for s in self._projects() if s.outcome is None]
                if not states or self._stopped:
                    self._thread = None
                    return
            now = self._clock()
            for state in states:
                if state.check_due(now):
                    state.start_check(now)
                    self._check(state)
            next_at = min(state.next_check_at() for state in states)
            delay = min(max(next_at - self._clock(), _MIN_SLEEP), _MAX_SLEEP)
            self._woken.wait(delay)
            self._woken.clear()
