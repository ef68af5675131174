"""The start screen's memory: the last server and name, in a small JSON file
in the user's config directory. A missing or broken file is an empty one."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_DIR = "blackjackd"
FILE_NAME = "client.json"
KEYS = ("server", "name")


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where per-user settings live: ``%APPDATA%`` on Windows, else
    ``$XDG_CONFIG_HOME`` or ``~/.config``."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32" and env.get("APPDATA"):
        return Path(env["APPDATA"])
    xdg = env.get("XDG_CONFIG_HOME")
    # The XDG spec says a relative path is invalid and must be ignored.
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    return Path(env.get("HOME") or Path.home()) / ".config"


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The client's settings file."""
    return config_dir(environ) / APP_DIR / FILE_NAME


def load(path: Path) -> dict[str, str]:
    """The remembered settings; only string values of known keys are kept."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in KEYS and isinstance(v, str)}


def save(path: Path, settings: Mapping[str, str]) -> bool:
    """Remember ``settings``; False (and nothing raised) if it can't be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves half a file behind.
        partial = path.with_name(path.name + ".tmp")
        partial.write_text(
            json.dumps({k: settings[k] for k in KEYS if k in settings}, indent=2),
            encoding="utf-8",
        )
        os.replace(partial, path)
    except OSError:
        return False
    return True
