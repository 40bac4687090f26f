"""The package version, in one place: pyproject reads it, ``sogni.__version__`` is it."""

__version__ = "0.1.0"
