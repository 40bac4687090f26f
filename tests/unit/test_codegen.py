"""Generated code must match the schemas, and both facades must offer the same surface."""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from codegen.generate import SCHEMAS, stale_files  # noqa: E402
from codegen.schema import operations  # noqa: E402
from sogni import SogniClient  # noqa: E402
from sogni._sync._generated import sync_facade  # noqa: E402
from sogni_async import AsyncSogniClient  # noqa: E402
from sogni_async._generated import async_facade  # noqa: E402


def test_generated_files_are_up_to_date() -> None:
    stale = [str(path.relative_to(ROOT)) for path in stale_files()]
    assert stale == [], f"run `nox -s codegen` and commit: {stale}"


def _public_methods(cls: type) -> dict[str, object]:
    return {
        name: member
        for name, member in vars(cls).items()
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


def _local_methods() -> set[tuple[str, str]]:
    """(class, method) of the ``local`` operations: plain calls in both clients."""
    table = operations(SCHEMAS)
    classes = {group["name"]: group["class"] for group in table["groups"]}
    return {
        (classes.get(op["group"], "SogniClientFacade"), op["name"])
        for op in table["operations"]
        if op["kind"] == "local"
    }


def test_sync_and_async_facades_have_the_same_methods_and_arguments() -> None:
    local = _local_methods()
    for name in sync_facade.__all__:
        sync_cls = getattr(sync_facade, name)
        async_cls = getattr(async_facade, "Async" + name)
        sync_methods = _public_methods(sync_cls)
        async_methods = _public_methods(async_cls)
        assert sync_methods.keys() == async_methods.keys(), name
        for method, member in sync_methods.items():
            twin = async_methods[method]
            if isinstance(member, property):
                assert isinstance(twin, property)
                continue
            returns = str(inspect.signature(member).return_annotation)  # type: ignore[arg-type]
            if returns.startswith("Iterator["):
                # Iterating operations: ``for`` on the sync client, ``async for`` on the twin.
                twin_returns = str(inspect.signature(twin).return_annotation)  # type: ignore[arg-type]
                assert twin_returns == "Async" + returns, f"{name}.{method}"
                assert not inspect.iscoroutinefunction(twin), f"{name}.{method}"
            elif (name, method) in local:
                assert not inspect.iscoroutinefunction(twin), f"{name}.{method} is a plain call"
            else:
                assert inspect.iscoroutinefunction(twin), f"{name}.{method} must be async"
            sync_params = list(inspect.signature(member).parameters)  # type: ignore[arg-type]
            async_params = list(inspect.signature(twin).parameters)  # type: ignore[arg-type]
            assert sync_params == async_params, f"{name}.{method}"


def test_every_public_facade_member_has_a_docstring() -> None:
    for module in (sync_facade, async_facade):
        for name in module.__all__:
            cls = getattr(module, name)
            assert cls.__doc__
            for method, member in _public_methods(cls).items():
                assert getattr(member, "__doc__", None), f"{name}.{method}"


def _protocol_members(protocol: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in vars(protocol).items()
        if not name.startswith("__")
        and (inspect.isfunction(member) or isinstance(member, property))
    }


@pytest.mark.parametrize(
    ("module", "client"), [(sync_facade, SogniClient), (async_facade, AsyncSogniClient)]
)
def test_the_facade_client_protocol_is_what_the_client_offers(module: Any, client: type) -> None:
    protocol = module.AsyncFacadeClient if module is async_facade else module.FacadeClient
    members = _protocol_members(protocol)
    assert {"_ctx", "_run", "_iterate", "_project", "_chat"} <= members.keys()
    for name, member in members.items():
        offered = inspect.getattr_static(client, name)
        if isinstance(member, property):
            assert isinstance(offered, property), name
            continue
        assert inspect.iscoroutinefunction(member) == inspect.iscoroutinefunction(offered), name
        wanted = len(inspect.signature(member).parameters)
        assert len(inspect.signature(offered).parameters) == wanted, name


@pytest.mark.parametrize("module", [sync_facade, async_facade])
def test_the_facades_do_not_import_the_clients(module: Any) -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    sources = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not sources & {"sogni", "sogni_async", "sogni._sync.client", "sogni_async._client"}


def test_json_schema_types_become_python_annotations() -> None:
    from codegen.python_types import ARGUMENT, RESULT, annotation, imports

    nullable_ints = {"type": ["integer", "null"], "minimum": 1}
    assert annotation(nullable_ints, ARGUMENT) == "int | None"
    assert annotation({"enum": ["day", "lifetime", None]}) == "Literal['day', 'lifetime'] | None"
    strings = {"type": "array", "items": {"type": "string"}}
    assert annotation(strings, ARGUMENT) == "Sequence[str]"
    assert annotation(strings, RESULT) == "list[str]"
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert annotation(counts, ARGUMENT) == "Mapping[str, int]"
    assert annotation({"$ref": "../models.json#/$defs/CostEstimate"}) == "CostEstimate"
    assert annotation({"anyOf": [{"x-host-type": "asset"}, {"type": "null"}]}) == (
        "AssetInput | None"
    )
    lines = imports(["Mapping[str, Decimal] | httpx.Timeout"], {})
    assert lines == [
        "import httpx",
        "from collections.abc import Mapping",
        "from decimal import Decimal",
    ]
    with pytest.raises(KeyError):
        imports(["Unheard"], {})
