"""The stored login of the ``sogni`` command: a JSON file only its owner may read.

It lives in ``$XDG_CONFIG_HOME/sogni/credentials.json`` when that variable is set, else in
the platform's usual place for settings (``~/.config`` on Linux, ``~/Library/Application
Support`` on macOS, ``%APPDATA%`` on Windows). The tokens in it are secrets: nothing in
the command line prints them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import attrs

from sogni.errors import SogniError

__all__ = ["StoredLogin", "config_dir", "credentials_path", "forget", "load", "save"]

FILE_NAME = "credentials.json"


@attrs.frozen(kw_only=True)
class StoredLogin:
    """A session saved by ``sogni login``: its tokens and the network they belong to."""

    username: str
    token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    rest_endpoint: str
    socket_endpoint: str
    wallet_address: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return attrs.asdict(self)

    def with_tokens(self, token: str, refresh_token: str) -> StoredLogin:
        """The same login with renewed tokens."""
        return attrs.evolve(self, token=token, refresh_token=refresh_token)


def config_dir() -> Path:
    """The folder of the command's settings (not created here)."""
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "sogni"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "sogni"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "sogni"
    return Path.home() / ".config" / "sogni"


def credentials_path() -> Path:
    """Where the login is stored."""
    return config_dir() / FILE_NAME


def load() -> StoredLogin | None:
    """The stored login, or ``None`` when there is none.

    Raises:
        SogniError: the file exists but is not a login this command wrote.
    """
    path = credentials_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SogniError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
        return StoredLogin(
            username=str(data["username"]),
            token=str(data["token"]),
            refresh_token=str(data["refresh_token"]),
            rest_endpoint=str(data["rest_endpoint"]),
            socket_endpoint=str(data["socket_endpoint"]),
            wallet_address=data.get("wallet_address"),
        )
    except (ValueError, KeyError, TypeError):
        raise SogniError(
            f"{path} is not a stored login", hint="run `sogni logout`, then `sogni login`"
        ) from None


def save(login: StoredLogin) -> Path:
    """Write the login atomically, readable and writable by the owner only (0600)."""
    path = credentials_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
    try:
        os.chmod(temporary, 0o600)  # mkstemp already makes it 0600; be explicit about it
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(login.to_json(), out, indent=2)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def forget() -> bool:
    """Delete the stored login; ``False`` when there was none."""
    path = credentials_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise SogniError(f"cannot delete {path}: {exc.strerror}") from None
    return True
