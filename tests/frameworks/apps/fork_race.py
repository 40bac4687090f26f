"""gunicorn settings (``--config fork_race.py``) that fork the first worker at a moment that
otherwise comes by chance: while the client's connection thread, started by
``SogniClient()``, runs its first import of ``encodings.idna`` (its first connect needs it,
for the host name) and so holds that module's import lock. Only the timing is changed: the
import goes on once the fork is done.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from importlib.abc import Loader
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any

MODULE = "encodings.idna"
#: Bounds both waits, so that a client that no longer imports MODULE just forks late.
PATIENCE = 10.0

_importing = threading.Event()
_forked = threading.Event()
os.register_at_fork(after_in_parent=_forked.set)


class _HeldLoader(Loader):
    """Runs the module once the next fork is done. ``exec_module`` runs under the module's
    own lock only; a finder would run under the global import lock, which ``os.fork`` waits
    for."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        _importing.set()
        _forked.wait(PATIENCE)
        self._loader.exec_module(module)


class _HoldTheImport:
    """Finds MODULE for the first thread other than the main one to import it, once."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != MODULE or threading.current_thread() is threading.main_thread():
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _HeldLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _HoldTheImport())


def pre_fork(server: Any, worker: Any) -> None:
    """gunicorn's hook, in the master before each fork: the first waits for that import."""
    _importing.wait(PATIENCE)
