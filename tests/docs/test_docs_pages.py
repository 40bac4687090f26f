"""The docs site's sources agree with the code, without running mkdocs.

Every name in ``sogni.__all__`` and ``sogni_async.__all__`` has an API entry: a
``::: package.Name`` directive, a whole-module directive whose module exports it, or a
directive whose ``members`` list names it. Directives point at objects that exist, every
page is in the nav, and every README fragment a page includes is marked in the README.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import sogni
import sogni_async

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))

DIRECTIVE = re.compile(r"^::: (?P<target>[\w.]+)[ \t]*\n(?P<options>(?:[ \t]+\S.*\n?)*)", re.M)
SNIPPET = re.compile(r'^--8<-- "(?P<file>[^":]+)(?::(?P<section>[\w-]+))?"', re.M)


@attrs.frozen
class Directive:
    """One ``::: target`` block of a page, with its ``members`` option."""

    page: str
    target: str
    members: tuple[str, ...] | None  # None: every public member; (): none

    @property
    def lists_members(self) -> bool:
        return self.members is None or bool(self.members)


def _members(options: str) -> tuple[str, ...] | None:
    if not options.strip():
        return None
    parsed: Any = yaml.safe_load(options)
    value = (parsed or {}).get("options", {}).get("members", True)
    if value is True:
        return None
    if value is False:
        return ()
    return tuple(value)


def directives() -> list[Directive]:
    found = []
    for page in PAGES:
        for match in DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
            page_name = str(page.relative_to(DOCS))
            found.append(Directive(page_name, match["target"], _members(match["options"])))
    return found


def resolve(target: str) -> object:
    """The object a directive names: a module, or an attribute path below one."""
    parts = target.split(".")
    for split in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            value = getattr(value, name)
        return value
    raise ImportError(target)


def documented(package: Any, name: str, entries: list[Directive]) -> list[str]:
    """The pages whose directives document ``package.name``."""
    value = getattr(package, name)
    pages = []
    for entry in entries:
        if entry.target == f"{package.__name__}.{name}":
            pages.append(entry.page)
            continue
        target = resolve(entry.target)
        if not hasattr(target, "__all__") or not entry.lists_members:
            continue
        exported = name in target.__all__ and getattr(target, name) is value
        if exported and (entry.members is None or name in entry.members):
            pages.append(entry.page)
    return pages


ENTRIES = directives()
PUBLIC = [(sogni, n) for n in sogni.__all__] + [(sogni_async, n) for n in sogni_async.__all__]


def test_the_reference_has_the_packages_and_public_modules() -> None:
    targets = {e.target for e in ENTRIES}
    wanted = {
        "sogni",
        "sogni_async",
        "sogni.errors",
        "sogni.testing",
        "sogni.wallet",
        "sogni.pytest_plugin",
    }
    assert wanted <= targets, wanted - targets


def test_every_directive_names_an_object() -> None:
    for entry in ENTRIES:
        resolve(entry.target)  # raises on a renamed or removed object


@pytest.mark.parametrize(("package", "name"), PUBLIC, ids=[f"{p.__name__}.{n}" for p, n in PUBLIC])
def test_public_name_has_an_api_entry(package: Any, name: str) -> None:
    pages = documented(package, name, ENTRIES)
    assert pages, f"{package.__name__}.{name} is on no API page"
    assert all(p.startswith("api/") for p in pages), pages
    assert len(pages) == 1, f"{package.__name__}.{name} is documented twice: {pages}"


def test_a_missing_name_is_caught() -> None:
    entries = [Directive("api/x.md", "sogni.errors", ("SogniError",))]
    assert documented(sogni, "SogniError", entries) == ["api/x.md"]
    assert documented(sogni, "ValidationError", entries) == []
    assert documented(sogni, "ValidationError", [Directive("api/x.md", "sogni", ())]) == []


def _nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    on_disk = [str(p.relative_to(DOCS)) for p in PAGES]
    assert sorted(nav) == sorted(on_disk)
    assert len(nav) == len(set(nav))


def test_included_fragments_are_marked_in_their_files() -> None:
    includes = [m for page in PAGES for m in SNIPPET.finditer(page.read_text(encoding="utf-8"))]
    assert includes
    for include in includes:
        text = (ROOT / include["file"]).read_text(encoding="utf-8")
        section = include["section"]
        if section is not None:
            start, end = f"--8<-- [start:{section}]", f"--8<-- [end:{section}]"
            assert text.count(start) == 1 and text.count(end) == 1, include.group(0)
            assert text.index(start) < text.index(end), include.group(0)


def test_rest_markup_becomes_markdown() -> None:
    pytest.importorskip("griffe")
    spec = importlib.util.spec_from_file_location("rst_markup", DOCS / "_ext" / "rst_markup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "Call :meth:`close` or :class:`~sogni.errors.SogniError`::\n\n    x = 1\n::\n\n    y\n"
    assert module.markdown(text) == "Call `close` or `SogniError`:\n\n    x = 1\n\n    y\n"
    assert module.markdown("a::b and :class:`sogni.Project`") == "a::b and `sogni.Project`"
