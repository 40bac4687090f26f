"""The sync and async clients are twins: what is written by hand on both sides (the
primitives and the clients' own methods) keeps the same names and signatures, and the
sync modules written from the async ones keep nothing of asyncio (``test_codegen`` checks
that they are current)."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import sogni
import sogni_async
from sogni._sync import primitives as sync_primitives
from sogni_async import _primitives as async_primitives

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from codegen import unasync  # noqa: E402


def _signature(member: object) -> str:
    return str(inspect.signature(member))  # type: ignore[arg-type]


def _public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name, member in vars(cls).items()
        if not name.startswith("_") and callable(member)
    }


def test_primitives_offer_the_same_names_and_signatures() -> None:
    assert sync_primitives.__all__ == async_primitives.__all__
    for name in sync_primitives.__all__:
        sync_value = getattr(sync_primitives, name)
        async_value = getattr(async_primitives, name)
        if inspect.isfunction(sync_value):
            assert _signature(sync_value) == _signature(async_value), name
            assert not inspect.iscoroutinefunction(sync_value), name
        elif inspect.isclass(sync_value):
            sync_methods, async_methods = _public(sync_value), _public(async_value)
            assert sync_methods.keys() == async_methods.keys(), name
            for method, member in sync_methods.items():
                assert _signature(member) == _signature(async_methods[method]), (name, method)


def test_the_clients_own_methods_match() -> None:
    sync_methods = _public(sogni.SogniClient)
    async_methods = _public(sogni_async.AsyncSogniClient)
    assert sync_methods.keys() == async_methods.keys()
    for name, member in sync_methods.items():
        assert _signature(member) == _signature(async_methods[name]), name


def test_rewriting_drops_every_async_keyword_and_name() -> None:
    for source in unasync.TWINS:
        twin = unasync.unasync((ROOT / "src" / source).read_text(encoding="utf-8"))
        for word in ("async ", "await ", "asyncio", "sogni_async", "Async"):
            assert word not in twin, (source, word)
