"""Developer tasks: ``nox -s tests``, ``nox -s codegen``, ``nox -s lint``, ``nox -s docs``,
``nox -s frameworks``."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
#: The official npm clients the parity tests run: 5.1.0 (reference era) and 5.54.0 (current).
NPM_HARNESSES = (ROOT / "tests" / "npm", ROOT / "tests" / "npm554")


@nox.session
def tests(session: nox.Session) -> None:
    """Install the package with every extra, run the whole test suite and build the docs."""
    session.install("-e", ".[all,dev,docs]")
    for harness in NPM_HARNESSES:
        if shutil.which("npm") and not (harness / "node_modules").exists():
            with session.chdir(harness):
                session.run("npm", "ci", "--no-audit", "--no-fund", external=True)
    session.run("pytest", *(session.posargs or ["-q"]))
    if not session.posargs:  # a chosen subset of tests skips the few seconds of the build
        _build_docs(session)


@nox.session
def frameworks(session: nox.Session) -> None:
    """Prove Django, Flask, Celery, FastAPI and Jupyter: each serves a local Supernet's
    projects from a real server process (tests/frameworks, not part of ``tests``)."""
    session.install("-e", ".[frameworks]")
    session.run("pytest", *(session.posargs or ["-q", "tests/frameworks"]))


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate the models and both facades from schemas/."""
    session.run("python", "-m", "codegen", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Type-check (mypy --strict), lint (ruff check) and check the formatting (ruff format)."""
    session.install("-e", ".[all,dev]")
    session.run("mypy")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into ``build/site/``; any warning fails the build."""
    session.install("-e", ".[docs]")
    _build_docs(session, *session.posargs)


def _build_docs(session: nox.Session, *args: str) -> None:
    # NO_MKDOCS_2_WARNING: Material's banner about MkDocs 2 is not about this site.
    session.run("mkdocs", "build", "--strict", *args, env={"NO_MKDOCS_2_WARNING": "1"})
