"""A griffe extension: the reST markup of the SDK's docstrings, as Markdown.

The docstrings are Google style with a little reST inside: roles such as
``:class:`~sogni.Project``` and ``::`` before an indented example. Roles become inline
code (the last dotted part when the target starts with ``~``) and ``::`` becomes ``:``, so
the indented example that follows renders as the code block it already is in Markdown.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|exc|data|obj|const):`(~?)([^`]+)`")
LONE_MARK = re.compile(r"^[ \t]*::[ \t]*\n", re.M)
TRAILING_MARK = re.compile(r"(?<=\S)::$", re.M)


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def markdown(text: str) -> str:
    """``text`` with reST roles as inline code and literal-block marks as colons."""
    text = ROLE.sub(_role, text)
    return TRAILING_MARK.sub(":", LONE_MARK.sub("", text))


class RstMarkup(griffe.Extension):
    """Rewrites each docstring once, when its object is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
