"""Generates the SDK's models and both client facades from ``schemas/``.

Run ``python -m codegen`` (or ``nox -s codegen``) after editing a schema or a template,
and commit the schema and the generated files together.
"""
