"""The package's layers, read from its import statements: the core is closed and pure, and
no modules import each other in a circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

#: What the sans-I/O core may never load: I/O, concurrency and (the last five) the layers
#: above it, which it may not even name for a type checker.
CORE_FORBIDDEN = (
    "asyncio",
    "concurrent",
    "httpx",
    "selectors",
    "socket",
    "ssl",
    "subprocess",
    "threading",
    "websocket",
    "sogni._runtime",
    "sogni._sync",
    "sogni.cli",
    "sogni.testing",
    "sogni_async",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imported(module: str, path: Path, nodes: list[ast.stmt] | None = None) -> Iterator[str]:
    """Every module an import statement of ``module`` names (``from p import m`` names
    ``p.m`` when ``m`` is a module, else ``p``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if nodes is None else nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                yield f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source


def _top_level(path: Path) -> list[ast.stmt]:
    """Statements run when the module is imported (``if TYPE_CHECKING`` blocks included:
    a type checker follows them)."""
    body, found = list(ast.parse(path.read_text(encoding="utf-8")).body), []
    while body:
        node = body.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, (ast.If, ast.Try)):
            body[:0] = (
                node.body + node.orelse + [s for h in getattr(node, "handlers", []) for s in h.body]
            )
    return found


def _owner(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_only(path: Path) -> set[int]:
    """Line numbers of imports under ``if TYPE_CHECKING:`` (never run: annotations only)."""
    lines = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            lines |= {n.lineno for b in node.body for n in ast.walk(b) if hasattr(n, "lineno")}
    return lines


def _runtime_imports(module: str, path: Path) -> Iterator[str]:
    skipped = _type_checking_only(path)
    nodes = [
        n
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, (ast.Import, ast.ImportFrom)) and n.lineno not in skipped
    ]
    return _imported(module, path, nodes)


def test_the_core_imports_nothing_outside_it() -> None:
    offending = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if module.startswith("sogni.core")
        for name in _imported(module, path)
        if name.startswith(CORE_FORBIDDEN[-5:])
        or (name.startswith("sogni") and not name.startswith("sogni.core") and name != "sogni")
    )
    assert offending == []


def test_the_core_loads_no_io_or_concurrency() -> None:
    offending = sorted(
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if module.startswith("sogni.core")
        for name in _runtime_imports(module, path)
        if name.startswith(CORE_FORBIDDEN)
    )
    assert offending == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = {
        module: {
            owner
            for name in _imported(module, path, _top_level(path))
            if (owner := _owner(name)) is not None and owner != module
        }
        for module, path in MODULES.items()
    }
    circles = _circles(graph)
    assert circles == [], circles


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
