"""Keep-alive of running projects: ask the network about projects that went silent.

One daemon thread per client, alive only while projects are scheduled. It keeps the
projects in a heap by when each is next due (``keep_alive`` seconds after its last news),
sleeps until the first, and hands each due check to the client as a plan; the check
itself (REST record, timeout after repeated failures) is
:func:`sogni.core.plans.projects.check_project`. A wake-up looks only at the projects
that are due: news of a project only moves its deadline later, which the heap learns
when the old deadline comes up.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from itertools import count

from sogni.core.projects import ProjectState

__all__ = ["ProjectWatchdog"]

#: Longest sleep between two looks at the schedule (seconds).
_MAX_SLEEP = 30.0
_MIN_SLEEP = 0.01


class ProjectWatchdog:
    """Schedules keep-alive checks of projects while ``tracked(state)`` says they are
    followed and they have not finished."""

    def __init__(
        self,
        tracked: Callable[[ProjectState], bool],
        check: Callable[[ProjectState], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tracked = tracked
        self._check = check
        self._clock = clock
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._heap: list[tuple[float, int, ProjectState]] = []
        self._planned: dict[int, float] = {}  # id(state) -> the deadline its live entry has
        self._order = count()

    @property
    def scheduled(self) -> int:
        """How many projects are in the schedule."""
        return len(self._planned)

    def schedule(self, state: ProjectState) -> None:
        """Look at ``state`` when its next check is due (starting the thread if needed);
        call again whenever that may have come earlier (a check failed)."""
        due = state.next_check_at()
        with self._lock:
            if self._stopped:
                return
            planned = self._planned.get(id(state))
            if planned is not None and planned <= due:
                return  # already looked at no later than that
            self._push(state, due)
            first = self._heap[0][2] is state
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sogni-project-watchdog", daemon=True
                )
                self._thread.start()
                return
        if first:
            self._woken.set()  # sooner than the thread planned to look

    def forget(self, state: ProjectState) -> None:
        """Take ``state`` out of the schedule (it finished, or is no longer followed)."""
        with self._lock:
            if self._planned.pop(id(state), None) is None:
                return
            if len(self._heap) > 2 * len(self._planned) + 64:
                # Drop the entries of forgotten projects, so they do not pile up.
                self._heap = [e for e in self._heap if self._planned.get(id(e[2])) == e[0]]
                heapq.heapify(self._heap)

    def stop(self) -> None:
        """Stop checking for good (the client is closing)."""
        with self._lock:
            self._stopped = True
            self._heap.clear()
            self._planned.clear()
        self._woken.set()

    def _push(self, state: ProjectState, due: float) -> None:
        # Called with self._lock held.
        self._planned[id(state)] = due
        heapq.heappush(self._heap, (due, next(self._order), state))

    def _take_due(self, now: float) -> list[ProjectState]:
        """Pop the entries due by ``now``; returns the projects to check now."""
        due_now: list[ProjectState] = []
        later: list[ProjectState] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            deadline, _, state = heapq.heappop(heap)
            key = id(state)
            if self._planned.get(key) != deadline:
                continue  # superseded by an earlier entry of the same project
            del self._planned[key]
            if state.outcome is not None or not self._tracked(state):
                continue
            if now >= state.next_check_at():
                state.start_check(now)
                due_now.append(state)
            later.append(state)  # news may have arrived since it was planned
        for state in later:  # after the loop: due again at once must wait for the next pass
            self._push(state, state.next_check_at())
        return due_now

    def _run(self) -> None:
        while True:
            self._woken.clear()  # a schedule() from here on wakes the wait below
            with self._lock:
                if not self._heap or self._stopped:
                    self._thread = None
                    return
                due_now = self._take_due(self._clock())
                next_at = self._heap[0][0] if self._heap else None
            for state in due_now:
                self._check(state)
            if next_at is None:
                continue  # nothing left: the loop ends unless a project came meanwhile
            delay = min(max(next_at - self._clock(), _MIN_SLEEP), _MAX_SLEEP)
            self._woken.wait(delay)
