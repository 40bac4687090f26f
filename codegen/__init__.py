"""Generates the SDK's models and both client facades from ``schemas/``.

Run ``python -m codegen`` (or ``nox -s codegen``) after editing a schema or a template,
and commit the schema and the generated files together.

The schemas hold no Python: a value is described in JSON Schema (``type``, ``enum``,
``items``, ``default``, ``$ref`` to a model or to a shared argument), plus a few
annotations of our own: ``x-vocabulary`` (a set of ``schemas/vocabulary.json``),
``x-host-type`` (a Python type JSON cannot describe, named in
:mod:`codegen.host_types`) and ``x-view`` (the client's view of a result).
:mod:`codegen.python_types` turns a schema into an annotation and the annotations into
the imports they need.
"""
