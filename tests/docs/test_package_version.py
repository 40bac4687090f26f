"""One version: ``_version.py`` is read by the build and re-exported by both packages."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

import sogni
import sogni_async
from sogni import _version

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]


def test_both_packages_export_the_same_version() -> None:
    assert sogni.__version__ is _version.__version__
    assert sogni_async.__version__ is sogni.__version__


def test_version_is_a_release_number() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.dev\d+)?", sogni.__version__)


def test_pyproject_reads_the_version_file() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/sogni/_version.py"


def test_installed_metadata_matches() -> None:
    assert importlib.metadata.version("sogni") == sogni.__version__
